import { describe, expect, it } from 'vitest';
import { drawFault, malform, misattribute, outageAt, truncate } from '../../src/sim/faults.js';
import { seededRandom } from '../../src/gen/random.js';
import { parseScenario } from '../../src/sim/scenario.js';

const entries = [
  { id: 'a', tags: ['kafka'] },
  { id: 'b', tags: ['security'] },
  { id: 'c', tags: ['onboarding'] },
];

describe('misattribute', () => {
  it('gets the answer wrong in each of the four ways, picked from the seed', () => {
    const random = seededRandom(11);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const { entries: out, how } = misattribute(entries, random);
      seen.add(how);
      const ids = out.map((e) => e.id);
      if (how === 'swap') {
        expect(ids).toEqual(['a', 'b', 'c']);
        expect(out.filter((e, j) => e.tags !== entries[j]?.tags)).toHaveLength(2);
      }
      if (how === 'drop') expect(out).toHaveLength(2);
      if (how === 'duplicate') expect(new Set(ids).size).toBe(3);
      if (how === 'duplicate') expect(ids).toHaveLength(4);
      if (how === 'invent') expect(ids.filter((id) => !['a', 'b', 'c'].includes(id))).toHaveLength(1);
    }
    expect([...seen].sort()).toEqual(['drop', 'duplicate', 'invent', 'swap']);
  });

  it('never swaps a single page with itself', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 50; i += 1) {
      expect(misattribute([{ id: 'a', tags: ['x'] }], random).how).not.toBe('swap');
    }
  });

  it('leaves the answer it was given untouched', () => {
    const before = JSON.stringify(entries);
    misattribute(entries, seededRandom(1));
    expect(JSON.stringify(entries)).toBe(before);
  });
});

describe('malform and truncate', () => {
  const json = JSON.stringify({ pages: entries });

  it('make text that JSON.parse rejects, even after cutting out the braces', () => {
    const bad = malform(json);
    expect(() => JSON.parse(bad)).toThrow();
    expect(() => JSON.parse(bad.slice(bad.indexOf('{')))).toThrow();
    expect(() => JSON.parse(truncate(json))).toThrow();
    expect(json.startsWith(truncate(json))).toBe(true);
  });
});

describe('drawFault', () => {
  it('blocks a page carrying the safety marker and draws nothing without rates', () => {
    const { faults } = parseScenario({}).gemini;
    let draws = 0;
    const random = () => {
      draws += 1;
      return 0;
    };
    expect(drawFault(faults, [{ id: 'a', title: 't', text: 'x SIM_UNSAFE y' }], random)).toEqual({
      kind: 'safety',
    });
    expect(drawFault(faults, [{ id: 'a', title: 't', text: 'fine' }], random)).toBeUndefined();
    expect(draws).toBe(0);
  });

  it('strikes each fault at about its rate', () => {
    const { faults } = parseScenario({ gemini: { faults: { errorRate: 0.2 } } }).gemini;
    const random = seededRandom(42);
    let errors = 0;
    for (let i = 0; i < 5_000; i += 1)
      if (drawFault(faults, [], random)?.kind === 'server_error') errors += 1;
    expect(errors / 5_000).toBeGreaterThan(0.17);
    expect(errors / 5_000).toBeLessThan(0.23);
  });
});

describe('drawFault, with rates that grow with the batch', () => {
  const pagesOf = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: `p${i}`, title: 't', text: 'x' }));
  const rate = (draw: () => string | undefined, kind: string, n = 20_000): number => {
    let hits = 0;
    for (let i = 0; i < n; i += 1) if (draw() === kind) hits += 1;
    return hits / n;
  };

  it('mis-attributes a batch more often the more pages it holds', () => {
    const { faults } = parseScenario({
      gemini: { faults: { misattributionRate: 0.01, misattributionRatePerPage: 0.001 } },
    }).gemini;
    const random = seededRandom(7);
    const one = rate(() => drawFault(faults, pagesOf(1), random)?.kind, 'misattributed');
    const forty = rate(() => drawFault(faults, pagesOf(40), random)?.kind, 'misattributed');
    // 0.01 for one page; 0.01 + 39 · 0.001 = 0.049 for forty.
    expect(one).toBeGreaterThan(0.007);
    expect(one).toBeLessThan(0.013);
    expect(forty).toBeGreaterThan(0.043);
    expect(forty).toBeLessThan(0.055);
  });

  it('truncates a longer answer more often, and never past certainty', () => {
    const { faults } = parseScenario({
      gemini: { faults: { truncatedRate: 0.002, truncatedRatePer1kOutputTokens: 0.01 } },
    }).gemini;
    const random = seededRandom(9);
    const short = rate(() => drawFault(faults, pagesOf(5), random, 80)?.kind, 'truncated');
    const long = rate(() => drawFault(faults, pagesOf(5), random, 4_000)?.kind, 'truncated');
    // 0.002 + 0.0008 ≈ 0.003 for 80 tokens; 0.002 + 0.04 = 0.042 for 4,000.
    expect(short).toBeLessThan(0.006);
    expect(long).toBeGreaterThan(0.036);
    expect(long).toBeLessThan(0.048);
    const capped = parseScenario({ gemini: { faults: { truncatedRatePer1kOutputTokens: 1 } } }).gemini.faults;
    expect(drawFault(capped, pagesOf(1), () => 0.999, 5_000)?.kind).toBe('truncated');
  });
});

describe('outageAt', () => {
  it('finds the outage in force, open-ended ones included', () => {
    const outages = [{ startMs: 100, endMs: 200 }, { startMs: 500 }];
    expect(outageAt(outages, 99)).toBeUndefined();
    expect(outageAt(outages, 100)).toEqual({ startMs: 100, endMs: 200 });
    expect(outageAt(outages, 200)).toBeUndefined();
    expect(outageAt(outages, 10_000)).toEqual({ startMs: 500 });
  });
});
