import { backoffDelay, ORIGIN_BACKOFF } from '../../src/operators/backoff.js';
import {
  ConcurrencyController,
  type ConcurrencyPolicyName,
} from '../../src/router/concurrency-controller.js';
import { seededRandom } from '../../src/sim/random.js';

/**
 * A pure, deterministic model of the LLM stage against a provider quota it is not told, on a
 * virtual clock (no timers, no network). It mirrors the pipeline: a call starts when fewer than
 * `limit` are in flight and no pause holds; a 429 comes back at once with the wait until the
 * window frees a slot; the call keeps its slot and retries after backoffDelay (never sooner than
 * the hint), at most 3 times, like retryWithBackoff inside mergeMapWithLimit.
 *
 *   quota:    admit ⇔ requests in (t − window, t] < rpm  ∧  tokens in the window + cost ≤ tpm
 *   latency:  medianMs · exp(0.25 · z), z ~ N(0, 1), seeded
 *   ideal:    the same calls dispatched by an oracle that knows the quota (never refused, at most
 *             `max` in flight, bursting whenever the window has room); efficiency = ideal ÷ wall
 *   paced:    the time at exactly the quota's rate, max(calls/rpm, calls·tokens/tpm) · window — the
 *             simpler yardstick; bursting at a window's start can beat it, so paced ÷ wall may pass 1
 */
export interface Scenario {
  calls: number;
  tokensPerCall: number;
  rpm: number;
  tpm: number;
  windowMs: number;
  /** The provider refuses (429, hint 1 s) a call that would exceed this many in flight. */
  providerConcurrency: number;
  medianMs: number;
  /** How fast a 429 comes back (default 20 ms). */
  refusalLatencyMs?: number;
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

class Quota {
  private readonly admitted: { t: number; tokens: number }[] = [];
  constructor(private readonly s: Scenario) {}

  /** 0 when a call costing `tokens` would be admitted now, else the wait until it would. */
  waitFor(now: number, tokens: number): number {
    while (this.admitted.length > 0 && (this.admitted[0]?.t ?? 0) <= now - this.s.windowMs)
      this.admitted.shift();
    if (this.admitted.length + 1 > this.s.rpm) {
      const leaving = this.admitted[this.admitted.length + 1 - this.s.rpm - 1]?.t ?? now;
      return Math.max(1, leaving + this.s.windowMs - now);
    }
    let held = this.admitted.reduce((sum, a) => sum + a.tokens, 0);
    if (held + tokens <= this.s.tpm) return 0;
    for (const a of this.admitted) {
      held -= a.tokens;
      if (held + tokens <= this.s.tpm) return Math.max(1, a.t + this.s.windowMs - now);
    }
    return this.s.windowMs;
  }

  admit(now: number, tokens: number): void {
    this.admitted.push({ t: now, tokens });
  }
}

interface Flight {
  id: number;
  attempt: number;
  startedAt: number;
  endsAt: number;
  refused: number | undefined; // the hint when refused
}

export function simulate(policy: ConcurrencyPolicyName | 'oracle', s: Scenario): SimResult {
  const random = seededRandom(s.seed);
  const latencies = Array.from({ length: s.calls }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.round(s.medianMs * Math.exp(0.25 * z));
  });
  const jitter = seededRandom(s.seed + 1);
  let now = 0;
  const controller = new ConcurrencyController({
    policy: policy === 'oracle' ? 'fixed' : policy,
    initial: policy === 'oracle' ? s.max : s.initial,
    max: s.max,
    now: () => now,
  });
  const quota = new Quota(s);
  const queue = Array.from({ length: s.calls }, (_, i) => i);
  const flights: Flight[] = [];
  const retries: { id: number; attempt: number; at: number }[] = [];
  let attempts = 0;
  let rateLimited = 0;
  let exhausted = 0;
  let done = 0;
  let peakLimit = controller.limit;
  let oracleWake = Number.POSITIVE_INFINITY;

  const start = (id: number, attempt: number): void => {
    attempts += 1;
    const inFlight = flights.length;
    const wait = inFlight + 1 > s.providerConcurrency ? REFUSAL_HINT_MS : quota.waitFor(now, s.tokensPerCall);
    if (wait === 0) quota.admit(now, s.tokensPerCall);
    const endsAt =
      now + (wait === 0 ? (latencies[id] ?? s.medianMs) : (s.refusalLatencyMs ?? REFUSAL_LATENCY_MS));
    flights.push({ id, attempt, startedAt: now, endsAt, refused: wait === 0 ? undefined : wait });
  };

  while (done < s.calls) {
    controller.tick();
    // Dispatch new calls: as the pipeline does, or as an all-knowing oracle would.
    const slotsHeld = () => flights.length + retries.length;
    while (queue.length > 0 && slotsHeld() < controller.limit && now >= controller.pausedUntil) {
      if (policy === 'oracle') {
        const wait =
          flights.length + 1 > s.providerConcurrency
            ? Number.POSITIVE_INFINITY
            : quota.waitFor(now, s.tokensPerCall);
        if (wait > 0) {
          oracleWake = now + wait;
          break;
        }
      }
      start(queue.shift() as number, 0);
    }
    peakLimit = Math.max(peakLimit, controller.limit);
    const nextFlight = Math.min(...flights.map((f) => f.endsAt));
    const nextRetry = Math.min(...retries.map((r) => r.at));
    const nextPause =
      controller.pausedUntil > now && queue.length > 0 ? controller.pausedUntil : Number.POSITIVE_INFINITY;
    const nextTick = controller.nextTickAt ?? Number.POSITIVE_INFINITY;
    const wake = oracleWake > now ? oracleWake : Number.POSITIVE_INFINITY;
    const next = Math.min(nextFlight, nextRetry, nextPause, wake, nextTick);
    if (!Number.isFinite(next))
      throw new Error(`simulation stalled at ${now} ms with ${s.calls - done} calls left`);
    now = Math.max(now, next);
    for (const f of flights.filter((x) => x.endsAt <= now)) {
      flights.splice(flights.indexOf(f), 1);
      if (f.refused === undefined) {
        controller.record({ kind: 'success', latencyMs: f.endsAt - f.startedAt, startedAt: f.startedAt });
        done += 1;
        continue;
      }
      rateLimited += 1;
      controller.record({ kind: 'rate_limited', retryAfterMs: f.refused, startedAt: f.startedAt });
      if (f.attempt >= ORIGIN_BACKOFF.maxRetries) {
        exhausted += 1;
        done += 1;
      } else {
        const delay = backoffDelay(f.attempt + 1, ORIGIN_BACKOFF, jitter, f.refused);
        retries.push({ id: f.id, attempt: f.attempt + 1, at: now + delay });
      }
    }
    for (const r of retries.filter((x) => x.at <= now)) {
      retries.splice(retries.indexOf(r), 1);
      start(r.id, r.attempt);
    }
  }
  const idealMs = policy === 'oracle' ? now : simulate('oracle', s).wallMs;
  return {
    wallMs: now,
    idealMs,
    efficiency: idealMs / now,
    pacedMs: Math.max(s.calls / s.rpm, (s.calls * s.tokensPerCall) / s.tpm) * s.windowMs,
    attempts,
    rateLimited,
    rateLimitedShare: rateLimited / attempts,
    exhausted,
    finalLimit: controller.limit,
    peakLimit,
    changes: controller.changes.length,
  };
}
