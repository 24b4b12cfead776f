import { backoffDelay, ORIGIN_BACKOFF } from '../../src/operators/backoff.js';
import { seededRandom } from '../../src/gen/random.js';
import { CONCURRENCY_POLICIES, type ConcurrencyPolicyName } from '../../src/router/concurrency-policies.js';
import { limitSampleOf } from '../../src/router/limit-sample-of.js';
import { normaliseBounds } from '../../src/router/limit/limit.js';
import type { QuotaReading } from '../../src/model/quota-reading.js';
import type { CallOutcome } from '../../src/router/pacing/pacer.js';
import { modelQuota, nextChangeAfter, type QuotaSpec, type Refusal } from './model-quota.js';

/**
 * A pure, deterministic model of the LLM stage against a provider quota it is not told, on a
 * virtual clock (no timers, no network). It mirrors the pipeline: a batch takes a slot when fewer
 * than `limit` are held and no pause holds; its call then waits at the pacer's gate
 * (openAt for its size, first come first served) like the router's provider call, and is counted
 * as started; a 429 comes back at once with the wait until the window frees room, rounded up to
 * a simulated second (window / 60) as Gemini does; the call keeps its slot and retries (through
 * the gate) after backoffDelay (never sooner than the hint), at most 3 times, like
 * retryWithBackoff inside mergeMapWithLimit.
 *
 *   quota:    of the scenario's shape (model-quota.ts): sliding (admit ⇔ requests in (t − window, t]
 *             < rpm ∧ tokens in the window + cost ≤ tpm), token bucket, fixed window, a schedule
 *   hints:    rounded up to simulated seconds (Gemini's RetryInfo as the simulator once sent it), or
 *             exact to the millisecond (OpenAI's retry-after-ms; Gemini's message)
 *   lag:      a call reaches the provider `sendLag` after it leaves (the first of the run later:
 *             the HTTP client's start-up); the quota judges it, and its hint counts, from there
 *   sizes:    tokensPerCall · exp(tokenSpread · z), z ~ N(0, 1), seeded (0: all alike)
 *   latency:  medianMs · exp(0.25 · z), z ~ N(0, 1), seeded
 *   ideal:    the same calls dispatched by an oracle that knows the quota (never refused, at most
 *             `max` in flight, bursting whenever the window has room; another service on the key,
 *             `other`, left its share); efficiency = ideal ÷ wall
 *   headers:  (OpenAI's variant) each answer and 429 carries the quota's reading as the provider
 *             judged the call (model-quota.ts `reading`: OpenAI's x-ratelimit-* headers)
 *   paced:    the time at exactly the quota's rate, max(calls/rpm, calls·tokens/tpm) · window — the
 *             simpler yardstick; bursting at a window's start can beat it, so paced ÷ wall may pass 1
 */
export interface Scenario extends QuotaSpec {
  calls: number;
  tokensPerCall: number;
  /** σ of the calls' log-sizes (default 0: every call costs tokensPerCall). */
  tokenSpread?: number;
  /** The provider refuses (429, hint 1 s) a call that would exceed this many in flight. */
  providerConcurrency: number;
  medianMs: number;
  /** The 429s name the quota's unit, a minute of `windowMs` (as Gemini's quotaId and OpenAI's message do; default no: learnt). */
  namesMinute?: boolean;
  /** How long the client takes the named minute to be (default `windowMs`: what the provider documents). */
  minuteMs?: number;
  /** How fast a 429 comes back (default 20 ms). */
  refusalLatencyMs?: number;
  /** Default 'rounded': whole simulated seconds, rounded up. */
  hints?: 'rounded' | 'exact';
  /** OpenAI's variant: answers and 429s carry the x-ratelimit-* reading (default no: Gemini's). */
  headers?: boolean;
  /** From leaving to reaching the provider: `firstMs` for the run's first call, else `ms` + U(0, jitterMs). */
  sendLag?: { firstMs: number; ms: number; jitterMs: number };
  initial: number;
  max: number;
  seed: number;
}

export interface SimResult {
  wallMs: number;
  idealMs: number;
  efficiency: number;
  pacedMs: number;
  attempts: number;
  rateLimited: number;
  rateLimitedShare: number;
  exhausted: number;
  finalLimit: number;
  peakLimit: number;
  changes: number;
}

const REFUSAL_LATENCY_MS = 20;
const REFUSAL_HINT_MS = 1_000;

interface Flight {
  id: number;
  attempt: number;
  startedAt: number;
  /** When it reaches the provider, which judges it then. */
  arrivesAt: number;
  /** Once judged: when its answer or its 429 is back. */
  endsAt: number;
  refused: Refusal | undefined; // the hint when refused
  /** The quota as the provider reported it when it judged the call (OpenAI's variant). */
  reading?: QuotaReading;
}

