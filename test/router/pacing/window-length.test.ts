import { describe, expect, it } from 'vitest';
import { MAX_WINDOW_MS, WindowLength } from '../../../src/router/pacing/window-length.js';

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

  it('takes a named minute for the window, with a tenth of a second of it for our send', () => {
    const w = new WindowLength();
    w.named(6_000);
    expect(w.isNamed).toBe(true);
    expect(w.ms).toBe(6_010);
    // Hints rounded up (or counted from a late send) no longer move a documented window.
    w.refusedFull(1_000, 5_700, 500);
    w.refusedFull(1_000, 5_000, 500);
    expect(w.ms).toBe(6_010);
  });

  it('widens a named window only by the lag a refusal at its edge showed, to half a second of a minute', () => {
    const w = new WindowLength();
    w.named(60_000);
    w.refusedAtEdge(7);
    expect(w.ms).toBe(60_107);
    w.refusedAtEdge(5_000);
    expect(w.ms).toBe(60_357);
    w.refusedAtEdge(5_000);
    expect(w.ms).toBe(60_500);
  });
});
