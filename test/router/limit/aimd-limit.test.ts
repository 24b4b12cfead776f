import { describe, expect, it } from 'vitest';
import { AimdLimit } from '../../../src/router/limit/aimd-limit.js';
import { normaliseBounds, type LimitSample } from '../../../src/router/limit/limit.js';

function aimd(opts: { initial?: number; min?: number; max?: number } = {}) {
  const clock = { now: 0 };
  const limit = new AimdLimit(
    normaliseBounds({ initial: opts.initial ?? 3, min: opts.min, max: opts.max ?? 10 }),
  );
  const reasons: string[] = [];
  const sample = (s: LimitSample): string | undefined => {
    const reason = limit.sample(s, clock.now);
    if (reason !== undefined) reasons.push(reason);
    return reason;
  };
  const succeed = (n: number, latencyMs = 1_000) => {
    for (let i = 0; i < n; i++) {
      const startedAt = clock.now;
      clock.now += 10;
      sample({ kind: 'success', latencyMs, startedAt });
    }
  };
  return { limit, clock, sample, succeed, reasons };
}

/**
 * A provider that refuses (a momentary drop) the calls beyond `cap` in flight. Each round
 * dispatches `limit` calls at once; returns the limit of every round.
 */
function againstConcurrencyCap(t: ReturnType<typeof aimd>, cap: number, rounds: number) {
  const limits: number[] = [];
  let refusals = 0;
  for (let r = 0; r < rounds; r++) {
    const level = t.limit.limit;
    limits.push(level);
    const startedAt = t.clock.now;
    t.clock.now += 1_000;
    const samples: LimitSample[] = Array.from({ length: level }, (_, i) =>
      i < cap ? { kind: 'success', latencyMs: 1_000, startedAt } : { kind: 'drop', long: false, startedAt },
    );
    refusals += samples.filter((s) => s.kind === 'drop').length;
    for (const s of samples) t.sample(s);
  }
  return { limits, refusals };
}

