import { describe, expect, it } from 'vitest';
import { coldStartPart, type ColdStart } from '../../../src/router/sharing/cold-start-part.js';

/** The origin's limit (start 3, at most 10), three instances, nothing learnt, the first call just left. */
const cold = (over: Partial<ColdStart>): number =>
  coldStartPart({
    limit: 3,
    initial: 3,
    max: 10,
    instances: 3,
    known: false,
    firstCallAt: 0,
    now: 1_000,
    warmAfterMs: 60_000,
    ...over,
  });

describe('coldStartPart', () => {
  it('lets an instance alone on its key run its whole limit', () => {
    expect(cold({ instances: 1 })).toBe(3);
    expect(cold({ instances: 1, limit: 10 })).toBe(10);
  });

  it('splits the limit’s start among the instances on the key', () => {
    expect(cold({})).toBe(1);
    expect(cold({ instances: 2 })).toBe(2);
  });

  it('grows each part by one per answer of its own, so the group grows by one per answer', () => {
    // Two answers here: 5 − 3 + ⌈3 / 3⌉.
    expect(cold({ limit: 5 })).toBe(3);
  });

  it('stops the group’s calls out near one instance’s most, whatever each instance’s limit grew to', () => {
    // ⌈10 / 3⌉ each: 12 out for the group, where three whole limits would have 3 · 8.
    expect(cold({ limit: 10 })).toBe(4);
    expect(cold({ limit: 10, instances: 2 })).toBe(5);
  });

  it('never holds an instance below one call', () => {
    expect(cold({ limit: 1, instances: 5 })).toBe(1);
  });

  it('lets the whole limit through once the key’s quota is known', () => {
    expect(cold({ limit: 10, known: true })).toBe(10);
  });

  it('lets the whole limit through a minute after the first call when no quota was learnt by then', () => {
    expect(cold({ limit: 10, now: 59_999 })).toBe(4);
    expect(cold({ limit: 10, now: 60_000 })).toBe(10);
    // Before its first call, an instance is cold however long it has waited.
    expect(cold({ limit: 10, firstCallAt: undefined, now: 120_000 })).toBe(4);
  });
});
