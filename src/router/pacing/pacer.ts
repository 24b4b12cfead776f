import type { RateLimitPer, RateLimitQuota } from '../../model/errors.js';
import type { QuotaReading } from '../../model/quota-reading.js';

/**
 * The contract of a pacer: when the next call to a provider may leave — a pause for a retry hint,
 * and, for pacers that learn the provider's quotas, room in the quota for a call of a given size —
 * and what a 429 says about the window. How many calls may be in flight is a limit's business
 * (../limit/limit.ts); the gate (provider-gate.ts) holds one of each. Leaf file: the pacers and
 * the gate depend on it without a cycle.
 */

/**
 * What became of one call, as the provider slot classified it. `startedAt` (same clock as `now`)
 * is when the gate let it go. A success carries the tokens the provider reported, a 429 its hint,
 * the quota that refused and the unit of time the provider named for it (Gemini's quotaId
 * "…PerMinute…"), when known; both carry the quota as the provider reported it with them (`reading`,
 * OpenAI's x-ratelimit-* headers), when it did. `cancelled` is a call that ended without a
 * verdict (the caller gave up, a bug): it only frees its place.
 */
export type CallOutcome = (
  | {
      kind: 'success';
      latencyMs: number;
      inputTokens?: number;
      outputTokens?: number;
      reading?: QuotaReading;
      /**
       * The latest the provider can have got the call (its answer's arrival less the processing
       * time it reported: OpenAI's openai-processing-ms), when known: the call is in the
       * provider's window from then, which a slow send puts well after `startedAt`.
       */
      arrivedBy?: number;
    }
  | {
      kind: 'rate_limited';
      retryAfterMs?: number;
      quota?: RateLimitQuota;
      quotaPer?: RateLimitPer;
      reading?: QuotaReading;
    }
  | { kind: 'overloaded' }
  | { kind: 'timeout' }
  | { kind: 'failure' }
  | { kind: 'cancelled' }
) & {
  startedAt?: number;
  /** The prompt estimate the call started with (`started`): tells apart calls started at one instant. */
  estimate?: number;
};

/**
 * How a pacer read a 429, for the limit:
 *
 *   metered    a quota the pacer meters refused: its pause and its gate answer it, the limit need not
 *   edge       a call let go at the window's edge a moment early: news about the window alone
 *   window     a window-sized wait the pacer does not meter (yet): too many calls, restart small
 *   momentary  a short wait: too many calls at once
 */
export type RefusalReading = 'metered' | 'edge' | 'window' | 'momentary';

/**
 * How a provider meters its quota: over the last window (`sliding`), as a bucket refilled
 * continuously (`token_bucket`, OpenAI's documented model), or per window resetting on its
 * boundaries (`fixed_window`, a per-minute quota that resets on the minute).
 */
export type QuotaShape = 'sliding' | 'token_bucket' | 'fixed_window';

/** A provider's quotas as a pacer has learnt them (each once known). */
export interface LearntQuota {
  /** Ŵ: the window the quotas are counted over (a bucket's: the unit its rates are per). */
  windowMs?: number;
  /** R̂: requests per window. */
  requests?: number;
  /** T̂: reported tokens (input + output) per window. */
  tokens?: number;
  /** The shape the pacer believes. */
  shape?: QuotaShape;
  /**
   * The quota as the provider reports it on its answers (OpenAI's x-ratelimit-* headers), once it
   * did: its limits per minute and the shape its resets show. The operator's view prefers it; the
   * fields above stay what 429s taught.
   */
  reported?: Omit<LearntQuota, 'reported'>;
}

export interface Pacer {
  /** ms since epoch until which no call may start (a retry hint), or 0. */
  readonly pausedUntil: number;
  /** What the pacer has learnt of the provider's quotas; undefined for pacers that learn nothing. */
  readonly learnt: LearntQuota | undefined;
  /** The earliest time a call whose prompt is about `tokens` tokens may start (≤ now: at once). */
  openAt(now: number, tokens: number): number;
  /**
   * The part of openAt that the provider's own report of its quota sets (OpenAI's headers: what
   * remains on the key, whoever spent it), for a pacer that meters the key otherwise (sharing); 0
   * with no report. Pacers that read no reports leave it out.
   */
  reportedOpenAt?(now: number, tokens: number): number;
  /** A call of about `tokens` starts now; its outcome will come through record(). */
  started(now: number, tokens: number): void;
  /** Hears what became of a call; for a 429, says how the limit should read it. */
  record(outcome: CallOutcome, now: number): RefusalReading | undefined;
}
