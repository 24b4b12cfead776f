import { describe, expect, it } from 'vitest';
import { WindowQuota } from '../../../src/router/policies/window-quota.js';

/** Ten calls admitted at 0, 100, …, 900 ms, each reporting 50 ms later. */
function tenCalls(wq: WindowQuota): void {
  for (let s = 0; s < 1_000; s += 100) wq.admitted(s, s + 50);
}

describe('WindowQuota', () => {
  it('holds nothing before a window-sized 429 taught it the quota', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    expect(wq.openAt(1_000, 50)).toBe(1_000);
    expect(wq.quota).toBeUndefined();
  });

  it('learns the window from the hint and the quota from the calls it admitted', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 9_000, true);
    expect(wq.windowMs).toBe(10_000);
    // Counted only once the pause is over, when the calls in flight at the 429 have reported.
    expect(wq.quota).toBeUndefined();
    expect(wq.openAt(10_000, 0)).toBe(10_000);
    expect(wq.quota).toBe(10);
  });

  it('holds a freed slot until enough admitted calls leave the window', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 9_000, true);
    wq.openAt(10_000, 0);
    // The call at 0 has left; 100 … 900 are in the window: one more fits, two do not.
    expect(wq.openAt(10_000, 0)).toBe(10_000);
    expect(wq.openAt(10_000, 1)).toBe(10_100);
    expect(wq.openAt(10_000, 3)).toBe(10_300);
  });

  it('counts only the window before the 429, whatever came earlier', () => {
    const wq = new WindowQuota(1_000);
    for (let s = 0; s < 3_000; s += 100) wq.admitted(s, s + 10);
    wq.refused(3_000, 2_000, true);
    wq.openAt(5_000, 0);
    // (2000, 3000] holds 2100 … 2900.
    expect(wq.quota).toBe(9);
  });

  it('tightens the window when a later hint shows it shorter (hints are rounded up)', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    // A hint rounded up: the true window is 10 s (the call at 0 leaves at 10 000), this says 10.6 s.
    wq.refused(1_000, 9_600, true);
    expect(wq.windowMs).toBe(10_600);
    // A quiet spell, then ten more calls from 20 000 and a precise hint: the oldest (20 000)
    // leaves in 9 s, so the window is 10 s.
    for (let s = 20_000; s < 21_000; s += 100) wq.admitted(s, s + 50);
    wq.refused(21_000, 9_000, true);
    expect(wq.windowMs).toBe(10_000);
  });

  it('never raises the quota on a recount: a 429 while pacing to R̂ means R̂ was too many', () => {
    const wq = new WindowQuota(1_000);
    for (let s = 0; s < 1_000; s += 100) wq.admitted(s, s + 10);
    wq.refused(950, 100, true);
    wq.openAt(1_050, 0);
    expect(wq.quota).toBe(10);
    for (let s = 1_050; s < 2_000; s += 50) wq.admitted(s, s + 10);
    wq.refused(2_000, 100, true);
    wq.openAt(2_100, 0);
    expect(wq.quota).toBe(9);
  });

  it('lowers the quota by one on a 429 that is not window-sized', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 9_000, true);
    wq.openAt(10_000, 0);
    wq.refused(10_050, 20, false);
    expect(wq.quota).toBe(9);
  });

  it('raises the quota by one after three quiet windows spent holding', () => {
    const wq = new WindowQuota(1_000);
    for (let s = 0; s < 1_000; s += 100) wq.admitted(s, s + 10);
    wq.refused(1_000, 10, true);
    wq.openAt(1_010, 0);
    // The call at 0 had left the window (t − W, t] = (0, 1000] when the 429 came.
    expect(wq.quota).toBe(9);
    // Keep the window full (and holding) for three more windows without a 429.
    for (let s = 1_010; s < 4_100; s += 100) {
      wq.admitted(s, s + 10);
      wq.openAt(s + 10, 5);
    }
    expect(wq.quota).toBe(10);
  });

  it('does not take a daily quota’s hint for a window', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 3_600_000, true);
    expect(wq.windowMs).toBeUndefined();
    expect(wq.openAt(3_601_000, 10)).toBe(3_601_000);
  });
});
