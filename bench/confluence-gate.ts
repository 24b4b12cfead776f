/**
 * bench/confluence-gate — how close the Confluence client's gate (limit-gate.ts: the adaptive
 * controller) comes to a site's burst limit, and what Retry-After's whole seconds cost it, on a
 * virtual clock (no network, no timers).
 *
 *   npx tsx bench/confluence-gate.ts [--calls 1600] [--seed 1] [--processes 1]
 *
 * Each row runs the same calls twice, side by side: the site's 429 as the simulator sends it
 * (Retry-After in whole seconds, rounded up; read by the client's own retry-after.ts), and with
 * the exact wait in ms (what no Atlassian header says; the gate is told so: no window trials).
 * Workers take calls one after another, as
 * `labels` does; a call takes the gate, reaches the site, and answers after its latency (a 429 after
 * 20 ms, then retried after backoffDelay with the client's settings, never sooner than the wait).
 * `--processes n`: n gates on the one site, the workers dealt among them in turn (n `labels`
 * members with one token; their gates do not share the limit), each up to `max` at once.
 *
 *   ideal = max((⌈calls / R⌉ − 1) · W + latency, calls · latency / n)    the site's limit R per W
 *           reached from the first call, or n = min(workers, processes · max) calls at once,
 *           whichever binds
 *   efficiency = ideal ÷ wall
 */
import { parseArgs } from 'node:util';
import { VirtualTimeScheduler } from 'rxjs';
import { LimitGate } from '../src/confluence/limit-gate.js';
import { retryAfterMs } from '../src/confluence/retry-after.js';
import { seededRandom } from '../src/gen/random.js';
import { backoffDelay } from '../src/operators/backoff.js';
import { RequestRateLimit } from '../src/sim/confluence/request-rate-limit.js';
import { SlidingWindowQuota } from '../src/sim/sliding-window-quota.js';
import { setLogLevel } from '../src/telemetry/log.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1600' },
    seed: { type: 'string', default: '1' },
    processes: { type: 'string', default: '1' },
  },
});

interface Row {
  requests: number;
  windowMs: number;
  latencyMs: number;
  max: number;
  workers: number;
}

const ROWS: Row[] = [
  { requests: 30, windowMs: 1_000, latencyMs: 30, max: 4, workers: 8 },
  { requests: 30, windowMs: 1_000, latencyMs: 100, max: 4, workers: 8 },
  { requests: 30, windowMs: 1_000, latencyMs: 200, max: 10, workers: 16 },
  { requests: 100, windowMs: 10_000, latencyMs: 30, max: 4, workers: 8 },
  { requests: 100, windowMs: 10_000, latencyMs: 100, max: 4, workers: 8 },
  { requests: 100, windowMs: 10_000, latencyMs: 200, max: 10, workers: 16 },
  { requests: 20, windowMs: 1_000, latencyMs: 50, max: 4, workers: 8 },
  { requests: 10, windowMs: 1_000, latencyMs: 300, max: 10, workers: 16 },
  { requests: 60, windowMs: 2_000, latencyMs: 100, max: 10, workers: 16 },
  { requests: 50, windowMs: 3_000, latencyMs: 80, max: 6, workers: 12 },
  { requests: 20, windowMs: 5_000, latencyMs: 100, max: 4, workers: 8 },
];

/** The client's retry settings (cli/confluence-from-config.ts). */
const RETRY = { baseDelayMs: 500, maxDelayMs: 30_000, maxRetries: 6, jitter: 0.2 };
const REFUSAL_MS = 20;

type Site = (now: number) => { ok: true } | { ok: false; waitMs: number };

/** The simulator's limiter and its Retry-After, as the client reads it. */
function wholeSeconds(row: Row, now: () => number): Site {
  const limit = new RequestRateLimit({ requests: row.requests, windowMs: row.windowMs }, now);
  return (t) => {
    const verdict = limit.admit();
    if (verdict.ok) return { ok: true };
    return { ok: false, waitMs: retryAfterMs(new Headers(verdict.headers), t) ?? 1_000 };
  };
}

