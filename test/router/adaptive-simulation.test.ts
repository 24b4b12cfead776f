import { describe, expect, it } from 'vitest';
import type { ConcurrencyPolicyName } from '../../src/router/concurrency-policies.js';
import { simulate, type Scenario } from './quota-simulation.js';

/**
 * The three policies against quotas they are not told, on a virtual clock (quota-simulation.ts).
 * Five seeds each; the table is printed so a change in tuning shows its cost.
 */
const base: Scenario = {
  calls: 300,
  tokensPerCall: 1_500,
  rpm: 60,
  tpm: 1e12,
  windowMs: 60_000,
  providerConcurrency: Number.POSITIVE_INFINITY,
  medianMs: 1_000,
  initial: 3,
  max: 10,
  seed: 1,
};

const SCENARIOS: Record<string, Partial<Scenario>> = {
  '60 rpm, 1 s, 300 calls': {},
  '60 rpm, 1 s, 100 calls': { calls: 100 },
  '300 rpm, 1 s, 600 calls': { rpm: 300, calls: 600 },
  '120 rpm, 3 s, 300 calls': { rpm: 120, medianMs: 3_000 },
  'tokens bind (30 calls/min)': { rpm: 1_000, tpm: 45_000, calls: 100 },
  'time ×0.1: 60 rpm, 200 calls': { calls: 200, windowMs: 6_000, medianMs: 100, refusalLatencyMs: 2 },
  'time ×0.1: tokens bind': {
    calls: 200,
    rpm: 200,
    tpm: 40_000,
    windowMs: 6_000,
    medianMs: 100,
    refusalLatencyMs: 2,
  },
  'time ×0.1: tokens bind, sizes vary': {
    calls: 200,
    rpm: 200,
    tpm: 40_000,
    windowMs: 6_000,
    medianMs: 100,
    refusalLatencyMs: 2,
    tokensPerCall: 1_800,
    tokenSpread: 0.35,
  },
  '×0.1, minute named: tokens vary': {
    calls: 200,
    rpm: 200,
    tpm: 40_000,
    windowMs: 6_000,
    medianMs: 100,
    refusalLatencyMs: 2,
    tokensPerCall: 1_800,
    tokenSpread: 0.35,
    namesMinute: true,
  },
  '×0.1, minute named: 60 rpm': {
    calls: 200,
    windowMs: 6_000,
    medianMs: 100,
    refusalLatencyMs: 2,
    namesMinute: true,
  },
  'no quota binds': { rpm: 1e9, calls: 200 },
  'provider caps 4 in flight': { rpm: 1e9, providerConcurrency: 4, calls: 200 },
};

const POLICIES: ConcurrencyPolicyName[] = ['fixed', 'seed', 'adaptive'];
const SEEDS = [1, 2, 3, 4, 5];

interface Row {
  efficiency: number;
  vsPaced: number;
  rateLimitedShare: number;
  exhausted: number;
}

function measure(policy: ConcurrencyPolicyName, scenario: Partial<Scenario>): Row {
  const runs = SEEDS.map((seed) => simulate(policy, { ...base, ...scenario, seed }));
  const attempts = runs.reduce((n, r) => n + r.attempts, 0);
  return {
    efficiency: runs.reduce((n, r) => n + r.efficiency, 0) / runs.length,
    vsPaced: runs.reduce((n, r) => n + r.pacedMs / r.wallMs, 0) / runs.length,
    rateLimitedShare: runs.reduce((n, r) => n + r.rateLimited, 0) / attempts,
    exhausted: runs.reduce((n, r) => n + r.exhausted, 0),
  };
}

const results = new Map<string, Record<ConcurrencyPolicyName, Row>>();
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  const row = Object.fromEntries(POLICIES.map((p) => [p, measure(p, scenario)])) as Record<
    ConcurrencyPolicyName,
    Row
  >;
  results.set(name, row);
}

