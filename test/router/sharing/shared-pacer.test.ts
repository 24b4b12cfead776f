import { describe, expect, it } from 'vitest';
import { SharedPacer } from '../../../src/router/sharing/shared-pacer.js';
import { WindowPacer } from '../../../src/router/pacing/window-pacer.js';
import { KeyShare } from '../../../src/router/sharing/key-share.js';
import type { ShareRecord } from '../../../src/router/sharing/share-record.js';

/**
 * Instances on one key, on a virtual clock, each with the adaptive policy's pacer (WindowPacer)
 * behind a SharedPacer and a KeyShare, none told the quota: a sliding window of R requests per W
 * that refuses the (R+1)th call with a hint naming when its oldest call leaves (whole seconds,
 * rounded up, no unit named: OpenAI's shape). Each instance always has calls waiting, at most
 * CONCURRENCY out; an answer comes LATENCY after its call left, a 429 REFUSAL after. Records go as
 * QuotaSharing sends them and arrive TRANSIT later; the slot's calls to the share are made as
 * provider-slot.ts makes them. While its own retry hint holds, an instance asks nothing (the
 * router's breaker holds its batches until the hint passes).
 */
const W = 10_000;
const R = 30;
const SESSION = 6_000;
const LATENCY = 150;
const REFUSAL = 20;
const TRANSIT = 40;
const STEP = 10;
const CONCURRENCY = 4;
const TOKENS = 500;

interface Instance {
  id: string;
  share: KeyShare;
  pacer: SharedPacer;
  out: { start: number; endAt: number; ok: boolean; hint: number }[];
  alive: boolean;
  joinAt: number;
  killAt?: number;
  /** Calls it has to make (its backlog); unbounded when absent. */
  left: number;
}

interface Run {
  accepted: number[];
  refused: number;
  refusedAt: number[];
  byInstance: Map<string, number[]>;
  refusedBy: Map<string, number[]>;
}

function simulate(
  ids: string[],
  until: number,
  plan: Partial<Record<string, { joinAt?: number; killAt?: number; calls?: number; known?: boolean }>> = {},
): Run {
  const instances = ids.map((id): Instance => {
    const share = new KeyShare({ self: id, provider: 'openai', sessionTimeoutMs: SESSION, bucketMs: 250 });
    // Told the key's quota (a peer learnt it before): it publishes it as its own estimate.
    if (plan[id]?.known === true) share.estimate({ windowMs: W, requests: R, learntAt: -1 });
    return {
      id,
      share,
      pacer: new SharedPacer(new WindowPacer(), share),
      out: [],
      alive: false,
      joinAt: plan[id]?.joinAt ?? 0,
      left: plan[id]?.calls ?? Number.POSITIVE_INFINITY,
      ...(plan[id]?.killAt !== undefined && { killAt: plan[id]?.killAt }),
    };
  });
  const mail: { at: number; to: Instance; from: string; record: ShareRecord }[] = [];
  const topic = new Map<string, ShareRecord>();
  const run: Run = {
    accepted: [],
    refused: 0,
    refusedAt: [],
    byInstance: new Map(ids.map((id) => [id, []])),
    refusedBy: new Map(ids.map((id) => [id, []])),
  };

  for (let t = 0; t <= until; t += STEP) {
    for (const m of mail.filter((x) => x.at <= t))
      if (m.to.alive) m.to.share.heard(m.from, m.record, t, false);
    mail.splice(0, mail.length, ...mail.filter((x) => x.at > t));
    for (const inst of instances) {
      if (!inst.alive && t === inst.joinAt) {
        inst.alive = true;
        for (const [id, record] of topic) if (id !== inst.id) inst.share.heard(id, record, t, true);
      }
      if (inst.killAt !== undefined && t >= inst.killAt) inst.alive = false;
      if (!inst.alive) continue;
      // Answers and refusals due now.
      for (const call of inst.out.filter((c) => c.endAt <= t)) {
        if (call.ok) {
          inst.pacer.record({ kind: 'success', latencyMs: LATENCY, startedAt: call.start }, t);
        } else {
          inst.share.revise(call.start, -1, -TOKENS);
          inst.left += 1; // refused: still to do
          inst.pacer.record({ kind: 'rate_limited', retryAfterMs: call.hint, startedAt: call.start }, t);
        }
      }
      inst.out = inst.out.filter((c) => c.endAt > t);
      // Its calls wait at the gate while it has work (as many as its concurrency lets ask).
      inst.share.demand(t, Math.min(5, inst.left));
      if (inst.share.reportDue(t, 1_000, 250)) {
        const record = inst.share.report(t);
        topic.set(inst.id, record);
        for (const to of instances)
          if (to !== inst) mail.push({ at: t + TRANSIT, to, from: inst.id, record });
      }
      while (
        inst.left > 0 &&
        inst.out.length < CONCURRENCY &&
        inst.pacer.pausedUntil <= t &&
        inst.pacer.openAt(t, TOKENS) <= t
      ) {
        inst.pacer.started(t, TOKENS);
        inst.share.admitted(t, TOKENS);
        inst.left -= 1;
        const inWindow = run.accepted.filter((x) => x > t - W);
        if (inWindow.length >= R) {
          run.refused += 1;
          run.refusedAt.push(t);
          run.refusedBy.get(inst.id)?.push(t);
          const hint = Math.ceil(((inWindow[0] ?? t) + W - t) / 1_000) * 1_000;
          inst.out.push({ start: t, endAt: t + REFUSAL, ok: false, hint });
        } else {
          run.accepted.push(t);
          run.byInstance.get(inst.id)?.push(t);
          inst.out.push({ start: t, endAt: t + LATENCY, ok: true, hint: 0 });
        }
      }
    }
  }
  return run;
}

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
