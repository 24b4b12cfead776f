import { describe, expect, it } from 'vitest';
import { keyLimits, limitsAt, nextChangeAfter } from '../../src/sim/quota-schedule.js';

const BASE = { rpm: 30, tpm: 10_000, windowMs: 6_000 };
const HALVED = [{ atMs: 10_000, rpm: 15, tpm: 5_000 }, { atMs: 20_000 }];

describe('limitsAt', () => {
  it('keeps the base before the first step, follows each step, and returns to the base', () => {
    expect(limitsAt(BASE, HALVED, 9_999)).toEqual(BASE);
    expect(limitsAt(BASE, HALVED, 10_000)).toEqual({ rpm: 15, tpm: 5_000, windowMs: 6_000 });
    expect(limitsAt(BASE, HALVED, 19_999)).toMatchObject({ rpm: 15 });
    expect(limitsAt(BASE, HALVED, 20_000)).toEqual(BASE);
  });

  it('takes a limit a step does not name from the base', () => {
    expect(limitsAt(BASE, [{ atMs: 0, rpm: 3 }], 5)).toEqual({ rpm: 3, tpm: 10_000, windowMs: 6_000 });
  });
});

describe('keyLimits', () => {
  it('reports the key’s limits while another service takes part of them, and a raised tier’s', () => {
    expect(keyLimits(BASE, limitsAt(BASE, HALVED, 10_000))).toEqual(BASE);
    expect(keyLimits(BASE, { rpm: 60, tpm: 4_000, windowMs: 6_000 })).toEqual({
      rpm: 60,
      tpm: 10_000,
      windowMs: 6_000,
    });
  });
});

describe('nextChangeAfter', () => {
  it('names the next step, and none after the last', () => {
    expect(nextChangeAfter(HALVED, 0)).toBe(10_000);
    expect(nextChangeAfter(HALVED, 10_000)).toBe(20_000);
    expect(nextChangeAfter(HALVED, 20_000)).toBeUndefined();
  });
});
