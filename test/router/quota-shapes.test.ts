import { describe, expect, it } from 'vitest';
import type { ConcurrencyPolicyName } from '../../src/router/concurrency-policies.js';
import { simulate, type Scenario, type SimResult } from './quota-simulation.js';

/**
 * The adaptive policy against every quota shape the providers document (model-quota.ts), told
 * neither the shape nor the quota, on a virtual clock: the rows of bench/quota at its time scale
 * 0.1 (a minute of 6 s, calls of 100 ms, 200 calls of 5 pages), with a send lag (the first call
 * 80 ms, then 2–5 ms) and hints exact to the millisecond (OpenAI's retry-after-ms, Gemini's
 * message). Five seeds each; a fixed window's boundaries fall at a different phase per seed.
 *
 *   target: efficiency ≥ 0.95 and ≤ 2 % 429s (EXPECT names the rows that cannot, and why)
 */
const base: Scenario = {
  calls: 200,
  tokensPerCall: 1_500,
  rpm: 60,
  tpm: 1e12,
  windowMs: 6_000,
  providerConcurrency: Number.POSITIVE_INFINITY,
  medianMs: 100,
  refusalLatencyMs: 2,
  hints: 'exact',
  namesMinute: true,
  sendLag: { firstMs: 80, ms: 2, jitterMs: 3 },
  initial: 3,
  max: 10,
  seed: 1,
};

const tokensBind: Partial<Scenario> = { rpm: 200, tpm: 40_000, tokensPerCall: 1_800, tokenSpread: 0.35 };
/** The run's nominal length at 60 rpm: 200 calls, 3⅓ windows. */
const NOMINAL_MS = (200 / 60) * 6_000;

const SCENARIOS: Record<string, (seed: number) => Partial<Scenario>> = {
  'sliding, 60 rpm': () => ({}),
  'sliding, tokens bind': () => tokensBind,
  'token bucket, 60 rpm': () => ({ shape: 'token_bucket' }),
  'token bucket, tokens bind': () => ({ ...tokensBind, shape: 'token_bucket' }),
  'token bucket ½, tokens bind': () => ({ ...tokensBind, shape: 'token_bucket', burst: 0.5 }),
  'fixed window, 60 rpm': (seed) => ({ shape: 'fixed_window', phaseMs: (seed * 1_237) % 6_000 }),
  'fixed window, tokens bind': (seed) => ({
    ...tokensBind,
    shape: 'fixed_window',
    phaseMs: (seed * 1_237) % 6_000,
  }),
  'schedule: 60 → 30 → 60 rpm': () => ({
    schedule: [
      { atMs: Math.round(NOMINAL_MS / 3), rpm: 30 },
      { atMs: Math.round((2 * NOMINAL_MS) / 3), rpm: 60 },
    ],
  }),
  // The unit a 429 names is a prior: a window half as long shows itself and replaces it.
  'sliding, 30 rpm per half minute named per minute': () => ({ rpm: 30, windowMs: 3_000, minuteMs: 6_000 }),
  'schedule, tokens: 40k → 20k → 40k': () => ({
    ...tokensBind,
    calls: 200,
    schedule: [
      { atMs: 18_000, tpm: 20_000 },
      { atMs: 36_000, tpm: 40_000 },
    ],
  }),
};

/**
 * OpenAI's variant of some rows: every answer and 429 carries the x-ratelimit-* headers as OpenAI
 * sends them for that shape (model-quota.ts `reading`), which the pacer reads as evidence.
 */
const OPENAI_ROWS = [
  'sliding, 60 rpm',
  'sliding, tokens bind',
  'token bucket, 60 rpm',
  'token bucket, tokens bind',
  'token bucket ½, tokens bind',
  'fixed window, tokens bind',
  'schedule, tokens: 40k → 20k → 40k',
];
for (const name of OPENAI_ROWS) {
  const scenario = SCENARIOS[name];
  if (scenario !== undefined)
    SCENARIOS[`OpenAI headers: ${name}`] = (seed) => ({ ...scenario(seed), headers: true });
}

const POLICIES: ConcurrencyPolicyName[] = ['fixed', 'seed', 'adaptive'];
const SEEDS = [1, 2, 3, 4, 5];

interface Row {
  efficiency: number;
  worstEfficiency: number;
  rateLimitedShare: number;
  exhausted: number;
}

function measure(policy: ConcurrencyPolicyName, scenario: (seed: number) => Partial<Scenario>): Row {
  const runs = SEEDS.map((seed) => simulate(policy, { ...base, ...scenario(seed), seed }));
  const attempts = runs.reduce((n, r) => n + r.attempts, 0);
  return {
    efficiency: runs.reduce((n, r) => n + r.efficiency, 0) / runs.length,
    worstEfficiency: Math.min(...runs.map((r) => r.efficiency)),
    rateLimitedShare: runs.reduce((n, r) => n + r.rateLimited, 0) / attempts,
    exhausted: runs.reduce((n, r) => n + r.exhausted, 0),
  };
}

const results = new Map<string, Record<ConcurrencyPolicyName, Row>>();
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  results.set(
    name,
    Object.fromEntries(POLICIES.map((p) => [p, measure(p, scenario)])) as Record<ConcurrencyPolicyName, Row>,
  );
}

