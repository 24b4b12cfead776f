import { describe, expect, it } from 'vitest';
import { MAX_WINDOW_MS, WindowLength } from '../../../src/router/policies/window-length.js';

describe('WindowLength', () => {
  it('learns the window from a hint: when the oldest call leaves, counted from its start', () => {
    const w = new WindowLength();
    expect(w.ms).toBeUndefined();
    w.refusedFull(1_000, 9_600, 500);
    expect(w.ms).toBe(10_100);
  });

  it('keeps the tightest of the windows later hints show (hints are rounded up)', () => {
    const w = new WindowLength();
    w.refusedFull(1_000, 9_600, 500);
    w.refusedFull(21_000, 9_000, 20_000);
    expect(w.ms).toBe(10_000);
    w.refusedFull(41_000, 9_900, 40_000);
    expect(w.ms).toBe(10_000);
  });

  it('does not take a daily quota’s hint for a window', () => {
    const w = new WindowLength();
    w.refusedFull(1_000, MAX_WINDOW_MS + 1, 0);
    expect(w.ms).toBeUndefined();
  });

  it('lengthens the window by a refusal at its edge: a quarter to half a second of a minute', () => {
    const w = new WindowLength(60_000);
    w.refusedAtEdge(300);
    expect(w.ms).toBe(60_300);
    w.refusedAtEdge(5_000);
    expect(w.ms).toBeCloseTo(60_300 + 60_300 / 120);
    const v = new WindowLength(60_000);
    v.refusedAtEdge(2);
    expect(v.ms).toBe(60_250);
  });
});
