import { describe, expect, it } from 'vitest';
import { LaggedFraction, RISE_DELAY_MS } from '../../../src/router/sharing/lagged-fraction.js';

describe('LaggedFraction', () => {
  it('takes a fall of the fraction at once', () => {
    const f = new LaggedFraction();
    expect(f.at(0, 0.5)).toBe(0.5);
    expect(f.at(10, 0.25)).toBe(0.25);
  });

  it('takes a rise only once it held for RISE_DELAY_MS', () => {
    const f = new LaggedFraction();
    expect(f.at(0, 1 / 3)).toBe(1 / 3);
    expect(f.at(100, 0.5)).toBe(1 / 3);
    expect(f.at(RISE_DELAY_MS, 0.5)).toBe(1 / 3);
    expect(f.at(RISE_DELAY_MS + 1, 0.5)).toBe(0.5);
  });

  it('keeps the least of the last RISE_DELAY_MS, not the oldest', () => {
    const f = new LaggedFraction();
    f.at(0, 0.5);
    f.at(400, 0.2);
    expect(f.at(1_200, 0.5)).toBe(0.2);
    expect(f.at(1_401, 0.5)).toBe(0.5);
  });
});
