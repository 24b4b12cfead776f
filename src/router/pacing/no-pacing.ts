import type { CallOutcome, Pacer, RefusalReading } from './pacer.js';

/**
 * No pacing: every call may leave at once, nothing pauses dispatch (each refused call's own retry
 * still waits for its hint), and every 429 is news for the limit about too many calls at once.
 * The pacer of the `fixed` and `seed` policies.
 */
export class NoPacing implements Pacer {
  readonly pausedUntil = 0;
  readonly learnt = undefined;

  openAt(now: number): number {
    return now;
  }

  started(): void {}

  record(outcome: CallOutcome): RefusalReading | undefined {
    return outcome.kind === 'rate_limited' ? 'momentary' : undefined;
  }
}
