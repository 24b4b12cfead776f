import { clamp, type Limit, type LimitBounds, type LimitSample } from './limit.js';

/** Quiet time after which the origin document lets the limit grow again. */
export const SEED_RECOVERY_MS = 5 * 60_000;

/**
 * The origin document's rule, kept as the floor adaptive must beat:
 *
 *   on a 429 (drop)               limit ← max(min, ⌊limit / 2⌋)
 *   after 5 min without a 429     limit ← min(max, max(limit + 1, round(limit · 1.2)))
 *
 * (The "+1 at least" keeps +20 % from rounding to nothing at small limits: 3·1.2 = 3.6 would stay 3
 * under ⌊⌋.) The 5 minutes restart at every 429 and at every growth step. It ignores latency,
 * 5xx and timeouts.
 */
export class SeedLimit implements Limit {
  private current: number;
  private quietSince: number;

  constructor(
    private readonly bounds: LimitBounds,
    now: number,
  ) {
    this.current = bounds.initial;
    this.quietSince = now;
  }

  get limit(): number {
    return this.current;
  }

  sample(s: LimitSample, now: number): string | undefined {
    if (s.kind !== 'drop') return this.tick(now);
    this.quietSince = now;
    const halved = clamp(Math.floor(this.current / 2), this.bounds.min, this.bounds.max);
    if (halved === this.current) return undefined;
    this.current = halved;
    return 'rate_limit_error_429';
  }

  tick(now: number): string | undefined {
    let grown = false;
    while (this.current < this.bounds.max && now - this.quietSince >= SEED_RECOVERY_MS) {
      this.quietSince += SEED_RECOVERY_MS;
      this.current = clamp(
        Math.max(this.current + 1, Math.round(this.current * 1.2)),
        this.bounds.min,
        this.bounds.max,
      );
      grown = true;
    }
    return grown ? 'recovery_after_5min' : undefined;
  }

  nextTickAt(): number | undefined {
    return this.current < this.bounds.max ? this.quietSince + SEED_RECOVERY_MS : undefined;
  }
}
