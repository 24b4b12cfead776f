import { describe, expect, it } from 'vitest';
import { boundTimeMs, idealTimeMs, jitteredMeanMs, type CallTokens } from '../../bench/ideal-time.js';
import { seededRandom } from '../../src/gen/random.js';

const calls = (n: number, tokens = 10): CallTokens[] =>
  Array.from({ length: n }, () => ({ inputTokens: tokens, outputTokens: tokens }));

/** The sliding-window ideal as bench/ideal-time.ts first wrote it, without the simulator's classes. */
function slidingReference(
  list: readonly CallTokens[],
  q: { rpm: number; tpm: number; windowMs: number },
  latencyMs: number,
  maxConcurrent: number,
): number {
  const admitted: { start: number; tokens: number }[] = [];
  const ends: number[] = [];
  let t = 0;
  for (const call of list) {
    const running = ends.filter((e) => e > t).sort((a, b) => a - b);
    if (running.length >= maxConcurrent) t = running[running.length - maxConcurrent] ?? t;
    for (;;) {
      const inWindow = admitted.filter((a) => a.start > t - q.windowMs);
      const held = inWindow.reduce((sum, a) => sum + a.tokens, 0);
      if (inWindow.length + 1 <= q.rpm && held + call.inputTokens <= q.tpm) break;
      t = (inWindow[0] as { start: number }).start + q.windowMs;
    }
    admitted.push({ start: t, tokens: call.inputTokens + call.outputTokens });
    ends.push(t + latencyMs);
  }
  return Math.max(latencyMs, ...ends);
}

describe('idealTimeMs', () => {
  it('matches the first sliding-window formula on calls of random sizes', () => {
    const random = seededRandom(7);
    for (let run = 0; run < 20; run += 1) {
      const list = Array.from({ length: 60 }, () => ({
        inputTokens: 50 + Math.floor(random() * 400),
        outputTokens: 10 + Math.floor(random() * 100),
      }));
      const quota = {
        rpm: 5 + Math.floor(random() * 20),
        tpm: 2_000 + Math.floor(random() * 4_000),
        windowMs: 600,
      };
      expect(idealTimeMs(list, quota, 100, 4)).toBe(slidingReference(list, quota, 100, 4));
    }
  });

  it('agrees with the bound where requests bind on a sliding window', () => {
    const quota = { rpm: 4, tpm: 1e9, windowMs: 1_000 };
    expect(idealTimeMs(calls(10), quota, 100, 100)).toBe(2_100);
    expect(boundTimeMs(calls(10), quota, 100)).toBe(2_100);
  });

  it('token bucket: the burst at once, then one call per window / rpm', () => {
    const quota = { rpm: 4, tpm: 1e9, windowMs: 1_000, shape: 'token_bucket' as const };
    expect(idealTimeMs(calls(10), quota, 0, 100)).toBe(1_500);
    // A half-window bucket: 2 at once, then one per 250 ms.
    expect(idealTimeMs(calls(10), { ...quota, burst: 0.5 }, 0, 100)).toBe(2_000);
  });

  it('token bucket with tokens binding: each call waits for its own tokens', () => {
    const quota = { rpm: 1_000, tpm: 100, windowMs: 1_000, shape: 'token_bucket' as const };
    // Each call costs 20 (10 in at admission, 10 out after): 5 from the full bucket; the 6th needs
    // only its 10 input tokens (100 ms), the next ones 10 of debt plus 10 (200 ms each).
    expect(idealTimeMs(calls(8), quota, 0, 100)).toBe(500);
  });

  it('fixed window: the boundaries fall where the quota clock puts them', () => {
    const quota = { rpm: 4, tpm: 1e9, windowMs: 1_000, shape: 'fixed_window' as const };
    // Clock at 500 when the run starts: 4 now, 4 at the boundary 500 ms later, 2 at 1500.
    expect(idealTimeMs(calls(10), { ...quota, clockAtStartMs: 500 }, 0, 100)).toBe(1_500);
    expect(idealTimeMs(calls(10), { ...quota, clockAtStartMs: 0 }, 0, 100)).toBe(2_000);
  });

  it('schedule: fewer calls while the quota is halved, and all of it the moment it returns', () => {
    const schedule = [{ atMs: 1_000, rpm: 2 }, { atMs: 3_000 }];
    const quota = { rpm: 4, tpm: 1e9, windowMs: 1_000, schedule };
    // 4 at 0; at 1000 the halved window admits 2 (1000, 1000), then 2 at 2000; at 3000 the whole
    // quota is back: the last 2 go at 3000.
    expect(idealTimeMs(calls(10), quota, 0, 100)).toBe(3_000);
    expect(idealTimeMs(calls(10), { rpm: 4, tpm: 1e9, windowMs: 1_000 }, 0, 100)).toBe(2_000);
  });

  it('waits for a free slot when the concurrency bound binds first', () => {
    const quota = { rpm: 1_000, tpm: 1e9, windowMs: 1_000 };
    expect(idealTimeMs(calls(6), quota, 100, 2)).toBe(300);
  });
});

describe('jitteredMeanMs', () => {
  const quota = { rpm: 1_000, tpm: 1e9, windowMs: 1_000 };
  const jittered = (n: number, sigma: number) =>
    jitteredMeanMs(n, (z) => idealTimeMs(calls(n), quota, (i) => 100 * Math.exp(sigma * (z[i] ?? 0)), 100));

  it('is the median ideal when latencies do not vary', () => {
    expect(jittered(10, 0)).toBe(idealTimeMs(calls(10), quota, 100, 100));
  });

  it("is the lognormal's mean, latency × exp(σ²/2), for one call", () => {
    expect(jittered(1, 0.3) / 100).toBeCloseTo(Math.exp(0.045), 1);
  });

  it('waits for the slowest of calls sent together: ten at σ 0.3 end at ~1.6 × the median', () => {
    // E[max of ten N(0, 1)] ≈ 1.54, and exp(0.3 × 1.54) ≈ 1.59.
    const ratio = jittered(10, 0.3) / 100;
    expect(ratio).toBeGreaterThan(1.45);
    expect(ratio).toBeLessThan(1.75);
  });
});