describe('AimdLimit', () => {
  it('grows by one per success until the first sign of trouble (slow start: ×2 per round trip)', () => {
    const t = aimd();
    t.succeed(3);
    expect(t.limit.limit).toBe(6);
    t.succeed(6);
    expect(t.limit.limit).toBe(10);
    expect(t.reasons.every((r) => r === 'slow_start')).toBe(true);
  });

  it('never exceeds max, never falls below min', () => {
    const t = aimd({ initial: 4, min: 2, max: 6 });
    t.succeed(100);
    expect(t.limit.limit).toBe(6);
    for (let i = 0; i < 20; i++) {
      t.clock.now += 5_000;
      t.sample({ kind: 'overload', reason: 'overloaded', startedAt: t.clock.now });
      t.sample({ kind: 'drop', long: false, startedAt: t.clock.now });
    }
    expect(t.limit.limit).toBe(2);
  });

  it('backs off multiplicatively on a drop', () => {
    const t = aimd();
    t.succeed(7);
    expect(t.limit.limit).toBe(10);
    expect(t.sample({ kind: 'drop', long: false, startedAt: t.clock.now })).toBe('rate_limit_error_429');
    expect(t.limit.limit).toBe(7);
  });

  it('reacts once to a burst of drops from calls sent before its decrease', () => {
    const t = aimd();
    t.succeed(7);
    const sentAt = t.clock.now;
    t.clock.now += 50;
    for (let i = 0; i < 10; i++) t.sample({ kind: 'drop', long: false, startedAt: sentAt });
    expect(t.limit.limit).toBe(7);
    expect(t.reasons.filter((r) => r === 'rate_limit_error_429')).toHaveLength(1);
  });

  it('without start times, treats drops within a round trip of its decrease as the same burst', () => {
    const t = aimd();
    t.succeed(7);
    t.sample({ kind: 'drop', long: false });
    t.clock.now += 100;
    t.sample({ kind: 'drop', long: false });
    expect(t.limit.limit).toBe(7);
    t.clock.now += 1_000;
    t.sample({ kind: 'drop', long: false });
    expect(t.limit.limit).toBe(4);
  });

  it('after a long drop restarts at two calls (the refused one and one new) and ramps back', () => {
    const t = aimd();
    t.succeed(7);
    t.sample({ kind: 'drop', long: true, startedAt: t.clock.now });
    expect(t.limit.limit).toBe(2);
    t.clock.now += 40_000;
    const limits: number[] = [];
    for (let i = 0; i < 5; i++) {
      t.succeed(1);
      limits.push(t.limit.limit);
    }
    expect(limits).toEqual([3, 4, 5, 6, 7]);
  });

  it('counts every call refused in the burst into the ramp, since each keeps its slot to retry', () => {
    const t = aimd();
    t.succeed(7);
    const sentAt = t.clock.now;
    t.clock.now += 10;
    for (let i = 0; i < 3; i++) t.sample({ kind: 'drop', long: true, startedAt: sentAt });
    expect(t.limit.limit).toBe(4);
  });

  it('finds a concurrency cap quickly and then holds at it, probing above only rarely', () => {
    const t = aimd({ initial: 3, max: 20 });
    const { limits, refusals } = againstConcurrencyCap(t, 6, 400);
    const firstAtCap = limits.indexOf(6);
    expect(firstAtCap).toBeGreaterThan(-1);
    expect(firstAtCap).toBeLessThan(10);
    const settled = limits.slice(20);
    const atCap = settled.filter((l) => l === 6).length / settled.length;
    const above = settled.filter((l) => l > 6).length;
    console.log(
      `aimd vs a cap of 6: at the cap ${(atCap * 100).toFixed(0)}% of rounds, above it ${above} of ${settled.length}, ${refusals} refusals in ${limits.reduce((a, b) => a + b, 0)} calls`,
    );
    expect(atCap).toBeGreaterThan(0.9);
    expect(above / settled.length).toBeLessThan(0.02);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(4);
  });

  it('probes its remembered ceiling less often after each failed probe', () => {
    const t = aimd({ initial: 3, max: 20 });
    const { limits } = againstConcurrencyCap(t, 6, 600);
    const probes = limits.flatMap((l, i) => (l > 6 && i > 5 ? [i] : []));
    const gaps = probes.slice(1).map((p, i) => p - (probes[i] ?? 0));
    expect(probes.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual((gaps[i - 1] ?? 0) - 1);
    expect(gaps.at(-1)).toBeGreaterThan(2 * (gaps[0] ?? 0));
  });

  it('lifts its ceiling when a probe holds: the quota has grown', () => {
    const t = aimd({ initial: 3, max: 20 });
    againstConcurrencyCap(t, 6, 30);
    const { limits } = againstConcurrencyCap(t, 12, 300);
    expect(limits.at(-1)).toBeGreaterThanOrEqual(11);
    expect(t.reasons).toContain('ceiling_lifted');
  });

  it('steps down gently on a 5xx or a timeout once past slow start', () => {
    const t = aimd();
    t.succeed(7);
    t.sample({ kind: 'drop', long: false, startedAt: t.clock.now });
    expect(t.limit.limit).toBe(7);
    t.clock.now += 2_000;
    expect(t.sample({ kind: 'overload', reason: 'overloaded', startedAt: t.clock.now })).toBe('overloaded');
    expect(t.limit.limit).toBe(6);
    t.clock.now += 2_000;
    expect(t.sample({ kind: 'overload', reason: 'timeout', startedAt: t.clock.now })).toBe('timeout');
    expect(t.limit.limit).toBe(5);
  });

  it('keeps slow start through a lone 5xx, which says nothing of how many calls the provider takes', () => {
    // One call in a hundred meets "the model is overloaded" at any level; before, a 503 on a
    // run's first call held its first windows at two calls at once.
    const t = aimd();
    expect(t.sample({ kind: 'overload', reason: 'overloaded', startedAt: t.clock.now })).toBeUndefined();
    expect(t.limit.limit).toBe(3);
    t.succeed(3);
    expect(t.limit.limit).toBe(6);
    expect(t.reasons).toEqual(['slow_start', 'slow_start', 'slow_start']);
  });

  it('ends slow start at a second 5xx and steps down', () => {
    const t = aimd();
    t.sample({ kind: 'overload', reason: 'overloaded', startedAt: t.clock.now });
    t.succeed(3);
    expect(t.sample({ kind: 'overload', reason: 'overloaded', startedAt: t.clock.now })).toBe('overloaded');
    expect(t.limit.limit).toBe(5);
    t.clock.now += 2_000;
    t.succeed(5);
    expect(t.limit.limit).toBe(6);
    expect(t.reasons.at(-1)).toBe('additive_increase');
  });

  it('ignores samples that say nothing about capacity', () => {
    const t = aimd();
    expect(t.sample({ kind: 'ignore' })).toBeUndefined();
    expect(t.limit.limit).toBe(3);
  });

  it('stops growing while latency climbs', () => {
    const t = aimd({ initial: 3, max: 50 });
    t.succeed(20, 1_000);
    const before = t.limit.limit;
    t.succeed(6, 2_500);
    // In slow start six successes would have added six.
    expect(t.limit.limit - before).toBeLessThanOrEqual(2);
    expect(t.reasons).not.toContain('latency_gradient');
  });

  it('keeps slow start growing when the batches grow and their answers take longer in proportion', () => {
    // The free tier's first calls: 5 pages (1,400 prompt tokens), then batches of 40 (9–14k) whose
    // longer answers are the larger output, not a queue at the provider.
    const run = (sized: boolean) => {
      const t = aimd({ initial: 3, max: 10 });
      const calls: [number, number][] = [
        [80, 1_400],
        [280, 11_900],
        [360, 10_400],
        [400, 10_100],
      ];
      calls.push([470, 9_200], [280, 11_500], [340, 14_700], [450, 12_700], [520, 14_000]);
      for (const [latencyMs, size] of calls) {
        const startedAt = t.clock.now;
        t.clock.now += 10;
        t.sample({ kind: 'success', latencyMs, ...(sized && { size }), startedAt });
      }
      return t;
    };
    const sized = run(true);
    expect(sized.limit.limit).toBe(10);
    expect(sized.reasons.every((r) => r === 'slow_start')).toBe(true);
    // Compared with the 5-page call, the same answers read as queueing.
    expect(run(false).limit.limit).toBeLessThan(6);
  });

  it('steps down when latency soars (queueing at the provider)', () => {
    const t = aimd({ initial: 3, max: 50 });
    t.succeed(20, 1_000);
    const before = t.limit.limit;
    t.succeed(1, 10_000);
    expect(t.reasons.at(-1)).toBe('latency_gradient');
    expect(t.limit.limit).toBe(Math.floor(before * 0.9));
  });
});
