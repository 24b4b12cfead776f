import { createRateQuota } from '../src/sim/create-rate-quota.js';
import { limitsAt, nextChangeAfter, type ScheduleStep } from '../src/sim/quota-schedule.js';
import type { QuotaLimits, QuotaShape } from '../src/sim/rate-quota.js';
import { seededRandom } from '../src/gen/random.js';
import { standardNormal } from '../src/sim/latency-model.js';

/**
 * The yardsticks bench/quota measures each run against.
 *
 * idealTimeMs — the best time any client could make for a run's calls if it knew the quota
 * exactly: the same calls (their reported tokens), in the order they were sent, each started at
 * the first moment the quota has room for it, at most `maxConcurrent` at once, each taking
 * `latencyMs`:
 *
 *   start(i) = min t ≥ start(i − 1) such that fewer than maxConcurrent calls run at t and
 *              admit_shape(t, input(i)) holds, given calls 0..i−1 charged (input + output) at their starts
 *   ideal    = max_i start(i) + latency
 *
 * admit_shape is the simulator's own rule for the quota's shape (src/sim/*-quota.ts), over the
 * limits in force at t (the schedule's, if any):
 *
 *   sliding       #{j : start(j) ∈ (t − W, t]} + 1 ≤ rpm  ∧  Σ_{those j} tokens(j) + input(i) ≤ tpm
 *   token_bucket  levelR(t) ≥ 1  ∧  levelT(t) ≥ input(i),  level(t) = min(C, level(s) + (t − s)·limit/W),
 *                 C = burst · limit, both full at t = 0, each start taking 1 and tokens(j)
 *   fixed_window  over the window ⌊(t0 + t)/W⌋ (t0 = the quota clock at the run's start, so the
 *                 boundaries fall where they fell for the run): #starts + 1 ≤ rpm ∧ Σ tokens + input ≤ tpm
 *   schedule      any of the above with rpm, tpm = limitsAt(schedule, t); the search also stops at
 *                 every change of the limits, since a refusal's wait assumes the limits stay
 *
 * For each shape, starting a call as early as the quota allows never delays a later one (a sliding
 * window's sample leaves sooner, a bucket refills sooner and loses less to its cap, a fixed window's
 * room is the same or later), so no client sending these calls in this order can finish sooner.
 *
 * boundTimeMs — the older, looser yardstick for a sliding window: whole windows of requests or tokens,
 *
 *   bound = max((⌈calls / rpm⌉ − 1) · W, (⌈tokens / tpm⌉ − 1) · W) + latency
 *
 * (the first window's burst is free). It treats tokens as divisible: calls are not, and a
 * window can only be filled up to the last call that fits, so where tokens bind it is out of
 * any client's reach by up to a window.
 */
/**
 * jitteredMeanMs — the ideal when latencies vary as the scenario's do, not all at the median: the
 * mean over `draws` runs of `ideal(z)`, z_i ~ N(0, 1) per call (call i then takes
 * latency × exp(jitter × z_i), the simulator's lognormal). Calls at once end with the slowest of
 * them, so where a run fits its quota's first windows this is what a client that knew the quota
 * could expect, where `idealTimeMs` at the median is out of every client's reach.
 */
export function jitteredMeanMs(
  callCount: number,
  ideal: (z: readonly number[]) => number,
  draws = 400,
  seed = 1,
): number {
  const random = seededRandom(seed);
  let sum = 0;
  for (let d = 0; d < draws; d += 1) {
    sum += ideal(Array.from({ length: callCount }, () => standardNormal(random)));
  }
  return sum / draws;
}

export interface CallTokens {
  inputTokens: number;
  outputTokens: number;
}

export interface QuotaSpec extends QuotaLimits {
  /** Default sliding. */
  shape?: QuotaShape;
  /** token_bucket: the capacity as a share of a window's allowance (default 1). */
  burst?: number;
  /** Limit changes, atMs counted from the run's start (t = 0). */
  schedule?: ScheduleStep[];
  /** The quota's clock at t = 0 (where fixed windows' boundaries fall); default 0. */
  clockAtStartMs?: number;
}

export function idealTimeMs(
  calls: readonly CallTokens[],
  quota: QuotaSpec,
  /** One latency for every call, or call i's own. */
  latencyMs: number | ((i: number) => number),
  maxConcurrent: number,
): number {
  const latencyOf = typeof latencyMs === 'number' ? () => latencyMs : latencyMs;
  const { shape = 'sliding', burst, schedule = [], clockAtStartMs = 0 } = quota;
  const base = { rpm: quota.rpm, tpm: quota.tpm, windowMs: quota.windowMs };
  let t = 0;
  let limits = limitsAt(base, schedule, 0);
  const rate = createRateQuota(shape, limits, () => clockAtStartMs + t, burst);
  const ends: number[] = [];
  for (const [i, call] of calls.entries()) {
    // A free slot: the maxConcurrent-th most recent call must have ended.
    const running = ends.filter((e) => e > t).sort((a, b) => a - b);
    if (running.length >= maxConcurrent) t = running[running.length - maxConcurrent] ?? t;
    for (;;) {
      const now = limitsAt(base, schedule, t);
      if (now.rpm !== limits.rpm || now.tpm !== limits.tpm) rate.setLimits((limits = now));
      const verdict = rate.tryAdmit(call.inputTokens);
      if (verdict.ok) break;
      if (verdict.tooLarge) throw new Error('a call larger than the whole quota cannot have been answered');
      const change = nextChangeAfter(schedule, t) ?? Infinity;
      t = Math.min(t + verdict.retryAfterMs, change);
    }
    rate.charge(call.outputTokens);
    ends.push(t + latencyOf(i));
  }
  return ends.length === 0 ? latencyOf(0) : Math.max(...ends);
}

export function boundTimeMs(calls: readonly CallTokens[], quota: QuotaLimits, latencyMs: number): number {
  const tokens = calls.reduce((sum, c) => sum + c.inputTokens + c.outputTokens, 0);
  const byRequests = (Math.ceil(calls.length / quota.rpm) - 1) * quota.windowMs;
  const byTokens = (Math.ceil(tokens / quota.tpm) - 1) * quota.windowMs;
  return Math.max(byRequests, byTokens, 0) + latencyMs;
}