/** The same window, telling the exact wait. */
function exact(row: Row, now: () => number): Site {
  const quota = new SlidingWindowQuota(
    { rpm: row.requests, tpm: Number.POSITIVE_INFINITY, windowMs: row.windowMs },
    now,
  );
  return () => {
    const verdict = quota.tryAdmit(0);
    return verdict.ok ? { ok: true } : { ok: false, waitMs: verdict.retryAfterMs };
  };
}

async function run(row: Row, calls: number, seed: number, processes: number, siteOf: typeof exact) {
  const scheduler = new VirtualTimeScheduler(undefined, Number.POSITIVE_INFINITY);
  const now = () => scheduler.now();
  const site = siteOf(row, now);
  const gates = Array.from(
    { length: processes },
    () =>
      new LimitGate({
        initial: 2,
        max: row.max,
        scheduler,
        ...(siteOf === exact && { hintGrainMs: 0 }),
      }),
  );
  const random = seededRandom(seed);
  const sleep = (ms: number) => new Promise<void>((resolve) => scheduler.schedule(() => resolve(), ms));
  let taken = 0;
  let attempts = 0;
  let refused = 0;
  const call = async (gate: LimitGate) => {
    for (let attempt = 1; ; attempt++) {
      const permit = await gate.admit();
      attempts++;
      const verdict = site(now());
      await sleep(verdict.ok ? row.latencyMs : REFUSAL_MS);
      if (verdict.ok) return permit.done({ kind: 'success', latencyMs: row.latencyMs });
      refused++;
      permit.done({ kind: 'rate_limited', retryAfterMs: verdict.waitMs });
      await sleep(backoffDelay(attempt, RETRY, random, verdict.waitMs));
    }
  };
  const worker = async (gate: LimitGate) => {
    while (taken < calls) {
      taken++;
      await call(gate);
    }
  };
  let finished = false;
  void Promise.all(Array.from({ length: row.workers }, (_, i) => worker(gates[i % processes]!))).then(
    () => (finished = true),
  );
  // One virtual action at a time, the promises it resolves settled before the next.
  while (!finished) {
    for (let i = 0; i < 20; i++) await Promise.resolve();
    const action = scheduler.actions.shift();
    if (action === undefined) {
      if (finished) break;
      throw new Error('the run stalled with work left');
    }
    scheduler.frame = action.delay;
    action.execute(action.state, action.delay);
  }
  for (const gate of gates) gate.close();
  const ideal = Math.max(
    (Math.ceil(calls / row.requests) - 1) * row.windowMs + row.latencyMs,
    (calls * row.latencyMs) / Math.min(row.workers, processes * row.max),
  );
  return { wall: scheduler.now(), ideal, refused, share: refused / attempts };
}

setLogLevel('warn');
const calls = Number(values.calls);
const seed = Number(values.seed);
const processes = Number(values.processes);
console.log(
  `${calls} calls a row, seed ${seed}, ${processes} process(es); wall in virtual seconds; efficiency = ideal ÷ wall`,
);
console.log(
  '| site limit | latency | max at once | ideal s | whole seconds: wall s, efficiency, 429s | exact: wall s, efficiency, 429s | wall: whole ÷ exact |',
);
console.log('| --- | --: | --: | --: | --- | --- | --: |');
for (const row of ROWS) {
  const whole = await run(row, calls, seed, processes, wholeSeconds);
  const precise = await run(row, calls, seed, processes, exact);
  const cell = (r: typeof whole) =>
    `${(r.wall / 1000).toFixed(1)}, ${(r.ideal / r.wall).toFixed(2)}, ${r.refused} (${(r.share * 100).toFixed(1)} %)`;
  console.log(
    `| ${row.requests} / ${row.windowMs / 1000} s | ${row.latencyMs} ms | ${row.max} | ${(whole.ideal / 1000).toFixed(1)} | ${cell(whole)} | ${cell(precise)} | ${(whole.wall / precise.wall).toFixed(2)} |`,
  );
}
