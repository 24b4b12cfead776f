import type { LimitBounds } from './concurrency-policy.js';
import type { ConcurrencyPolicy } from './concurrency-policy.js';

/**
 * limit = initial, whatever happens. The naive baseline of the benchmark, and with initial 1 the
 * origin document's rollback switch. It does not pause for retry hints either (each call's own
 * retry waits for its hint), nor pace calls: its gate is always open.
 */
export class FixedPolicy implements ConcurrencyPolicy {
  readonly limit: number;
  readonly pausedUntil = 0;

  constructor(bounds: LimitBounds) {
    this.limit = bounds.initial;
  }

  record(): string | undefined {
    return undefined;
  }

  tick(): string | undefined {
    return undefined;
  }

  openAt(now: number): number {
    return now;
  }

  started(): void {}

  nextTickAt(): number | undefined {
    return undefined;
  }
}
