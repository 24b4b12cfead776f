import type { CallOutcome } from '../concurrency-controller.js';

/**
 * One rule for turning call outcomes into a concurrency limit. A policy keeps its integer limit
 * within the bounds it was given; the controller records the changes.
 */
export interface ConcurrencyPolicy {
  readonly limit: number;
  /** ms since epoch until which no new call may start, or 0. */
  readonly pausedUntil: number;
  /** Returns the reason when the outcome changed the limit. */
  record(outcome: CallOutcome, now: number): string | undefined;
  /** Lets time-based changes happen between calls. Returns the reason when the limit changed. */
  tick(now: number): string | undefined;
  /** When tick() next has something to do, if ever. */
  nextTickAt(): number | undefined;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
