import type { Limit, LimitBounds } from './limit.js';

/**
 * limit = initial, whatever happens. The naive baseline of the benchmark, and with initial 1 the
 * origin document's rollback switch.
 */
export class FixedLimit implements Limit {
  readonly limit: number;

  constructor(bounds: LimitBounds) {
    this.limit = bounds.initial;
  }

  sample(): string | undefined {
    return undefined;
  }
}