/** Gemini's hint as the simulator once sent it: whole simulated seconds (window / 60) from a second up, rounded up. */
function roundedHint(waitMs: number, windowMs: number): number {
  const second = Math.min(1_000, windowMs / 60);
  return waitMs >= second ? Math.ceil(waitMs / second) * second : Math.ceil(waitMs);
}

export function simulate(
  policy: ConcurrencyPolicyName | 'oracle',
  s: Scenario,
  /** Hears each call's fate and each change of what the pacer learnt, for a look at one run. */
  trace?: (line: string) => void,
): SimResult {
  const random = seededRandom(s.seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const latencies = Array.from({ length: s.calls }, () => Math.round(s.medianMs * Math.exp(0.25 * normal())));
  const spread = s.tokenSpread ?? 0;
  const sizes = Array.from({ length: s.calls }, () =>
    spread === 0 ? s.tokensPerCall : Math.round(s.tokensPerCall * Math.exp(spread * normal())),
  );
  const size = (id: number): number => sizes[id] ?? s.tokensPerCall;
  const jitter = seededRandom(s.seed + 1);
  let now = 0;
  // The policy's limit and pacer, fed as the provider gate feeds them (provider-gate.ts).
  const parts = CONCURRENCY_POLICIES[policy === 'oracle' ? 'fixed' : policy];
  const limit = parts.limit(
    normaliseBounds({ initial: policy === 'oracle' ? s.max : s.initial, max: s.max }),
    now,
  );
  const pacer = parts.pacer({ minuteMs: s.minuteMs ?? s.windowMs });
  let changes = 0;
  const note = (old: number): void => {
    if (limit.limit !== old) changes += 1;
  };
  let learnt = '';
  const record = (outcome: CallOutcome): void => {
    const old = limit.limit;
    limit.sample(limitSampleOf(outcome, pacer.record(outcome, now)), now);
    note(old);
    if (trace === undefined) return;
    if (outcome.kind === 'success') trace(`${now} ok sent ${outcome.startedAt} size ${outcome.estimate}`);
    if (outcome.kind === 'rate_limited')
      trace(
        `${now} 429 sent ${outcome.startedAt} hint ${outcome.retryAfterMs} ${outcome.quota} limit ${limit.limit}`,
      );
    const next = JSON.stringify(pacer.learnt);
    if (next !== learnt) trace(`${now} learnt ${(learnt = next)}`);
  };
  const tick = (): void => {
    const old = limit.limit;
    limit.tick?.(now);
    note(old);
  };
  const quota = modelQuota(s);
  const lagRandom = seededRandom(s.seed + 2);
  let sent = 0;
  const lag = (): number => {
    const l = s.sendLag;
    if (l === undefined) return 0;
    sent += 1;
    return sent === 1 ? l.firstMs : l.ms + l.jitterMs * lagRandom();
  };
  const queue = Array.from({ length: s.calls }, (_, i) => i);
  const gate: { id: number; attempt: number }[] = [];
  const flights: Flight[] = [];
  const retries: { id: number; attempt: number; at: number }[] = [];
  let attempts = 0;
  let rateLimited = 0;
  let exhausted = 0;
  let done = 0;
  let peakLimit = limit.limit;
  let oracleWake = Number.POSITIVE_INFINITY;

  /** The provider judges a call as it arrives: admitted (answered after its latency) or refused. */
  const arrive = (f: Flight): void => {
    const judged = flights.filter((x) => x.arrivesAt <= now && x !== f && x.endsAt > now).length;
    f.refused =
      judged + 1 > s.providerConcurrency
        ? { waitMs: REFUSAL_HINT_MS, quota: 'requests' as const }
        : quota.refusal(now, size(f.id));
    if (f.refused === undefined) quota.admit(now, size(f.id));
    if (s.headers === true) f.reading = quota.reading(now);
    f.endsAt =
      now +
      (f.refused === undefined
        ? (latencies[f.id] ?? s.medianMs)
        : (s.refusalLatencyMs ?? REFUSAL_LATENCY_MS));
  };

  const start = (id: number, attempt: number): void => {
    attempts += 1;
    const f: Flight = {
      id,
      attempt,
      startedAt: now,
      arrivesAt: now + (policy === 'oracle' ? 0 : lag()),
      endsAt: Number.POSITIVE_INFINITY,
      refused: undefined,
    };
    flights.push(f);
    if (f.arrivesAt <= now) arrive(f);
  };

  /** Calls waiting at the pacer's gate go, oldest first, while it is open. */
  const pumpGate = (): number => {
    for (;;) {
      const head = gate[0];
      if (head === undefined) return Number.POSITIVE_INFINITY;
      const at = pacer.openAt(now, size(head.id));
      if (at > now) return at;
      gate.shift();
      pacer.started(now, size(head.id));
      start(head.id, head.attempt);
    }
  };

  while (done < s.calls) {
    tick();
    // Dispatch new batches: as the pipeline does, or as an all-knowing oracle would.
    const slotsHeld = () => flights.length + retries.length + gate.length;
    while (queue.length > 0 && slotsHeld() < limit.limit && now >= pacer.pausedUntil) {
      if (policy === 'oracle') {
        const id = queue[0] ?? 0;
        const wait =
          flights.length + 1 > s.providerConcurrency
            ? Number.POSITIVE_INFINITY
            : (quota.refusal(now, size(id))?.waitMs ?? 0);
        if (wait > 0) {
          // The oracle knows the schedule too: a quota that grows back lets it go sooner.
          oracleWake = Math.min(now + wait, nextChangeAfter(s, now));
          break;
        }
      }
      // The batch takes its slot and its call waits at the gate (the oracle's never holds).
      gate.push({ id: queue.shift() as number, attempt: 0 });
      if (policy === 'oracle') pumpGate();
    }
    const gateOpens = pumpGate();
    peakLimit = Math.max(peakLimit, limit.limit);
    const nextFlight = Math.min(...flights.map((f) => (f.arrivesAt > now ? f.arrivesAt : f.endsAt)));
    const nextRetry = Math.min(...retries.map((r) => r.at));
    const nextPause =
      pacer.pausedUntil > now && queue.length > 0 ? pacer.pausedUntil : Number.POSITIVE_INFINITY;
    const nextTick = limit.nextTickAt?.() ?? Number.POSITIVE_INFINITY;
    const wake = oracleWake > now ? oracleWake : Number.POSITIVE_INFINITY;
    const next = Math.min(nextFlight, nextRetry, nextPause, wake, nextTick, gateOpens);
    if (!Number.isFinite(next))
      throw new Error(`simulation stalled at ${now} ms with ${s.calls - done} calls left`);
    now = Math.max(now, next);
    for (const f of flights.filter((x) => x.arrivesAt <= now && !Number.isFinite(x.endsAt))) arrive(f);
    for (const f of flights.filter((x) => x.endsAt <= now)) {
      flights.splice(flights.indexOf(f), 1);
      if (f.refused === undefined) {
        record({
          kind: 'success',
          latencyMs: f.endsAt - f.startedAt,
          inputTokens: size(f.id),
          outputTokens: 0,
          ...(f.reading !== undefined && { reading: f.reading }),
          startedAt: f.startedAt,
          estimate: size(f.id),
        });
        done += 1;
        continue;
      }
      rateLimited += 1;
      const hint =
        s.hints === 'exact' ? Math.ceil(f.refused.waitMs) : roundedHint(f.refused.waitMs, s.windowMs);
      record({
        kind: 'rate_limited',
        retryAfterMs: hint,
        quota: f.refused.quota,
        ...(s.namesMinute === true && f.refused.named ? { quotaPer: 'minute' as const } : {}),
        ...(f.reading !== undefined && { reading: f.reading }),
        startedAt: f.startedAt,
        estimate: size(f.id),
      });
      if (f.attempt >= ORIGIN_BACKOFF.maxRetries) {
        exhausted += 1;
        done += 1;
      } else {
        const delay = backoffDelay(f.attempt + 1, ORIGIN_BACKOFF, jitter, hint);
        retries.push({ id: f.id, attempt: f.attempt + 1, at: now + delay });
      }
    }
    for (const r of retries.filter((x) => x.at <= now)) {
      retries.splice(retries.indexOf(r), 1);
      gate.push({ id: r.id, attempt: r.attempt });
    }
  }
  const idealMs = policy === 'oracle' ? now : simulate('oracle', leavingOthersTheirShare(s)).wallMs;
  return {
    wallMs: now,
    idealMs,
    efficiency: idealMs / now,
    pacedMs: Math.max(s.calls / s.rpm, sizes.reduce((a, b) => a + b, 0) / s.tpm) * s.windowMs,
    attempts,
    rateLimited,
    rateLimitedShare: rateLimited / attempts,
    exhausted,
    finalLimit: limit.limit,
    peakLimit,
    changes,
  };
}

/**
 * The oracle leaves another client on the key (model-quota.ts `other`) its share: a schedule of the
 * quota less that share while it runs. Racing it for the window's room instead, an oracle that
 * bursts whenever the window has room takes most of it, which no client should be measured
 * against.
 */
function leavingOthersTheirShare(s: Scenario): Scenario {
  const o = s.other;
  if (o === undefined) return s;
  const { other: _, ...rest } = s;
  return {
    ...rest,
    schedule: [
      { atMs: o.fromMs, rpm: s.rpm - (o.rpm ?? 0), tpm: s.tpm - (o.tpm ?? 0) },
      ...(o.toMs === undefined ? [] : [{ atMs: o.toMs, rpm: s.rpm, tpm: s.tpm }]),
    ],
  };
}
