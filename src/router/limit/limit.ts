/**
 * The contract of a concurrency limit: how many calls may be in flight at once, moved by samples
 * of what became of calls (Netflix concurrency-limits' `Limit`). A rule sees only samples — the
 * gate classified each outcome, and the pacer took out the 429s it meters — so the rules stay a
 * few dozen lines each (fixed-limit.ts, seed-limit.ts, aimd-limit.ts). Leaf file: it imports
 * nothing, so the rules and the gate depend on it without a cycle.
 *
 *   success   the call was answered, `latencyMs` after it started; `size` its prompt tokens, when
 *             known (an answer takes longer the more it carries)
 *   drop      a 429 the pacer does not meter: too many calls; `long` when its wait was window-sized
 *             (a per-window quota the pacer cannot meter yet) rather than a moment (a cap in flight)
 *   overload  a 5xx or a timeout: the provider is struggling
 *   ignore    an outcome that says nothing about capacity (a failure, a cancelled call, a 429 the
 *             pacer meters) — rules that count time still hear it
 *
 * `startedAt` (the clock `now` runs on) lets a rule tell old news from new.
 */
export type LimitSample = (
  | { kind: 'success'; latencyMs: number; size?: number }
  | { kind: 'drop'; long: boolean }
  | { kind: 'overload'; reason: 'overloaded' | 'timeout' }
  | { kind: 'ignore' }
) & { startedAt?: number };

export interface Limit {
  /** The current limit: an integer within the bounds the rule was given. */
  readonly limit: number;
  /** Takes one sample at `now`; returns the reason when the limit changed. */
  sample(s: LimitSample, now: number): string | undefined;
  /** Time-based changes between samples (seed's recovery); returns the reason when the limit changed. */
  tick?(now: number): string | undefined;
  /** When tick() next has something to do, if ever. */
  nextTickAt?(): number | undefined;
}

/** Bounds as every rule sees them: integers with 1 ≤ min ≤ initial ≤ max. */
export interface LimitBounds {
  initial: number;
  min: number;
  max: number;
}

/** min defaults to 1; each bound is floored and clamped so 1 ≤ min ≤ initial ≤ max. */
export function normaliseBounds(opts: { initial: number; min?: number; max: number }): LimitBounds {
  const min = Math.max(1, Math.floor(opts.min ?? 1));
  const max = Math.max(min, Math.floor(opts.max));
  const initial = Math.min(max, Math.max(min, Math.floor(opts.initial)));
  return { initial, min, max };
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