function table(): string {
  const lines = [`${'scenario'.padEnd(36)}policy    efficiency  vs-paced  429-share  exhausted`];
  for (const [name, row] of results) {
    for (const p of POLICIES) {
      const r = row[p];
      const paced = Number.isFinite(r.vsPaced) && r.vsPaced > 0.001 ? r.vsPaced.toFixed(2) : '   -';
      lines.push(
        `${name.padEnd(36)}${p.padEnd(10)}${r.efficiency.toFixed(3).padStart(10)}${paced.padStart(10)}${(r.rateLimitedShare * 100).toFixed(1).padStart(10)}%${String(r.exhausted).padStart(10)}`,
      );
    }
  }
  return lines.join('\n');
}

function row(name: string): Record<ConcurrencyPolicyName, Row> {
  const r = results.get(name);
  if (r === undefined) throw new Error(`no scenario ${name}`);
  return r;
}

describe('adaptive concurrency against an unknown quota (simulation)', () => {
  it('prints the comparison', () => {
    console.log(`\n${table()}\n(efficiency = oracle time ÷ wall time, mean of ${SEEDS.length} seeds)`);
    expect(results.size).toBe(Object.keys(SCENARIOS).length);
  });

  it('runs near the quota with few 429s at 60 requests/min and 1 s latency', () => {
    const { adaptive } = row('60 rpm, 1 s, 300 calls');
    expect(adaptive.efficiency).toBeGreaterThanOrEqual(0.88);
    expect(adaptive.rateLimitedShare).toBeLessThanOrEqual(0.02);
  });

  it('does as well when the bench compresses time (the window is learnt, not assumed)', () => {
    const { adaptive } = row('time ×0.1: 60 rpm, 200 calls');
    expect(adaptive.efficiency).toBeGreaterThanOrEqual(0.9);
    expect(adaptive.rateLimitedShare).toBeLessThanOrEqual(0.02);
  });

  it('stays efficient in every scenario, never loses a call, and keeps 429s rare', () => {
    for (const [name, r] of results) {
      expect(r.adaptive.efficiency, name).toBeGreaterThanOrEqual(0.85);
      expect(r.adaptive.rateLimitedShare, name).toBeLessThanOrEqual(0.025);
      expect(r.adaptive.exhausted, name).toBe(0);
    }
  });

  it('is at least as fast as the origin document’s rule everywhere', () => {
    for (const [name, r] of results)
      expect(r.adaptive.efficiency, name).toBeGreaterThanOrEqual(r.seed.efficiency);
  });

  it('draws far fewer 429s than a fixed limit where the quota binds, at about its speed', () => {
    for (const name of [
      '60 rpm, 1 s, 300 calls',
      'tokens bind (30 calls/min)',
      'time ×0.1: tokens bind',
      'time ×0.1: tokens bind, sizes vary',
    ]) {
      const r = row(name);
      expect(r.adaptive.rateLimitedShare, name).toBeLessThan(r.fixed.rateLimitedShare / 3);
      expect(r.adaptive.efficiency, name).toBeGreaterThanOrEqual(r.fixed.efficiency - 0.02);
    }
  });

  it('holds the token rows where they were before the limit and its pacer were split', () => {
    // A 429 after a kept trial gain once lowered the count below what the window had admitted.
    // Sizes vary: 0.985 until 429s were matched to their own call's estimate (not the smallest of
    // those sent at one instant); now 0.967, one seed of five (0.891) paying a window's wait at
    // the run's end. Over 40 seeds 0.981 → 0.978, 429s 1.25 → 1.31 %.
    expect(row('time ×0.1: tokens bind, sizes vary').adaptive.efficiency).toBeGreaterThanOrEqual(0.96);
    expect(row('time ×0.1: tokens bind').adaptive.efficiency).toBeGreaterThanOrEqual(0.985);
  });

  it('climbs to the maximum when nothing pushes back, where fixed and seed stay at 3', () => {
    const r = row('no quota binds');
    expect(r.adaptive.efficiency).toBeGreaterThanOrEqual(0.9);
    expect(r.adaptive.efficiency).toBeGreaterThan(2 * r.fixed.efficiency);
  });
});
