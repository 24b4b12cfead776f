import { describe, expect, it } from 'vitest';
import { KeyShare } from '../../../src/router/sharing/key-share.js';
import type { ShareRecord } from '../../../src/router/sharing/share-record.js';

/**
 * Instances on one key, on a virtual clock: each always has calls waiting, learnt the key's quota
 * (R per W, sliding) and gates as the QuotaShare contract intends (quota-share.ts):
 *
 *   own + 1 ≤ max(1, f·R)   and   own + peersUsage + 1 ≤ R     over (t − W, t]
 *
 * Records are published as QuotaSharing publishes them (every PUBLISH ms, SOONEST ms after the
 * last when there is news) and arrive TRANSIT ms later. The provider refuses (a 429) a call that
 * would be the (R+1)th in its sliding window (a refused call does not count), with a hint that
 * says when its oldest call leaves; the refused instance waits that long.
 */
const W = 10_000;
const R = 30;
const SESSION = 10_000;
const PUBLISH = 1_000;
const SOONEST = 250;
const TRANSIT = 40;
const STEP = 10;

interface Instance {
  share: KeyShare;
  own: number[];
  alive: boolean;
  /** Leaves with a tombstone at this time (SIGTERM), or dies silently (SIGKILL). */
  leaveAt?: { at: number; tombstone: boolean };
  joinAt: number;
  pausedUntil: number;
}

interface Run {
  accepted: number[];
  refused: number;
  byInstance: Map<string, number[]>;
}

function simulate(ids: string[], until: number, plan: Partial<Record<string, Partial<Instance>>> = {}): Run {
  const instances = ids.map((id): Instance => ({
    share: new KeyShare({ self: id, provider: 'gemini', sessionTimeoutMs: SESSION, bucketMs: 250 }),
    own: [],
    alive: false,
    joinAt: 0,
    pausedUntil: 0,
    ...plan[id],
  }));
  const mail: {
    at: number;
    to: Instance;
    from: string;
    record: ShareRecord | undefined;
    catchingUp: boolean;
  }[] = [];
  const topic = new Map<string, ShareRecord | undefined>();
  const run: Run = { accepted: [], refused: 0, byInstance: new Map(ids.map((id) => [id, []])) };
  const inWindow = (times: number[], t: number) => times.filter((x) => x > t - W && x <= t).length;
  const send = (from: Instance, record: ShareRecord | undefined, t: number) => {
    topic.set(from.share.self, record);
    for (const to of instances)
      if (to !== from) mail.push({ at: t + TRANSIT, to, from: from.share.self, record, catchingUp: false });
  };

  for (let t = 0; t <= until; t += STEP) {
    for (const m of mail.filter((x) => x.at <= t)) {
      if (m.to.alive) m.to.share.heard(m.from, m.record, t, m.catchingUp);
    }
    mail.splice(0, mail.length, ...mail.filter((x) => x.at > t));
    for (const inst of instances) {
      if (!inst.alive && inst.joinAt === t && inst.leaveAt?.at !== t) {
        inst.alive = true;
        // Catching up: whatever the compacted topic holds, as of now.
        for (const [id, record] of topic) if (id !== inst.share.self) inst.share.heard(id, record, t, true);
        inst.share.estimate({ windowMs: W, requests: R, learntAt: 0 });
      }
      if (inst.alive && inst.leaveAt !== undefined && t >= inst.leaveAt.at) {
        inst.alive = false;
        if (inst.leaveAt.tombstone) {
          send(inst, inst.share.report(t), t);
          send(inst, undefined, t);
        }
      }
      if (!inst.alive) continue;
      inst.share.demand(t, 5);
      if (inst.share.reportDue(t, PUBLISH, SOONEST)) send(inst, inst.share.report(t), t);
      while (t >= inst.pausedUntil) {
        const own = inWindow(inst.own, t);
        const peers = inst.share.peersUsage(t, W).requests;
        const f = inst.share.fraction(t);
        if (own + 1 > Math.max(1, f * R) || own + peers + 1 > R) break;
        inst.share.admitted(t, 0);
        if (inWindow(run.accepted, t) >= R) {
          run.refused += 1;
          inst.share.revise(t, -1, 0);
          const oldest = run.accepted.filter((x) => x > t - W)[0] ?? t;
          inst.pausedUntil = oldest + W;
          break;
        }
        inst.own.push(t);
        run.accepted.push(t);
        run.byInstance.get(inst.share.self)?.push(t);
      }
    }
  }
  return run;
}

/** The first time after `from` at which the calls of `ids` in the window ending then reach `level`. */
function reaches(run: Run, ids: string[], from: number, level: number): number | undefined {
  const times = ids.flatMap((id) => run.byInstance.get(id) ?? []).sort((a, b) => a - b);
  for (let t = from; t <= from + 10 * W; t += STEP) {
    if (times.filter((x) => x > t - W && x <= t).length >= level) return t;
  }
  return undefined;
}

describe('instances sharing a key through their records', () => {
  const staggered = { b: { joinAt: 300 }, c: { joinAt: 600 } };

  it('split the quota in thirds and are never refused', () => {
    const run = simulate(['a', 'b', 'c'], 60_000, staggered);
    expect(run.refused).toBe(0);
    // In each of the last three windows every instance made a third of the calls, within one.
    for (const id of ['a', 'b', 'c']) {
      const calls = run.byInstance.get(id) ?? [];
      expect(calls.filter((x) => x > 50_000).length).toBeGreaterThanOrEqual(R / 3 - 1);
    }
    expect(run.accepted.filter((x) => x > 30_000 && x <= 60_000).length).toBeGreaterThanOrEqual(3 * R - 2);
  });

  it('take up a killed instance’s share within the session timeout plus two windows, without a 429', () => {
    const killedAt = 30_000;
    const run = simulate(['a', 'b', 'c'], 90_000, {
      ...staggered,
      c: { joinAt: 600, leaveAt: { at: killedAt, tombstone: false } },
    });
    expect(run.refused).toBe(0);
    const full = reaches(run, ['a', 'b'], killedAt, R);
    expect(full).toBeDefined();
    expect((full ?? Infinity) - killedAt).toBeLessThanOrEqual(SESSION + 2 * W);
  });

  it('take up the share of an instance that left with a tombstone within two windows, without a 429', () => {
    const leftAt = 30_000;
    const run = simulate(['a', 'b', 'c'], 80_000, {
      ...staggered,
      c: { joinAt: 600, leaveAt: { at: leftAt, tombstone: true } },
    });
    expect(run.refused).toBe(0);
    const full = reaches(run, ['a', 'b'], leftAt, R);
    expect((full ?? Infinity) - leftAt).toBeLessThanOrEqual(2 * W);
  });

  it('let a joiner in at its share while the others shrink to theirs, with no burst of 429s', () => {
    const joinAt = 30_000;
    const run = simulate(['a', 'b', 'c'], 80_000, { b: { joinAt: 300 }, c: { joinAt } });
    expect(run.refused).toBeLessThanOrEqual(1);
    const late = (id: string) =>
      (run.byInstance.get(id) ?? []).filter((x) => x > 60_000 && x <= 80_000).length;
    for (const id of ['a', 'b', 'c']) expect(late(id)).toBeGreaterThanOrEqual((2 * R) / 3 - 2);
  });
});
