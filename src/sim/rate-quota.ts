/**
 * The contract of a per-window quota, whatever its shape (sliding-window-quota, token-bucket-quota,
 * fixed-window-quota): admit or refuse a request costing `tokens` input tokens, charge the answer's
 * tokens after the fact, and report what OpenAI's x-ratelimit-* headers show. Every shape takes its
 * time from an injected clock and accepts new limits while it holds state (a schedule, POST /control).
 */
export const QUOTA_SHAPES = ['sliding', 'token_bucket', 'fixed_window'] as const;
export type QuotaShape = (typeof QUOTA_SHAPES)[number];

export interface QuotaLimits {
  /** Requests and tokens allowed per window of `windowMs` (a minute by default, hence the names). */
  rpm: number;
  tpm: number;
  windowMs: number;
}

export type QuotaVerdict =
  | { ok: true }
  | {
      ok: false;
      limit: 'requests' | 'tokens';
      /** The exact wait until the same request would pass, unrounded (≥ 1 ms). */
      retryAfterMs: number;
      limitValue: number;
      used: number;
      requested: number;
      /** The request can never pass: it costs more than the budget can ever hold. */
      tooLarge: boolean;
    };

export interface QuotaSnapshot {
  requestsRemaining: number;
  tokensRemaining: number;
  /**
   * x-ratelimit-reset-requests / -tokens, "the time until the rate limit resets to its initial
   * state" (OpenAI's rate-limit guide): for a token bucket until it is full again, for a fixed
   * window to the boundary, for a sliding window until the newest sample leaves; 0 when nothing
   * is held.
   */
  requestsResetMs: number;
  tokensResetMs: number;
}

export interface RateQuota {
  setLimits(limits: QuotaLimits): void;
  /** Admits and charges one request costing `tokens`, or says how long until it would pass. */
  tryAdmit(tokens: number): QuotaVerdict;
  /** Charges tokens known only after the answer (output tokens), unconditionally. */
  charge(tokens: number): void;
  snapshot(): QuotaSnapshot;
}

export const ADMITTED: QuotaVerdict = { ok: true };

export function refusal(
  limit: 'requests' | 'tokens',
  retryAfterMs: number,
  limitValue: number,
  used: number,
  requested: number,
  tooLarge: boolean,
): QuotaVerdict {
  return { ok: false, limit, retryAfterMs: Math.max(1, retryAfterMs), limitValue, used, requested, tooLarge };
}
