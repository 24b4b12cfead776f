import { setFlagsFromString } from 'node:v8';

/**
 * Keeps a long run's resident memory near its live data.
 *
 *   next full-GC limit = live heap · f,   f = 1 + percent / 100    (V8's --heap-growing-percent)
 *
 * Left to itself V8 picks f up to 4 when the collector keeps up (and on a machine with a large
 * heap limit nothing else stops it): a replay with ~65 MB live grew to 400–470 MB resident.
 * At f = 1.5 the same replay stays flat near 230 MB for a few percent more collector time
 * (bench/backlog, bench/README.md). V8 reads the flag at every full collection, so setting it
 * after start-up takes effect; Node leaves V8's flags unfrozen for exactly this.
 */
export function limitHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) {
    throw new RangeError(`heap growth must be a whole percent ≥ 0, got ${percent}`);
  }
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
