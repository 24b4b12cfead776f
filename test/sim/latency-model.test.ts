import { describe, expect, it } from 'vitest';
import { latencyDelayMs } from '../../src/sim/latency-model.js';
import { seededRandom } from '../../src/gen/random.js';

describe('latencyDelayMs', () => {
  it('gives the same delays for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const config = { median: 200, perTokenMs: 2 };
    const first = Array.from({ length: 20 }, (_, i) => latencyDelayMs(config, i * 10, a));
    const second = Array.from({ length: 20 }, (_, i) => latencyDelayMs(config, i * 10, b));
    expect(first).toEqual(second);
    expect(new Set(first).size).toBeGreaterThan(10);
  });

  it('centres on the median plus the per-token cost', () => {
    const random = seededRandom(3);
    const delays = Array.from({ length: 2_001 }, () =>
      latencyDelayMs({ median: 500, perTokenMs: 5 }, 100, random),
    );
    delays.sort((x, y) => x - y);
    const median = delays[1_000] as number;
    expect(median).toBeGreaterThan(900);
    expect(median).toBeLessThan(1_100);
    // Lognormal: the slow tail reaches further than the fast one.
    expect((delays[1_990] as number) - median).toBeGreaterThan(median - (delays[10] as number));
  });

  it('is exactly the base with no jitter', () => {
    expect(latencyDelayMs({ median: 100, perTokenMs: 1, jitter: 0 }, 50, seededRandom(1))).toBe(150);
  });

  it('is zero and draws nothing when there is no base', () => {
    let draws = 0;
    const random = () => {
      draws += 1;
      return 0.5;
    };
    expect(latencyDelayMs({ median: 0 }, 1_000, random)).toBe(0);
    expect(draws).toBe(0);
  });
});