function table(): string {
  const lines = [`${'quota shape'.padEnd(36)}policy    efficiency  worst  429-share  exhausted`];
  for (const [name, row] of results) {
    for (const p of POLICIES) {
      const r = row[p];
      lines.push(
        `${name.padEnd(36)}${p.padEnd(10)}${r.efficiency.toFixed(3).padStart(10)}${r.worstEfficiency.toFixed(2).padStart(7)}${(r.rateLimitedShare * 100).toFixed(1).padStart(10)}%${String(r.exhausted).padStart(10)}`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * What each row must hold. The target (≥ 0.95, ≤ 2 %) everywhere but where a run this short
 * cannot: a fixed window whose first boundary falls a moment after the first call (185 ms: one
 * phase in five here) lets a client whose limit slow-starts send 3 calls before it where the
 * oracle, 10 in flight from the start, sends 20; on a run of three windows that costs a whole
 * window at the end (0.70 on that phase; with the limit starting at 10, 0.996) — the pacer reads
 * that window right from its first 429, the limit (src/router/limit) decides the start. A bucket
 * holding half a minute is first read as holding a whole one (the documented default), and found
 * by trials that cost 429s: its first burst costs 1–4 (ten calls out before the first 429 is
 * back), the trials that find its rate 2 (a rate above the bucket's passes while its reserve
 * lasts, so a trial is kept that a later one overshoots: the 429 that ends the next trial, and one
 * more, at the kept level, that reads the rate from the empty bucket) — 4 a run of ~200 calls. A quota that
 * drops for three windows of a run of ten and comes back: finding it within two windows takes a
 * trial every window while it stays low (two here), each a 429, on top of the first burst's 1–3
 * and the drop's 1–3 (the calls out when it dropped) — five at least of ~200 calls (2.5 %), 6–7
 * in these runs.
 */
const EXPECT: Record<string, { efficiency: number; rateLimited: number }> = {
  'fixed window, 60 rpm': { efficiency: 0.93, rateLimited: 0.02 },
  'token bucket ½, tokens bind': { efficiency: 0.95, rateLimited: 0.025 },
  'schedule, tokens: 40k → 20k → 40k': { efficiency: 0.95, rateLimited: 0.035 },
  // OpenAI's headers show the drop only on the first answer after it (what is left falls; the
  // limit stays the key's): the calls out when it dropped, or let go together before that answer
  // came back, are refused (1–4 a run), with the first window's 1–2 and 0–1 while the key shows
  // itself full (docs/quota.md): 4–6 of ~205 calls.
  'OpenAI headers: schedule, tokens: 40k → 20k → 40k': { efficiency: 0.95, rateLimited: 0.025 },
};
const TARGET = { efficiency: 0.95, rateLimited: 0.02 };

/**
 * Runs where another service on the key spends 10k, 20k or 30k of its 40k tokens a window from
 * 60 s as calls of its own, for five windows, fifteen or for good; 1 000 calls, three seeds.
 */
function sharedKeyRuns(headers: boolean): (SimResult & { run: string })[] {
  return [10_000, 20_000, 30_000].flatMap((tpm) =>
    [5, 15, 0].flatMap((windows) =>
      [1, 2, 3].map((seed) => {
        const toMs = windows === 0 ? undefined : 60_000 + windows * 6_000;
        const other = { fromMs: 60_000, tpm, ...(toMs !== undefined && { toMs }) };
        const r = simulate('adaptive', { ...base, ...tokensBind, calls: 1_000, headers, other, seed });
        return { ...r, run: `${tpm} for ${windows || 'good'}, seed ${seed}` };
      }),
    ),
  );
}

let withoutHeaders: (SimResult & { run: string })[] | undefined;
/** sharedKeyRuns(false), run once for the tests that read it. */
const sharedKeyRunsWithoutHeaders = () => (withoutHeaders ??= sharedKeyRuns(false));

describe('adaptive pacing under every quota shape (simulation)', () => {
  it('prints the comparison', () => {
    console.log(`\n${table()}\n(efficiency = oracle time ÷ wall time, mean of ${SEEDS.length} seeds)`);
    expect(results.size).toBe(Object.keys(SCENARIOS).length);
  });

  for (const name of Object.keys(SCENARIOS)) {
    const want = EXPECT[name] ?? TARGET;
    it(`holds ≥ ${want.efficiency} efficiency with ≤ ${want.rateLimited * 100} % 429s: ${name}`, () => {
      const r = results.get(name)?.adaptive;
      expect(r?.efficiency, name).toBeGreaterThanOrEqual(want.efficiency);
      expect(r?.rateLimitedShare, name).toBeLessThanOrEqual(want.rateLimited);
      expect(r?.exhausted, name).toBe(0);
    });
  }

  /**
   * Where a per-minute quota's boundary falls is the provider's clock, not the run's: over every
   * phase (every 100 ms of the window, five seeds each) the mean is what a user meets. The five
   * phases above weigh the bad one (185 ms) at one in five. At 60 rpm, 6 runs of 300 fall below
   * 0.95: boundaries at 200–300 ms (0.70, the slow start's). At 800–900 ms the first 429 comes
   * 40 ms before the boundary, a wait a bucket gives too, and is read as a bucket's; the 429 that
   * ends the bucket's trial frees on that 429's end plus whole windows and shows the fixed window
   * (refusal-shape.ts: 0.99; 0.85–0.86 while that 429 was read as a sliding window's).
   */
  for (const [name, extra] of [
    ['fixed window, 60 rpm', {}],
    ['fixed window, tokens bind', tokensBind],
  ] as const) {
    it(`holds ≥ 0.95 efficiency with ≤ 2 % 429s averaged over where the window's boundary falls: ${name}`, () => {
      const runs = Array.from({ length: 60 }, (_, i) => i * 100).flatMap((phaseMs) =>
        SEEDS.map((seed) =>
          simulate('adaptive', { ...base, ...extra, shape: 'fixed_window', phaseMs, seed }),
        ),
      );
      const efficiency = runs.reduce((n, r) => n + r.efficiency, 0) / runs.length;
      const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
      const below = runs.filter((r) => r.efficiency < 0.95).length;
      console.log(
        `${name}, ${runs.length} runs over every phase: efficiency ${efficiency.toFixed(3)}, worst ${Math.min(...runs.map((r) => r.efficiency)).toFixed(2)}, ${below} below 0.95, 429s ${(100 * share).toFixed(2)} %`,
      );
      expect(efficiency).toBeGreaterThanOrEqual(0.95);
      expect(share).toBeLessThanOrEqual(0.02);
      expect(runs.reduce((n, r) => n + r.exhausted, 0)).toBe(0);
    });
  }

  /**
   * A token quota on a fixed window over a run five times the rows' length, wherever its boundary
   * falls. Two misreadings at the start used to last the whole run. A boundary 1.0–1.4 s after the
   * first call: the first 429, its wait short enough for a bucket's, was read as one, and the
   * next refused call of the same burst, released on the same boundary, overturned the minute the
   * 429s named for the 1.2 s from the first call to it; the pacer then held nothing and ~9 calls a
   * window were refused (190–310 429s of ~1 300 calls). And that first reading, above the quota,
   * was kept as a peak: every count below it read as a drop, and a trial went back to it each
   * window (35–41 429s of ~1 040, at phases 400–800 ms, with OpenAI's headers and without).
   */
  for (const headers of [false, true]) {
    it(`paces a token quota on a fixed window to the end of a long run wherever its boundary falls${headers ? ', with OpenAI’s headers' : ''}`, () => {
      const runs = Array.from({ length: 60 }, (_, i) => i * 100).map((phaseMs) => ({
        phaseMs,
        ...simulate('adaptive', {
          ...base,
          ...tokensBind,
          calls: 1_000,
          shape: 'fixed_window',
          phaseMs,
          headers,
        }),
      }));
      const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
      const worst = runs.reduce((a, b) => (b.rateLimited / b.attempts > a.rateLimited / a.attempts ? b : a));
      console.log(
        `tokens on a fixed window, 1 000 calls${headers ? ', headers' : ''}, ${runs.length} phases: efficiency ${Math.min(...runs.map((r) => r.efficiency)).toFixed(2)} at worst, 429s ${(100 * share).toFixed(2)} %, at most ${worst.rateLimited} of ${worst.attempts} (phase ${worst.phaseMs} ms)`,
      );
      for (const r of runs)
        expect(r.rateLimited / r.attempts, `phase ${r.phaseMs} ms`).toBeLessThanOrEqual(0.02);
      expect(share).toBeLessThanOrEqual(0.01);
      expect(Math.min(...runs.map((r) => r.efficiency))).toBeGreaterThanOrEqual(0.9);
    });
  }

  /**
   * Stable quotas over runs of 500–1 000 calls, where three misreadings made at the start used to
   * last to the end (each test fails on the rule before it):
   *
   * - a bucket's rate read from the 429s of calls let go at one instant, each matched to the
   *   smallest of them (the ledger knew only their common start): half the rate, read as exact,
   *   so no trial ever went past it (seed 1: 0.51 of the ideal);
   * - a token 429 on a fixed window with none of our calls started before it in its window (all
   *   let go with it at the boundary's instant) read as a request quota of one call a window
   *   (3.35 % 429s over 20 phases and two seeds, 28 of 40 runs above 3 %; now 2.12 %, none);
   * - a first 429 that came only after ten seconds of calls paced by OpenAI's headers, its
   *   a − s₀ of 10.2 s taken for the length of a window that began empty, which then overturned
   *   the minute (seed 2: 0.77).
   */
  it('reads a token bucket’s rate from each refused call’s own need, not another’s sent with it', () => {
    const runs = SEEDS.map((seed) =>
      simulate('adaptive', {
        ...base,
        ...tokensBind,
        tpm: 20_000,
        calls: 500,
        shape: 'token_bucket',
        seed,
      }),
    );
    console.log(
      `token bucket, 20k tokens, 500 calls: efficiency ${runs.map((r) => r.efficiency.toFixed(2)).join(', ')}`,
    );
    for (const [i, r] of runs.entries()) expect(r.efficiency, `seed ${i + 1}`).toBeGreaterThanOrEqual(0.88);
  });

  it('reads no request quota from a token 429 on a fixed window that none of our calls preceded', () => {
    const runs = Array.from({ length: 20 }, (_, i) => i * 300).flatMap((phaseMs) =>
      [1, 2].map((seed) =>
        simulate('adaptive', {
          ...base,
          ...tokensBind,
          tpm: 20_000,
          calls: 500,
          shape: 'fixed_window',
          phaseMs,
          seed,
        }),
      ),
    );
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    const above = runs.filter((r) => r.rateLimited / r.attempts > 0.03).length;
    console.log(
      `fixed window, 20k tokens, 500 calls, ${runs.length} runs: 429s ${(100 * share).toFixed(2)} %, ${above} runs above 3 %, efficiency ${Math.min(...runs.map((r) => r.efficiency)).toFixed(2)} at worst`,
    );
    expect(share).toBeLessThanOrEqual(0.025);
    expect(above).toBe(0);
  });

  it('takes no window length from a first 429 that came after a window of calls paced by OpenAI’s headers', () => {
    const runs = SEEDS.map((seed) =>
      simulate('adaptive', { ...base, calls: 1_000, shape: 'token_bucket', burst: 0.5, headers: true, seed }),
    );
    console.log(
      `token bucket ½, 60 rpm, OpenAI headers, 1 000 calls: efficiency ${runs.map((r) => r.efficiency.toFixed(2)).join(', ')}`,
    );
    for (const [i, r] of runs.entries()) expect(r.efficiency, `seed ${i + 1}`).toBeGreaterThanOrEqual(0.95);
  });

  /**
   * Calls that take an eighth of the window (8 s on a minute: a batch of 40 pages), on the
   * sliding window: the window fills only after five seconds, and the 429 that waits for the
   * run's first call — which reached the provider 80 ms after its stamp, the connection's
   * start-up — was read as a bucket's (a 16 ms wait), its rate as 12 calls a window of 60, and
   * the run went at a fifth of the quota to its end: 0.18–0.84 in four seeds of five, 0.38 and
   * 0.52 in two with OpenAI's headers.
   */
  for (const headers of [false, true]) {
    it(`paces a sliding window when each call takes an eighth of it${headers ? ', with OpenAI’s headers' : ''}`, () => {
      const runs = SEEDS.map((seed) =>
        simulate('adaptive', { ...base, calls: 1_000, medianMs: 800, headers, seed }),
      );
      const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
      console.log(
        `sliding, 60 rpm, calls of 800 ms${headers ? ', headers' : ''}: efficiency ${runs.map((r) => r.efficiency.toFixed(2)).join(', ')}, 429s ${(100 * share).toFixed(2)} %`,
      );
      for (const [i, r] of runs.entries()) expect(r.efficiency, `seed ${i + 1}`).toBeGreaterThanOrEqual(0.95);
      expect(share).toBeLessThanOrEqual(0.02);
    });
  }

  /**
   * Calls of 300 ms on a token bucket: the gate lets several calls go at one instant, and the
   * bucket sees them in any order. Two 429s with no call admitted between them read the rate from
   * the refill alone — but a call sent at the first one's own instant, and still out, may have
   * reached the bucket after it and taken from the refill: read as if nothing went between, 40k a
   * minute came out at 4,777 (a half bucket, seed 2: 0.12 of the ideal to the end of the run; 20k
   * on a whole one, seed 1: 0.50). Such a call now counts as sent near the anchor, as one a
   * millisecond apart did.
   */
  it('reads no bucket rate from refill alone when a call went at a 429’s own instant', () => {
    const runs = [
      { tpm: 40_000, burst: 0.5 },
      { tpm: 20_000, burst: 1, calls: 500 },
    ].flatMap((quota) =>
      [1, 2, 3].map((seed) =>
        simulate('adaptive', {
          ...base,
          ...tokensBind,
          calls: 1_000,
          ...quota,
          shape: 'token_bucket',
          medianMs: 300,
          seed,
        }),
      ),
    );
    console.log(
      `token bucket, calls of 300 ms: efficiency ${runs.map((r) => r.efficiency.toFixed(2)).join(', ')}`,
    );
    for (const r of runs) expect(r.efficiency).toBeGreaterThanOrEqual(0.9);
  });

  /**
   * Calls of 800 ms on a fixed window whose boundary falls 200–600 ms after the run's first calls.
   * The first 429 frees room on that boundary, which a sliding window explains too if the first
   * calls, sent together at the start, reached the provider that much late (a connection's
   * start-up); its first count over (t − W, t] then holds the window before's calls as well: 18
   * for a fixed 15, 26.5k for 20k tokens. Kept as a peak, the fixed window's count read as a drop
   * from it, and a trial went back to it each window, a 429 each, to the end of the run (11–20
   * 429s of ~310 at 15 requests, 46–51 of ~510 at 20k tokens). A count that rests on that
   * lateness now keeps what the window held for certain as well, and the peak falls to it once
   * the window proves fixed: 4.85 % → 2.60 % at 15 requests (at most 20 a run → 13), 6.77 % →
   * 1.99 % at 20k tokens (51 → 15). What the trials back to the phantom peak bought is gone too:
   * the call that might still fit in each window's last slack (20k tokens: 0.983 → 0.973 of the
   * ideal). Left: at 600 ms, seed 2, a call started 27 ms before the boundary passes for the one
   * a sliding window frees (a hint in whole tens of ms may be rounded), so the first count is no
   * assumption, and the gate's calls at each boundary then leave a sliding window just as a fixed
   * one resets: a trial back to that count each window (13 429s, 0.87).
   */
  for (const [name, quota] of [
    ['15 requests', { rpm: 15, calls: 300 }],
    ['20k tokens', { ...tokensBind, tpm: 20_000, calls: 500 }],
  ] as const) {
    it(`takes no peak from a first count that held the window before's calls: fixed window, ${name}, calls of 800 ms`, () => {
      const runs = [200, 250, 300, 400, 500, 600].flatMap((phaseMs) =>
        [1, 2, 3].map((seed) =>
          simulate('adaptive', { ...base, ...quota, shape: 'fixed_window', medianMs: 800, phaseMs, seed }),
        ),
      );
      const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
      const efficiency = runs.reduce((n, r) => n + r.efficiency, 0) / runs.length;
      console.log(
        `fixed window, ${name}, calls of 800 ms, 18 runs: efficiency ${efficiency.toFixed(3)}, 429s ${(100 * share).toFixed(2)} %, at most ${Math.max(...runs.map((r) => r.rateLimited))} a run`,
      );
      expect(share).toBeLessThanOrEqual(0.03);
      expect(efficiency).toBeGreaterThanOrEqual(0.95);
    });
  }

  /**
   * Calls of 800 ms on a fixed window of 30 requests: the first window fills slowly, and the
   * first 429 waits for the boundary 8.1 s after the first call. That a − s₀ was kept as a rival
   * sliding window of 8.1 s, and the gate let calls go only when both had room: 30 calls per
   * 8.1 s to the end of the run (0.65–0.83 in 15 of 60 runs). A rival, like an overturn, is now a
   * window shorter than the named unit.
   */
  it('takes no rival window longer than the minute the 429s name', () => {
    const runs = [1_800, 2_100, 2_400].flatMap((phaseMs) =>
      [1, 2].map((seed) =>
        simulate('adaptive', {
          ...base,
          rpm: 30,
          calls: 600,
          medianMs: 800,
          shape: 'fixed_window',
          phaseMs,
          seed,
        }),
      ),
    );
    console.log(
      `fixed window, 30 rpm, calls of 800 ms: efficiency ${runs.map((r) => r.efficiency.toFixed(2)).join(', ')}`,
    );
    for (const r of runs) expect(r.efficiency).toBeGreaterThanOrEqual(0.95);
  });

  it('finds a quota that halves and comes back within two windows of each change', () => {
    const name = 'schedule: 60 → 30 → 60 rpm';
    const r = results.get(name)?.adaptive;
    expect(r?.efficiency, name).toBeGreaterThanOrEqual(0.95);
  });

  /**
   * Where the drop and the return fall is the other service's clock, not the run's: the row above
   * puts them at one phase (a third and two thirds of the nominal run), where the trial back to
   * the peak, half a window after the drop's count, comes 2 s after the return. Moved over six
   * drops and four lengths (a run 30 calls longer per window of drop, so as much work is left
   * after the return), the mean is 0.89 and 89 of 120 runs stay below 0.95: the return is found up
   * to about a window late (within the two), at half the rate meanwhile, and on a run
   * of three or four windows that, and the calls it leaves for one more window, is most of the
   * loss. A trial sooner finds it sooner and pays a 429 each time the quota is still low: no cadence
   * measured reached 0.95 here (0.921 at best, docs/quota.md), and each that came closer cost
   * 429s or another row. Held to
   * what it reaches (0.892, 2.32 % 429s); the target is 0.95 and 2 %.
   */
  it('finds a quota that halves and comes back, averaged over where the drop and the return fall', () => {
    const runs = [4_000, 5_000, 6_000, 6_667, 7_500, 8_500].flatMap((dropMs) =>
      [4_000, 6_667, 9_000, 12_000].flatMap((lowMs) =>
        SEEDS.map((seed) =>
          simulate('adaptive', {
            ...base,
            calls: 200 + Math.round((lowMs / 6_000) * 30),
            schedule: [
              { atMs: dropMs, rpm: 30 },
              { atMs: dropMs + lowMs, rpm: 60 },
            ],
            seed,
          }),
        ),
      ),
    );
    const efficiency = runs.reduce((n, r) => n + r.efficiency, 0) / runs.length;
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    console.log(
      `schedule 60 → 30 → 60 rpm, ${runs.length} runs over where the drop and the return fall: efficiency ${efficiency.toFixed(3)}, worst ${Math.min(...runs.map((r) => r.efficiency)).toFixed(2)}, ${runs.filter((r) => r.efficiency < 0.95).length} below 0.95, 429s ${(100 * share).toFixed(2)} %`,
    );
    expect(efficiency).toBeGreaterThanOrEqual(0.885);
    expect(share).toBeLessThanOrEqual(0.024);
    expect(runs.reduce((n, r) => n + r.exhausted, 0)).toBe(0);
  });

  /**
   * The table's row with OpenAI's headers, the drop another service's use of the key: the limit the
   * headers report stays the key's (40 000), and only what is left shows the service stopping. With
   * the 429-learnt level still the dropped one, a trial back to the peak the window before the
   * return had failed, and the next went a window later: seed 1 found it 6 s late (0.911). What the
   * key has left and our calls it held (reported-quota.ts `keyLevel`) now ask at once.
   */
  it('finds a token quota’s return from what OpenAI reports left, the key’s limit unchanged', () => {
    const runs = SEEDS.map((seed) =>
      simulate('adaptive', {
        ...base,
        ...tokensBind,
        headers: true,
        schedule: [
          { atMs: 18_000, tpm: 20_000 },
          { atMs: 36_000, tpm: 40_000 },
        ],
        seed,
      }),
    );
    console.log(
      `schedule, tokens, OpenAI headers: efficiency ${runs.map((r) => r.efficiency.toFixed(3)).join(', ')}`,
    );
    for (const [i, r] of runs.entries()) expect(r.efficiency, `seed ${i + 1}`).toBeGreaterThanOrEqual(0.95);
  });

  /**
   * Another service on an OpenAI key takes 15–50 % of its tokens from 60 s, for five windows, for
   * fifteen or for good. The headers keep the key's limit and report what is left, so what the key
   * holds for us shows in every answer: while it shows no room past the level, a trial back to the
   * peak would only ask what the readings answer (one 429 a window while the drop lasts: 5.1 % for
   * good at half), and when it shows room again the trial goes at once.
   */
  it('asks no 429 a window whether a shared key came back while what OpenAI reports left shows it has not', () => {
    const runs = [20_000, 26_000, 30_000, 34_000].flatMap((low) =>
      [5, 15, 0].flatMap((windows) =>
        [1, 2, 3].map((seed) => {
          const returnAt = windows === 0 ? undefined : 60_000 + windows * 6_000;
          let foundAt = Number.POSITIVE_INFINITY;
          const r = simulate(
            'adaptive',
            {
              ...base,
              ...tokensBind,
              calls: 1_000,
              headers: true,
              schedule: [
                { atMs: 60_000, tpm: low },
                ...(returnAt === undefined ? [] : [{ atMs: returnAt, tpm: 40_000 }]),
              ],
              seed,
            },
            (line) => {
              const learnt = /^(\S+) learnt (.*)$/.exec(line);
              const at = Number(learnt?.[1]);
              const tokens =
                learnt === null ? undefined : (JSON.parse(learnt[2] ?? '{}') as { tokens?: number }).tokens;
              if (returnAt !== undefined && at > returnAt && (tokens ?? 0) >= 36_000)
                foundAt = Math.min(foundAt, at);
            },
          );
          return { run: `${low} for ${windows || 'good'}, seed ${seed}`, returnAt, foundAt, ...r };
        }),
      ),
    );
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    const mean = runs.reduce((n, r) => n + r.efficiency, 0) / runs.length;
    console.log(
      `shared OpenAI key, ${runs.length} runs: efficiency ${mean.toFixed(3)} (worst ${Math.min(...runs.map((r) => r.efficiency)).toFixed(3)}), 429s ${(100 * share).toFixed(2)} %`,
    );
    for (const r of runs) {
      expect(r.efficiency, r.run).toBeGreaterThanOrEqual(0.95);
      if (r.returnAt !== undefined) expect(r.foundAt - r.returnAt, r.run).toBeLessThanOrEqual(2 * 6_000);
    }
    expect(share).toBeLessThanOrEqual(0.01);
  });

  /**
   * A token quota that stays halved for fifteen windows of a run five times the rows' length (the
   * other service on the key runs a while): the trials back to the peak go a window apart while it
   * is low, and one of their 429s can read as a fixed window's — trials a window apart release on
   * the first 429's release plus whole windows — whose floor took the peak with it, so the return
   * was never tried (4 of these 20 runs at 0.63–0.66, the level left at half until the end). Every
   * run must find the return within two windows. A trial a window while the quota is low is what
   * that costs: 14–48 429s of ~1 030 calls, 2.7 % without OpenAI's headers and 2.5 % with them.
   */
  it('finds a token quota again within two windows of its return after fifteen windows at half', () => {
    const returnAt = 180_000;
    const runs = [false, true].flatMap((headers) =>
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => {
        let foundAt = Number.POSITIVE_INFINITY;
        const r = simulate(
          'adaptive',
          {
            ...base,
            ...tokensBind,
            calls: 1_000,
            headers,
            schedule: [
              { atMs: 90_000, tpm: 20_000 },
              { atMs: returnAt, tpm: 40_000 },
            ],
            seed,
          },
          (line) => {
            // "<now> learnt <json>": when the estimate is back near the peak.
            const learnt = /^(\S+) learnt (.*)$/.exec(line);
            const at = Number(learnt?.[1]);
            const tokens =
              learnt === null ? undefined : (JSON.parse(learnt[2] ?? '{}') as { tokens?: number }).tokens;
            if (at > returnAt && (tokens ?? 0) >= 36_000) foundAt = Math.min(foundAt, at);
          },
        );
        return { headers, seed, ...r, foundAfterMs: foundAt - returnAt };
      }),
    );
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    console.log(
      `tokens 40k → 20k for 15 windows → 40k, ${runs.length} runs: efficiency ${Math.min(...runs.map((r) => r.efficiency)).toFixed(2)} at worst, found again after ${Math.max(...runs.map((r) => r.foundAfterMs)).toFixed(0)} ms at worst, 429s ${(100 * share).toFixed(2)} %`,
    );
    for (const r of runs) {
      const run = `seed ${r.seed}${r.headers ? ', headers' : ''}`;
      expect(r.foundAfterMs, run).toBeLessThanOrEqual(2 * 6_000);
      expect(r.efficiency, run).toBeGreaterThanOrEqual(0.95);
    }
    expect(share).toBeLessThanOrEqual(0.03);
  });

  /**
   * The key's other user stops for good and OpenAI's headers report the token limit doubled: the
   * trial goes to the reported limit at once. It went nowhere while the 429s of the smaller quota
   * had put their ceiling within half a call of T̂ (no trial worth its 429): 3 of 5 seeds ran at
   * half the quota to the end (0.51–0.54).
   */
  it('takes up a token limit OpenAI reports doubled, past the ceiling the smaller quota’s 429s set', () => {
    const runs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) =>
      simulate('adaptive', {
        ...base,
        ...tokensBind,
        tpm: 20_000,
        calls: 1_000,
        headers: true,
        schedule: [{ atMs: 60_000, tpm: 40_000 }],
        seed,
      }),
    );
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    console.log(
      `tokens 20k → 40k reported, ${runs.length} runs: efficiency ${runs.map((r) => r.efficiency.toFixed(2)).join(', ')}, 429s ${(100 * share).toFixed(2)} %`,
    );
    for (const [i, r] of runs.entries()) expect(r.efficiency, `seed ${i + 1}`).toBeGreaterThanOrEqual(0.95);
    expect(share).toBeLessThanOrEqual(0.02);
  });

  /**
   * Without headers, nothing says a token quota grew: the 429s of the smaller one put their
   * ceiling within half a call of T̂, and no trial was worth its 429 again — 3 of 5 seeds ran at
   * half the quota to the end (0.51–0.53). After eight quiet windows a ceiling no longer bars a
   * trial past it (one 429 each time q windows pass, if the quota did not grow); kept, the gain
   * goes on a call a trial. Slower than where the provider reports its limit: q windows to the
   * first trial, a call each.
   */
  it('finds a token quota that grew past the ceiling its 429s set, without being told', () => {
    const runs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) =>
      simulate('adaptive', {
        ...base,
        ...tokensBind,
        tpm: 20_000,
        calls: 1_000,
        schedule: [{ atMs: 60_000, tpm: 40_000 }],
        seed,
      }),
    );
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    console.log(
      `tokens 20k → 40k untold, ${runs.length} runs: efficiency ${runs.map((r) => r.efficiency.toFixed(2)).join(', ')}, 429s ${(100 * share).toFixed(2)} %`,
    );
    for (const [i, r] of runs.entries()) expect(r.efficiency, `seed ${i + 1}`).toBeGreaterThanOrEqual(0.85);
    expect(share).toBeLessThanOrEqual(0.02);
  });

  /**
   * A request quota that doubles at a sixth of the run (the key's other user stops for good) and no
   * header says so: kept trials halve q, and from the second kept in a row the step doubles, so
   * 30 → 60 takes about log₂ 30 windows once the first trial is kept, and a step that overshoots is
   * searched back half way. Before, +1 a trial every q windows: 0.68 in every seed. What is left is
   * the wait for the first trial (q windows after the last 429, at most 8) and the search.
   */
  it('finds a request quota that doubled, without being told, by steps that double', () => {
    const runs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) =>
      simulate('adaptive', { ...base, rpm: 30, calls: 1_000, schedule: [{ atMs: 60_000, rpm: 60 }], seed }),
    );
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    console.log(
      `30 → 60 rpm untold, ${runs.length} runs: efficiency ${runs.map((r) => r.efficiency.toFixed(2)).join(', ')}, 429s ${(100 * share).toFixed(2)} %`,
    );
    for (const [i, r] of runs.entries()) expect(r.efficiency, `seed ${i + 1}`).toBeGreaterThanOrEqual(0.75);
    expect(share).toBeLessThanOrEqual(0.02);
  });
  /**
   * Another service on the key as calls of its own (model-quota.ts `other`), not as a lower limit:
   * 10k, 20k or 30k of 40k tokens a window from 60 s, for five windows, fifteen or for good; its
   * calls leave the window one by one, at moments none of ours explains, and it retries when the
   * window has room (its backlog follows). The ideal leaves it its share. A 429 freed by one of its
   * calls leaving had read as a bucket's wait, or a boundary's: the rate read from two of them
   * counted its calls as refill, and the runs went at 0.83–0.97. Where OpenAI's headers show a
   * sliding window, a 429 is now read as that window's.
   */
  it('keeps the sliding window OpenAI’s headers show when another service’s calls on the key free its room', () => {
    const runs = sharedKeyRuns(true);
    const mean = runs.reduce((n, r) => n + r.efficiency, 0) / runs.length;
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    console.log(
      `another service's calls on the key, OpenAI headers, ${runs.length} runs: efficiency ${mean.toFixed(3)} (worst ${Math.min(...runs.map((r) => r.efficiency)).toFixed(3)}), 429s ${(100 * share).toFixed(2)} %`,
    );
    for (const r of runs) expect(r.efficiency, r.run).toBeGreaterThanOrEqual(0.92);
    expect(mean).toBeGreaterThanOrEqual(0.97);
    // Its calls and ours meet at the window's room: 13 % of ours refused where it takes 30k for good.
    expect(share).toBeLessThanOrEqual(0.05);
  });
  /**
   * The same service on a key whose 429s carry no headers (Gemini's). A wait freed by its calls
   * leaving reads as a bucket's, and a rate read from two such 429s counts its calls as refill:
   * 2,260 tokens a window of 40,000, read as exact, whose ceiling barred every trial past it — one
   * run went at 0.08 of the ideal to the end, long after the service stopped. A ceiling that has
   * barred trials for eight quiet windows is stale, a rate's too: a trial goes half again past it,
   * and one that fails waits twice as long for the next (up to 64 windows). What the runs still pay
   * is the race for the window's room with a service that retries the moment it frees. (The test
   * below keeps such waits from being read as a bucket's at all; this rule is the backstop.)
   */
  it('tries a rate past its ceiling after eight quiet windows, so one misread from another service’s calls holds no run for good', () => {
    const runs = sharedKeyRunsWithoutHeaders();
    const mean = runs.reduce((n, r) => n + r.efficiency, 0) / runs.length;
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    console.log(
      `another service's calls on the key, no headers, ${runs.length} runs: efficiency ${mean.toFixed(3)} (worst ${Math.min(...runs.map((r) => r.efficiency)).toFixed(3)}), 429s ${(100 * share).toFixed(2)} %`,
    );
    for (const r of runs) expect(r.efficiency, r.run).toBeGreaterThanOrEqual(0.75);
    expect(mean).toBeGreaterThanOrEqual(0.85);
  });
  /**
   * Without headers, each 429 the service's calls caused switched the shape: a wait none of our
   * calls explains read as a boundary never seen, whose window's burst went at it and was refused
   * (8–9 429s at one instant), then a short one as a bucket's, kept to the run's end (0.88 of the
   * ideal, worst 0.77; returns found up to 82 s late). A wait only a sliding window explains —
   * longer than a bucket refills the call — proves one, and a later short wait is another user's
   * call leaving it; a boundary (or, before that proof, a bucket) read from one 429 paces with the
   * sliding window until a call proves it (unproven-shape.ts).
   */
  it('keeps a sliding window a long wait proved when another service’s calls on a key without headers free its room', () => {
    const runs = sharedKeyRunsWithoutHeaders();
    const mean = runs.reduce((n, r) => n + r.efficiency, 0) / runs.length;
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    for (const r of runs) expect(r.efficiency, r.run).toBeGreaterThanOrEqual(0.95);
    expect(mean).toBeGreaterThanOrEqual(0.97);
    // Their race for the window's room remains: 7 % of our calls refused, 10 % before.
    expect(share).toBeLessThanOrEqual(0.08);
  });
  /**
   * bench/quota's row 9 on the virtual clock: Gemini's key (no headers), another service's calls
   * taking 20k of its 40k tokens from a third of the run to two thirds, calls of ~1,790 tokens.
   * A boundary read from one of its 429s paced with the sliding window until a call proved it; but
   * while a trial back to the peak ran, the sliding window was asked at the trial's level, and at
   * the boundary 6–7 calls went at one instant, all refused (seed 1: the trial's probe out, 7 calls
   * let go 5 ms after it). Every call but the probe is paced at the level before the trial.
   */
  it('lets no burst past a trial’s probe go at a boundary that awaits its proof (bench row 9’s case, ten seeds)', () => {
    const nominal = (200 / 22) * 6_000;
    const other = { fromMs: Math.round(nominal / 3), toMs: Math.round((2 * nominal) / 3), tpm: 20_000 };
    const runs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => {
      const sentTogether = new Map<string, number>();
      const r = simulate(
        'adaptive',
        { ...base, ...tokensBind, tokensPerCall: 1_790, headers: false, other, seed },
        (line) => {
          const sent = / 429 sent (\S+)/.exec(line)?.[1];
          if (sent !== undefined) sentTogether.set(sent, (sentTogether.get(sent) ?? 0) + 1);
        },
      );
      return { ...r, seed, burst: Math.max(0, ...sentTogether.values()) };
    });
    const mean = runs.reduce((n, r) => n + r.efficiency, 0) / runs.length;
    const share = runs.reduce((n, r) => n + r.rateLimited, 0) / runs.reduce((n, r) => n + r.attempts, 0);
    console.log(
      `row 9's case, ${runs.length} seeds: efficiency ${mean.toFixed(3)}, 429s ${(100 * share).toFixed(2)} %, most refused at one instant ${runs.map((r) => r.burst).join(' ')}`,
    );
    // Before: 7 at one instant in six seeds of ten, 11.0 % refused. The bursts left (≤ 5) go with
    // the sliding window believed, a window after the other service began, as our calls of that
    // window leave it: the race for the room they free.
    for (const r of runs) expect(r.burst, `seed ${r.seed}`).toBeLessThanOrEqual(5);
    expect(share).toBeLessThanOrEqual(0.095);
    expect(mean).toBeGreaterThanOrEqual(0.92);
  });
  /**
   * A trial is kept when a window passes with the gate holding calls at its level. Paced at the
   * level before the trial, a window in doubt holds calls too — which says nothing of the trial's
   * level. Traced (30k of 40k taken for good from 60 s, OpenAI's headers, seed 4): a boundary read
   * at 66.9 s awaited its proof, a trial back to the peak (39,362) ran through a window with every
   * call but its probe held by the doubt, was kept, and at the next boundary six calls went at one
   * instant, all refused; 145 429s in the run, 106 when only a hold at the trial's level keeps it.
   */
  it('keeps no trial the window in doubt held below its level', () => {
    const other = { fromMs: 60_000, tpm: 30_000 };
    const r = simulate('adaptive', { ...base, ...tokensBind, calls: 1_000, headers: true, other, seed: 4 });
    expect(r.rateLimited).toBeLessThanOrEqual(115);
  });
});
