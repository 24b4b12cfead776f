import { AimdLimit } from '../../../src/router/limit/aimd-limit.js';
import { normaliseBounds } from '../../../src/router/limit/limit.js';
import { limitSampleOf } from '../../../src/router/limit-sample-of.js';
import type { QuotaReading } from '../../../src/model/quota-reading.js';
import type { CallOutcome } from '../../../src/router/pacing/pacer.js';
import { WindowPacer } from '../../../src/router/pacing/window-pacer.js';
import { coldStartPart } from '../../../src/router/sharing/cold-start-part.js';
import { KeyShare } from '../../../src/router/sharing/key-share.js';
import { SharedPacer } from '../../../src/router/sharing/shared-pacer.js';
import type { ShareRecord } from '../../../src/router/sharing/share-record.js';

/**
 * Instances on one key, on a virtual clock, each with the adaptive policy's pacer (WindowPacer)
 * behind a SharedPacer and a KeyShare, none told the quota: a sliding window of R requests per W
 * that refuses the (R+1)th call with a hint naming when its oldest call leaves (whole seconds,
 * rounded up, no unit named: OpenAI's shape). Each instance always has calls waiting, at most
 * CONCURRENCY out — or, with `limits`, as many as its own AimdLimit lets out (the origin's start 3,
 * +1 per answer, at most 10), split as provider-gate.ts splits it while the key's quota is unknown
 * (cold-start-part.ts); an answer comes LATENCY after its call left (with `limits`, spread evenly over
 * LATENCY ± 50 % by the call's number, so answers do not all come back in one step), a 429 REFUSAL after. Records go as
 * QuotaSharing sends them and arrive TRANSIT later; the slot's calls to the share are made as
 * provider-slot.ts makes them. While its own retry hint holds, an instance asks nothing (the
 * router's breaker holds its batches until the hint passes).
 *
 * With `headers`, every answer and 429 carries the quota as OpenAI's x-ratelimit-* headers report
 * it when the provider judged the call (the simulator's sliding window: limit R per W, what remains
 * of it, and the reset until its newest call leaves), and each pacer's minute is W.
 */
export const W = 10_000;
export const R = 30;
export const SESSION = 6_000;
const LATENCY = 150;
const REFUSAL = 20;
const TRANSIT = 40;
const STEP = 10;
export const CONCURRENCY = 4;
const TOKENS = 500;

interface Instance {
  id: string;
  share: KeyShare;
  pacer: SharedPacer;
  out: { start: number; endAt: number; ok: boolean; hint: number; reading?: QuotaReading }[];
  alive: boolean;
  joinAt: number;
  killAt?: number;
  /** Calls it has to make (its backlog); unbounded when absent. */
  left: number;
  /** Its own concurrency limit, with `limits`. */
  limit?: AimdLimit;
  firstCallAt?: number;
}

/** Each instance's own limit (the origin's), and whether the gate splits the key's cold start. */
export interface Limits {
  initial: number;
  max: number;
  split: boolean;
}

export const ORIGIN_LIMITS: Limits = { initial: 3, max: 10, split: true };

export interface Run {
  accepted: number[];
  refused: number;
  refusedAt: number[];
  byInstance: Map<string, number[]>;
  refusedBy: Map<string, number[]>;
  /** The key's requests per window as each instance saw it at the end (live ones only). */
  estimates: Map<string, number | undefined>;
}

