/**
 * Exponential backoff with jitter, never shorter than the provider's own hint.
 *
 *   nominal(a) = min(maxDelayMs, baseDelayMs · 2^(a−1))            a = 1 is the first retry
 *   r          = random() ∈ [0, 1)
 *   delay(a)   = round(max(hint + j·r·nominal(a), nominal(a) · (1 − j + 2·j·r)))   hint = hintMs ?? 0
 *
 * so with jitter j and no hint the wait is spread uniformly over [nominal·(1−j), nominal·(1+j)),
 * which keeps calls that failed together from retrying together. The provider's hint (a 429's
 * retry delay) is a floor, not a suggestion: retrying sooner only earns another 429. Calls refused
 * together get the same hint, so they are spread above it too — by up to j·nominal, not j·hint:
 * a minute's hint must not cost twelve more seconds, and a sliding window frees its slots one by
 * one at the pace they were taken, which a spread of a fraction of a second already matches.
 */
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Retries after the first attempt (so maxRetries + 1 attempts in all). */
  maxRetries: number;
  /** Fraction 0..1 of the nominal delay by which a wait may be shorter or longer. */
  jitter: number;
}

/**
 * The origin document's schedule: 0.5 s → 1 s → 2 s (→ 4 s, the cap), 3 retries. The origin gave
 * no jitter; ±20 % is ours, because parallel calls that hit the same 429 otherwise return in lockstep.
 */
export const ORIGIN_BACKOFF: BackoffPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  maxRetries: 3,
  jitter: 0.2,
};

export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  hintMs?: number,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  const r = random();
  const hint = hintMs !== undefined && Number.isFinite(hintMs) && hintMs > 0 ? hintMs : 0;
  return Math.round(Math.max(hint + jitter * r * nominal, nominal * (1 - jitter + 2 * jitter * r)));
}
