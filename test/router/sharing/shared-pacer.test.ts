import { describe, expect, it } from 'vitest';
import { CONCURRENCY, R, SESSION, simulate, W, type Run } from './shared-key-sim.js';

/**
 * Until a first 429 says where the quota is, no one knows it: each instance may be refused the
 * calls it has out then. After the first window, the share paces everyone.
 */
function expectFewRefusals(run: Run): void {
  expect(run.refusedAt.filter((x) => x <= W).length).toBeLessThanOrEqual(3 * CONCURRENCY);
  const later = run.refusedAt.filter((x) => x > W).length;
  expect(later / run.accepted.filter((x) => x > W).length).toBeLessThanOrEqual(0.02);
}

const between = (times: number[], from: number, to: number) =>
  times.filter((x) => x > from && x <= to).length;

describe('SharedPacer: instances on one key, learning its quota together', () => {
  it('learn the whole key’s quota and fill it in shares, with few 429s', () => {
    const run = simulate(['a', 'b', 'c'], 120_000, { b: { joinAt: 300 }, c: { joinAt: 600 } });
    const ideal = (120_000 / W) * R;
    const total = run.accepted.length;
    console.log(
      `shared pacer, 3 instances: ${total}/${ideal} calls, ${run.refused} 429s at ${run.refusedAt.join(', ')} ms`,
    );
    expect(total / ideal).toBeGreaterThanOrEqual(0.95);
    expectFewRefusals(run);
    // All at the first refusal's instant: the calls already out. 10 while a refusal waited up to
    // 250 ms for the next record (the peers sent 4 more before they heard); now it goes at once.
    expect(run.refused).toBeLessThanOrEqual(6);
    // After the first minute, every instance has about a third.
    for (const id of ['a', 'b', 'c'])
      expect(between(run.byInstance.get(id) ?? [], 60_000, 120_000)).toBeGreaterThanOrEqual((6 * R) / 3 - 6);
  });

  it('pause with a peer that was refused, and join it at its count, not at their own 429s', () => {
    // a alone fills the window and is refused; b and c join while its hint holds.
    const run = simulate(['a', 'b', 'c'], 60_000, { b: { joinAt: 1_500 }, c: { joinAt: 2_000 } });
    console.log(
      `shared pacer, two join a refused one: ${run.refused} 429s at ${run.refusedAt.join(', ')} ms`,
    );
    expect(run.refusedBy.get('b')).toEqual([]);
    expect(run.refusedBy.get('c')).toEqual([]);
    expect(run.refused).toBeLessThanOrEqual(CONCURRENCY);
    expect(run.accepted.length / ((60_000 / W) * R)).toBeGreaterThanOrEqual(0.95);
  });

  it('take up a killed instance’s share within the session timeout plus two windows', () => {
    const killedAt = 60_000;
    const run = simulate(['a', 'b', 'c'], 120_000, {
      b: { joinAt: 300 },
      c: { joinAt: 600, killAt: killedAt },
    });
    const survivors = [...(run.byInstance.get('a') ?? []), ...(run.byInstance.get('b') ?? [])];
    // From the session timeout plus two windows on, the two make the whole quota.
    const from = killedAt + SESSION + 2 * W;
    expect(between(survivors, from, 120_000)).toBeGreaterThanOrEqual(((120_000 - from) / W) * R - 3);
    expectFewRefusals(run);
  });

  it('keep the key’s estimate when a killed member’s last calls were never reported, and fill it again', () => {
    // The quota known to all; c is killed 10 ms after its first calls of the third window, before
    // its next record. Its unreported calls cost the survivors a 429 once it departs; counted
    // without them, that window held 26 or 28 and lowered the key for good (26 a window after).
    const known = { a: { known: true }, b: { known: true }, c: { known: true } };
    const calls = simulate(['a', 'b', 'c'], 3 * W, known).byInstance.get('c') ?? [];
    const killAt = (calls.find((t) => t > 2 * W) ?? 2 * W) + 10;
    const run = simulate(['a', 'b', 'c'], 9 * W, { ...known, c: { known: true, killAt } });
    const first = Math.ceil((killAt + SESSION + 2 * W) / W);
    const windows = Array.from({ length: 9 - first }, (_, k) =>
      between(run.accepted, (first + k) * W - 1, (first + k + 1) * W - 1),
    );
    console.log(
      `shared pacer, killed unreported at ${killAt} ms: ${run.refused} 429s at ${run.refusedAt.join(', ')} ms, estimates ${[...run.estimates.values()].join(', ')}, calls per window from ${first * W} ms ${windows.join(' ')}`,
    );
    expect([...run.estimates.values()]).toEqual([R, R]);
    expect(windows).toEqual(windows.map(() => R));
    expect(run.refused).toBeLessThanOrEqual(CONCURRENCY);
  });

  it('pay once for a killed member’s unreported calls: the count that missed them keeps them in the window', () => {
    // c killed 10 ms after its second burst of the third window, four calls no record told of.
    // They are refused once; counted as calls no one heard of until they must have left, they
    // are not refused again (before: 3 more 429s three seconds later, when the survivors' parts
    // grew back as c's reported calls left the window while its unreported ones were still in).
    const known = { a: { known: true }, b: { known: true }, c: { known: true } };
    const calls = simulate(['a', 'b', 'c'], 3 * W, known).byInstance.get('c') ?? [];
    const second = [...new Set(calls.filter((t) => t > 2 * W))][1] ?? 2 * W;
    const run = simulate(['a', 'b', 'c'], 9 * W, { ...known, c: { known: true, killAt: second + 10 } });
    console.log(
      `shared pacer, killed after a second burst at ${second + 10} ms: ${run.refused} 429s at ${run.refusedAt.join(', ')} ms`,
    );
    expect(new Set(run.refusedAt).size).toBe(1);
    expect(run.refused).toBeLessThanOrEqual(CONCURRENCY);
    expect([...run.estimates.values()]).toEqual([R, R]);
  });

  it('finish uneven backlogs as fast as the key allows, the room of a finished one going to the others', () => {
    // 270 calls, nine windows' worth, split 45/90/135, the quota known to all from the start: the
    // first backlog ends in the fifth window, the second in the eighth. Every window until the
    // work is done is full — the finished instances keep no room unused (before: 25 of 30 in each
    // window where one finished, and 14 s more) — and the last call leaves in the ninth.
    const split = simulate(['a', 'b', 'c'], 200_000, {
      a: { calls: 45, known: true },
      b: { calls: 90, known: true },
      c: { calls: 135, known: true },
    });
    const last = Math.max(...split.accepted);
    const perWindow = Array.from({ length: 9 }, (_, k) =>
      between(split.accepted, k * W - 1, (k + 1) * W - 1),
    );
    console.log(
      `shared pacer, uneven backlogs: calls per window ${perWindow.join(' ')}, the last at ${last} ms, ${split.refused} 429s`,
    );
    expect(perWindow).toEqual([30, 30, 30, 30, 30, 30, 30, 30, 30]);
    expect(last).toBeLessThan(9 * W);
    expect(split.refused).toBe(0);
  });
});
