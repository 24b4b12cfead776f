import type { RateLimitQuota } from '../../model/errors.js';

/**
 * What became of one call. `startedAt` (same clock as `now`) lets a policy tell old news from new.
 * A success carries the tokens the provider reported, a 429 the quota that refused and the unit of
 * time the provider named for it (Gemini's quotaId "…PerMinute…"), when known;
 * `cancelled` is a call that ended without a verdict (the caller gave up, a bug): it only frees
 * its place.
 */
export type CallOutcome = (
  | { kind: 'success'; latencyMs: number; inputTokens?: number; outputTokens?: number }
  | { kind: 'rate_limited'; retryAfterMs?: number; quota?: RateLimitQuota; quotaPer?: 'minute' }
  | { kind: 'overloaded' }
  | { kind: 'timeout' }
  | { kind: 'failure' }
  | { kind: 'cancelled' }
) & { startedAt?: number };

/** A provider's window quotas as a pacing policy has learnt them (each once known). */
export interface LearntQuota {
  windowMs?: number;
  requests?: number;
  tokens?: number;
}

/** Bounds as every policy sees them: integers with 1 ≤ min ≤ initial ≤ max. */
export interface LimitBounds {
  initial: number;
  min: number;
  max: number;
}

/**
 * One rule for turning call outcomes into a concurrency limit. A policy keeps its integer limit
 * within the bounds it was given; the controller records the changes.
 */
export interface ConcurrencyPolicy {
  readonly limit: number;
  /** ms since epoch until which no new call may start, or 0. */
  readonly pausedUntil: number;
  /** What pacing has learnt of the provider's quotas, for policies that pace. */
  readonly learntQuota?: LearntQuota;
  /** Returns the reason when the outcome changed the limit. */
  record(outcome: CallOutcome, now: number): string | undefined;
  /** Lets time-based changes happen between calls. Returns the reason when the limit changed. */
  tick(now: number): string | undefined;
  /** When tick() next has something to do, if ever. */
  nextTickAt(): number | undefined;
  /**
   * The earliest time a call whose prompt is about `tokens` tokens may start (≤ now: at once).
   * Policies that do not pace answer `now`.
   */
  openAt(now: number, tokens: number): number;
  /** A call of about `tokens` starts now; its outcome will come through record(). */
  started(now: number, tokens: number): void;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