export function simulate(
  ids: string[],
  until: number,
  plan: Partial<Record<string, { joinAt?: number; killAt?: number; calls?: number; known?: boolean }>> = {},
  limits?: Limits,
  opts: { headers?: boolean } = {},
): Run {
  const instances = ids.map((id): Instance => {
    const share = new KeyShare({ self: id, provider: 'openai', sessionTimeoutMs: SESSION, bucketMs: 250 });
    // Told the key's quota (a peer learnt it before): it publishes it as its own estimate.
    if (plan[id]?.known === true) share.estimate({ windowMs: W, requests: R, learntAt: -1 });
    return {
      id,
      share,
      pacer: new SharedPacer(new WindowPacer(opts.headers === true ? { minuteMs: W } : {}), share),
      out: [],
      alive: false,
      joinAt: plan[id]?.joinAt ?? 0,
      left: plan[id]?.calls ?? Number.POSITIVE_INFINITY,
      ...(plan[id]?.killAt !== undefined && { killAt: plan[id]?.killAt }),
      ...(limits !== undefined && { limit: new AimdLimit(normaliseBounds(limits)) }),
    };
  });
  /** How many calls it may have out now: CONCURRENCY, or its limit as the gate emits it. */
  const concurrency = (inst: Instance, t: number): number => {
    if (inst.limit === undefined || limits === undefined) return CONCURRENCY;
    if (!limits.split) return inst.limit.limit;
    const learnt = inst.pacer.learnt;
    return coldStartPart({
      limit: inst.limit.limit,
      initial: limits.initial,
      max: limits.max,
      instances: inst.share.instances(t),
      known: learnt?.requests !== undefined || learnt?.tokens !== undefined,
      firstCallAt: inst.firstCallAt,
      now: t,
      warmAfterMs: 60_000,
    });
  };
  let calls = 0;
  /** LATENCY; with `limits`, the k-th call's LATENCY · (0.5 + frac(k · φ)), φ the golden ratio. */
  const latency = (): number => {
    calls += 1;
    if (limits === undefined) return LATENCY;
    return Math.round((LATENCY * (0.5 + ((calls * 0.618_033_988_75) % 1))) / STEP) * STEP;
  };
  const record = (inst: Instance, outcome: CallOutcome, t: number): void => {
    const reading = inst.pacer.record(outcome, t);
    inst.limit?.sample(limitSampleOf(outcome, reading), t);
  };
  const mail: { at: number; to: Instance; from: string; record: ShareRecord }[] = [];
  const topic = new Map<string, ShareRecord>();
  const run: Run = {
    accepted: [],
    refused: 0,
    refusedAt: [],
    byInstance: new Map(ids.map((id) => [id, []])),
    refusedBy: new Map(ids.map((id) => [id, []])),
    estimates: new Map(),
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
        const reading = call.reading === undefined ? {} : { reading: call.reading };
        if (call.ok) {
          const latencyMs = call.endAt - call.start;
          record(inst, { kind: 'success', latencyMs, startedAt: call.start, ...reading }, t);
        } else {
          inst.share.revise(call.start, -1, -TOKENS);
          inst.left += 1; // refused: still to do
          record(
            inst,
            { kind: 'rate_limited', retryAfterMs: call.hint, startedAt: call.start, ...reading },
            t,
          );
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
        inst.out.length < concurrency(inst, t) &&
        inst.pacer.pausedUntil <= t &&
        inst.pacer.openAt(t, TOKENS) <= t
      ) {
        inst.pacer.started(t, TOKENS);
        inst.firstCallAt ??= t;
        inst.share.admitted(t, TOKENS);
        inst.left -= 1;
        const inWindow = run.accepted.filter((x) => x > t - W);
        /** What the provider reports as it judges the call: the key's, whoever spent it. */
        const reading = (held: number, newest: number): { reading?: QuotaReading } =>
          opts.headers === true
            ? { reading: { requests: { limit: R, remaining: R - held, resetMs: newest + W - t } } }
            : {};
        if (inWindow.length >= R) {
          run.refused += 1;
          run.refusedAt.push(t);
          run.refusedBy.get(inst.id)?.push(t);
          const hint = Math.ceil(((inWindow[0] ?? t) + W - t) / 1_000) * 1_000;
          const newest = inWindow.at(-1) ?? t;
          inst.out.push({ start: t, endAt: t + REFUSAL, ok: false, hint, ...reading(R, newest) });
        } else {
          run.accepted.push(t);
          run.byInstance.get(inst.id)?.push(t);
          const held = inWindow.length + 1;
          inst.out.push({ start: t, endAt: t + latency(), ok: true, hint: 0, ...reading(held, t) });
        }
      }
    }
  }
  for (const inst of instances)
    if (inst.alive) run.estimates.set(inst.id, inst.share.newestEstimate()?.requests);
  return run;
}
