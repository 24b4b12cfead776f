import type { CallOutcome, LearntQuota } from '../concurrency-controller.js';

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
