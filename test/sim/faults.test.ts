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

describe('outageAt', () => {
  it('finds the outage in force, open-ended ones included', () => {
    const outages = [{ startMs: 100, endMs: 200 }, { startMs: 500 }];
    expect(outageAt(outages, 99)).toBeUndefined();
    expect(outageAt(outages, 100)).toEqual({ startMs: 100, endMs: 200 });
    expect(outageAt(outages, 200)).toBeUndefined();
    expect(outageAt(outages, 10_000)).toEqual({ startMs: 500 });
  });
});
