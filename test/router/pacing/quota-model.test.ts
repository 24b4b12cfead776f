import { describe, expect, it } from 'vitest';
import { QuotaModel as WindowQuota } from '../../../src/router/pacing/quota-model.js';

// These cases meter one sliding window (quota-model.ts's unnamed path, and the minute a 429 names);
// the other shapes have their own cases below.

/** Ten calls of `cost` tokens (estimated alike) started at 0, 100, …, 900 ms, each answered 50 ms later. */
function tenCalls(wq: WindowQuota, cost = 100, from = 0): void {
  for (let s = from; s < from + 1_000; s += 100) {
    wq.started(s, cost);
    wq.admitted(s, s + 50, cost);
  }
}

describe('QuotaModel', () => {
  it('holds nothing before a window-sized 429 taught it a quota', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    expect(wq.openAt(1_000, 100)).toBe(1_000);
    expect(wq.requests).toBeUndefined();
    expect(wq.tokens).toBeUndefined();
  });

  it('learns the window from the hint and the request quota from the calls it admitted', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 9_000, true, 'requests');
    expect(wq.windowMs).toBe(10_000);
    // Counted only once the pause is over, when the calls in flight at the 429 have reported.
    expect(wq.requests).toBeUndefined();
    expect(wq.openAt(10_000, 100)).toBe(10_000);
    expect(wq.requests).toBe(10);
    expect(wq.tokens).toBeUndefined();
  });

  it('waits for the calls in flight at the 429 before counting its window', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.started(950, 100);
    wq.started(1_000, 100);
    wq.refused(1_000, 9_000, true, 'requests', 1_000);
    wq.openAt(10_000, 100);
    expect(wq.requests).toBeUndefined();
    wq.admitted(950, 10_010, 100);
    expect(wq.requests).toBe(11);
  });

  it('holds a call until enough admitted calls leave the window, counting the calls in flight', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 9_000, true, 'requests');
    wq.openAt(10_000, 100);
    // The call at 0 has left; 100 … 900 are in the window: one more fits, a second must wait for 100.
    expect(wq.openAt(10_000, 100)).toBe(10_000);
    wq.started(10_000, 100);
    expect(wq.openAt(10_000, 100)).toBe(10_100);
    wq.started(10_000, 100);
    wq.started(10_000, 100);
    expect(wq.openAt(10_000, 100)).toBe(10_300);
  });

  it('learns a token quota when the 429 names tokens, and sizes each call by its estimate', () => {
    const wq = new WindowQuota();
    tenCalls(wq, 400);
    wq.refused(1_000, 9_000, true, 'tokens');
    expect(wq.openAt(10_000, 400)).toBe(10_000);
    expect(wq.tokens).toBe(4_000);
    expect(wq.requests).toBeUndefined();
    // 3 600 tokens in the window: a call of 400 fits now, one of 1 000 once two more calls left.
    expect(wq.openAt(10_000, 1_000)).toBe(10_200);
    wq.started(10_000, 400);
    expect(wq.openAt(10_000, 400)).toBe(10_100);
  });

  it('costs a call at what answers have cost per estimated token (the tokenizer, the answer)', () => {
    const wq = new WindowQuota();
    // Estimated at 100, reported at 150 (input and output): every estimate counts one and a half.
    for (let s = 0; s < 1_000; s += 100) {
      wq.started(s, 100);
      wq.admitted(s, s + 50, 150);
    }
    expect(wq.costPerEstimatedToken).toBe(1.5);
    wq.refused(1_000, 9_000, true, 'tokens');
    wq.openAt(10_000, 100);
    expect(wq.tokens).toBe(1_500);
    // 1 350 in the window: 100 estimated = 150, which fits; 200 estimated = 300 waits for one more.
    expect(wq.openAt(10_000, 100)).toBe(10_000);
    expect(wq.openAt(10_000, 200)).toBe(10_100);
  });

  it('counts only the window before the 429, whatever came earlier', () => {
    const wq = new WindowQuota(1_000);
    for (let s = 0; s < 3_000; s += 100) {
      wq.started(s, 10);
      wq.admitted(s, s + 10, 10);
    }
    wq.refused(3_000, 2_000, true);
    wq.openAt(5_000, 10);
    // (2000, 3000] holds 2100 … 2900.
    expect(wq.requests).toBe(9);
  });

  it('tightens the window when a later hint shows it shorter (hints are rounded up)', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    // A hint rounded up: the true window is 10 s (the call at 0 leaves at 10 000), this says 10.6 s.
    wq.refused(1_000, 9_600, true);
    expect(wq.windowMs).toBe(10_600);
    // A quiet spell, then ten more calls from 20 000 and a precise hint: the oldest (20 000)
    // leaves in 9 s, so the window is 10 s.
    tenCalls(wq, 100, 20_000);
    wq.refused(21_000, 9_000, true);
    expect(wq.windowMs).toBe(10_000);
  });

  it('never raises a quota on a recount: a 429 while pacing to it means it was too many', () => {
    const wq = new WindowQuota(1_000);
    for (let s = 0; s < 1_000; s += 100) wq.admitted(s, s + 10, 10);
    wq.refused(950, 100, true);
    wq.openAt(1_050, 10);
    expect(wq.requests).toBe(10);
    for (let s = 1_050; s < 2_000; s += 50) wq.admitted(s, s + 10, 10);
    wq.refused(2_000, 100, true);
    wq.openAt(2_100, 10);
    expect(wq.requests).toBe(9);
  });

  it('takes a momentary refusal of a call let go as a window hold ended for news about the window', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 9_000, true, 'requests');
    wq.openAt(10_000, 100);
    wq.started(10_000, 100);
    expect(wq.openAt(10_000, 100)).toBe(10_100);
    // Let go at 10 100, when the call at 100 should have left; it had not, for 30 ms more.
    wq.started(10_100, 100);
    expect(wq.refused(10_105, 30, false, 'requests', 10_100)).toBe('window_edge');
    // Lengthened by the 30 ms, or a quarter of a second of a minute (10 000 / 240) if more.
    expect(wq.windowMs).toBeCloseTo(10_000 + 10_000 / 240);
    expect(wq.requests).toBe(10);
  });

  it('takes even a long refusal of a call let go at the edge for news about the window, within limits', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 9_000, true, 'requests');
    wq.openAt(10_000, 100);
    wq.started(10_000, 100);
    expect(wq.openAt(10_000, 100)).toBe(10_100);
    wq.started(10_100, 100);
    expect(wq.refused(10_105, 5_000, true, 'requests', 10_100)).toBe('window_edge');
    expect(wq.windowMs).toBeCloseTo(10_000 + 10_000 / 120);
    expect(wq.requests).toBe(10);
  });

  it('lowers a recounted quota by two calls at most: a window that looks half empty is more likely late sends', () => {
    const wq = new WindowQuota(1_000);
    for (let s = 0; s < 1_000; s += 100) wq.admitted(s, s + 10, 10);
    wq.refused(950, 100, true);
    wq.openAt(1_050, 10);
    expect(wq.requests).toBe(10);
    // Refused again with only three calls in the window by our count.
    for (const s of [1_700, 1_800, 1_900]) wq.admitted(s, s + 10, 10);
    wq.refused(2_000, 100, true);
    wq.openAt(2_100, 10);
    expect(wq.requests).toBe(8);
  });

  it('drops what trials gained when a later hint shows the window shorter than it counted with', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    // Rounded up: a window of 10.6 s, and a quota of 10 (the first count is exact).
    wq.refused(1_000, 9_600, true);
    wq.openAt(10_600, 100);
    expect(wq.requests).toBe(10);
    let s = 10_600;
    for (; (wq.requests ?? 0) < 12 && s < 80_000; s += 100) {
      wq.started(s, 100);
      wq.admitted(s, s + 10, 100);
      wq.openAt(s + 10, 100);
    }
    expect(wq.requests).toBe(12);
    // A quiet spell, ten calls, and a precise hint: the window is 10 s. The trials kept under
    // 10.6 s go; the count stands.
    const from = s + 20_000;
    tenCalls(wq, 100, from);
    wq.refused(from + 1_000, 9_000, true, 'requests');
    expect(wq.windowMs).toBe(10_000);
    expect(wq.requests).toBe(10);
  });

  it('takes a window-sized 429 after a kept trial gain back to the count, without lowering the count too', () => {
    const wq = new WindowQuota(1_000);
    for (let s = 0; s < 1_000; s += 100) wq.admitted(s, s + 10, 10);
    wq.refused(950, 100, true);
    wq.openAt(1_050, 10);
    expect(wq.requests).toBe(10);
    // Held at 10 for three quiet windows, then one more is tried and kept a window.
    let s = 1_050;
    for (; (wq.requests ?? 0) < 11 && s < 10_000; s += 90) {
      wq.admitted(s, s + 10, 10);
      wq.openAt(s + 10, 10);
    }
    const trialAt = s;
    for (; s < trialAt + 300; s += 90) {
      wq.admitted(s, s + 10, 10);
      wq.openAt(s + 10, 10);
    }
    // Then a pause longer than the window, and fewer calls than either level: the trial, held
    // at, is kept, and no other starts (the gate held nothing for a window).
    for (s = trialAt + 1_400; s < trialAt + 2_100; s += 300) {
      wq.admitted(s, s + 10, 10);
      wq.openAt(s + 10, 10);
    }
    expect(wq.requests).toBe(11);
    // The gain meets a 429: the count no 429 refused paces again, and counting the refused
    // window after the pause does not take a call more (it held the gain's eleven).
    wq.refused(s, 50, true);
    expect(wq.requests).toBe(10);
    wq.openAt(s + 60, 10);
    wq.openAt(s + 1_000, 10);
    expect(wq.requests).toBe(10);
  });

  it('lowers the quota the 429 names by one call when it is not window-sized', () => {
    const wq = new WindowQuota();
    tenCalls(wq, 400);
    wq.refused(1_000, 9_000, true, 'tokens');
    wq.openAt(10_000, 400);
    wq.refused(10_050, 20, false, 'tokens');
    expect(wq.tokens).toBe(3_600);
  });

  it('tries one call more after three quiet windows spent holding, and waits twice as long after a failed trial', () => {
    const wq = new WindowQuota(1_000);
    for (let s = 0; s < 1_000; s += 100) wq.admitted(s, s + 10, 10);
    // "The call at 100 leaves in 10 ms": the window is 910 ms, and held the nine calls 100 … 900.
    wq.refused(1_000, 10, true);
    wq.openAt(1_010, 10);
    expect(wq.windowMs).toBe(910);
    expect(wq.requests).toBe(9);
    // Keep the window full (and holding) without a 429: one call more after three windows.
    let s = 1_010;
    for (; wq.requests === 9 && s < 10_000; s += 100) {
      wq.admitted(s, s + 10, 10);
      wq.openAt(s + 10, 10);
    }
    expect(s).toBeGreaterThan(1_000 + 3 * 910);
    expect(s).toBeLessThan(1_000 + 3 * 910 + 200);
    // The trial was one call too many: refused within its window, undone, and the next waits six.
    wq.refused(s, 10, true);
    wq.openAt(s + 10, 10);
    expect(wq.requests).toBe(9);
    const refusedAt = s;
    for (s += 10; (wq.requests ?? 0) < 10 && s < 20_000; s += 100) {
      wq.admitted(s, s + 10, 10);
      wq.openAt(s + 10, 10);
    }
    expect(wq.requests).toBe(10);
    expect(s - refusedAt).toBeGreaterThan(6 * 910);
    expect(s - refusedAt).toBeLessThan(6 * 910 + 200);
  });

  it('tries a token quota halfway to the lowest total a 429 refused, and no more once the trial that failed leaves half a call', () => {
    const wq = new WindowQuota();
    tenCalls(wq, 400);
    // Refused with 4 000 in the window and a call of 400 asking: the quota is below 4 400.
    wq.started(1_000, 400);
    wq.refused(1_000, 9_000, true, 'tokens', 1_000);
    wq.openAt(10_000, 400);
    expect(wq.tokens).toBe(4_000);
    let s = 10_000;
    for (; wq.tokens === 4_000 && s < 60_000; s += 100) {
      wq.started(s, 400);
      wq.admitted(s, s + 10, 400);
      wq.openAt(s + 10, 400);
    }
    expect(wq.tokens).toBe(4_200);
    // Refused within a window of it: undone, back to what held.
    wq.refused(s, 10, false, 'tokens');
    expect(wq.tokens).toBe(4_000);
    // The trial that failed bounds the quota from above: half way to it is half a call, not worth
    // another 429.
    for (const end = s + 80_000; s < end; s += 100) {
      wq.started(s, 400);
      wq.admitted(s, s + 10, 400);
      wq.openAt(s + 10, 400);
    }
    expect(wq.tokens).toBe(4_000);
  });

  it('tries no token quota whose ceiling is within half a call: the gain is not worth the 429', () => {
    const wq = new WindowQuota();
    tenCalls(wq, 400);
    // Refused with 4 000 in the window and a call of 150 asking: the quota is below 4 150.
    wq.started(1_000, 150);
    wq.refused(1_000, 9_000, true, 'tokens', 1_000);
    let s = 10_000;
    for (; s < 60_000; s += 100) {
      wq.started(s, 400);
      wq.admitted(s, s + 10, 400);
      wq.openAt(s + 10, 400);
    }
    expect(wq.tokens).toBe(4_000);
  });

  it('does not take a daily quota’s hint for a window', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 3_600_000, true);
    expect(wq.windowMs).toBeUndefined();
    expect(wq.openAt(3_601_000, 10)).toBe(3_601_000);
  });

  it('frees the place of a call that ends without being counted', () => {
    const wq = new WindowQuota();
    tenCalls(wq);
    wq.refused(1_000, 9_000, true, 'requests');
    wq.openAt(10_000, 100);
    wq.started(10_000, 100);
    expect(wq.openAt(10_000, 100)).toBe(10_100);
    wq.finished(10_000);
    expect(wq.openAt(10_000, 100)).toBe(10_000);
  });

  it('lets a call larger than the whole learnt quota go alone once the window is empty', () => {
    const wq = new WindowQuota();
    tenCalls(wq, 400);
    wq.refused(1_000, 9_000, true, 'tokens');
    wq.openAt(10_000, 400);
    expect(wq.openAt(10_000, 10_000)).toBe(10_900);
    wq.started(10_000, 400);
    // With a call in flight it waits for that call to report (a window at most).
    expect(wq.openAt(10_000, 10_000)).toBe(20_000);
  });

  it('takes the window from a 429 that names a per-minute quota: the minute, not the hint', () => {
    const wq = new WindowQuota(undefined, 6_000);
    tenCalls(wq);
    // A hint rounded up to a whole second (100 ms of this minute) would make it 6.1 s; the named
    // minute makes it 6 s (+ 1/600).
    wq.refused(1_000, 5_100, true, 'requests', undefined, 'minute');
    expect(wq.windowMs).toBeCloseTo(6_000 * (1 + 1 / 600));
    wq.openAt(6_100, 100);
    expect(wq.requests).toBe(10);
  });

  it('under a named window, takes a refusal at the edge for a quota set too high once a trial gain was kept', () => {
    const wq = new WindowQuota(undefined, 1_000);
    for (let s = 0; s < 1_000; s += 100) {
      wq.started(s, 100);
      wq.admitted(s, s + 10, 100);
    }
    // 1 000 in the window and a call of 80 refused until the call of 0 leaves: the quota is below 1 080.
    wq.started(950, 80);
    wq.refused(950, 50, true, 'tokens', 950, 'minute');
    wq.openAt(1_050, 100);
    expect(wq.tokens).toBe(1_000);
    // Three quiet windows spent holding: a trial halfway to the ceiling, which holds a window.
    let s = 1_050;
    for (; (wq.tokens ?? 0) <= 1_000 && s < 20_000; s += 100) {
      wq.started(s, 100);
      wq.admitted(s, s + 10, 100);
      wq.openAt(s + 10, 100);
    }
    expect(wq.tokens).toBe(1_040);
    for (const end = s + 1_100; s < end; s += 100) {
      wq.started(s, 100);
      wq.admitted(s, s + 10, 100);
      wq.openAt(s + 10, 100);
    }
    expect(wq.tokens).toBe(1_040);
    // A call let go as a hold ended is refused: half the gain goes, the window stays.
    const at = wq.openAt(s, 100);
    wq.started(at, 100);
    const window = wq.windowMs;
    expect(wq.refused(at + 2, 5, false, 'tokens', at)).toBe('window_edge');
    expect(wq.tokens).toBe(1_020);
    expect(wq.windowMs).toBe(window);
  });

  it('takes a refusal at the edge that a start-up send explains for timing alone, however long its wait', () => {
    const wq = new WindowQuota(undefined, 6_000);
    // Ten calls from 0 to 900 ms; the first waited for its connection (answered at 130, not 50).
    for (let s = 0; s < 1_000; s += 100) {
      wq.started(s, 100);
      wq.admitted(s, s === 0 ? 130 : s + 50, 100);
    }
    wq.started(950, 100);
    wq.refused(950, 5_050, true, 'requests', 950, 'minute');
    wq.openAt(6_000, 100);
    expect(wq.requests).toBe(10);
    // The gate holds until the call of 0 leaves; the call it lets go then is refused for 64 ms:
    // the first call reached the window at 74 ms, not 0.
    expect(wq.openAt(6_000, 100)).toBeCloseTo(6_010);
    wq.started(6_010, 100);
    expect(wq.refused(6_016, 64, true, 'requests', 6_010, 'minute')).toBe('window_edge');
    wq.openAt(6_100, 100);
    expect(wq.requests).toBe(10);
  });

  it('takes no call sent after the first answer for a start-up send', () => {
    const wq = new WindowQuota(undefined, 6_000);
    for (let s = 0; s < 1_000; s += 100) {
      wq.started(s, 100);
      wq.admitted(s, s + 50, 100);
    }
    wq.started(950, 100);
    wq.refused(950, 5_050, true, 'requests', 950, 'minute');
    wq.openAt(6_000, 100);
    expect(wq.openAt(6_000, 100)).toBeCloseTo(6_010);
    wq.started(6_010, 100);
    // Refused until 6 160: the window counted the calls of 0 and 100 until then — the quota is lower.
    expect(wq.refused(6_016, 144, true, 'requests', 6_010, 'minute')).toBe('metered');
    wq.openAt(6_200, 100);
    expect(wq.requests).toBeLessThan(10);
  });

  it('keeps the peak when a 429 changes the shape it believes: a quota that dropped is tried back at it', () => {
    const wq = new WindowQuota(undefined, 6_000);
    tenCalls(wq);
    wq.started(950, 100);
    wq.refused(950, 5_050, true, 'requests', 950, 'minute');
    wq.openAt(6_000, 100);
    expect(wq.shape).toBe('sliding');
    expect(wq.requests).toBe(10);
    // A wait past a whole window, which no sliding window explains: read as a fixed window's
    // boundary, its window holding none of ours — the quota dropped.
    wq.started(6_060, 100);
    wq.refused(6_062, 6_500, true, 'requests', 6_060, 'minute');
    expect(wq.shape).toBe('fixed_window');
    expect(wq.requests).toBe(1);
    wq.started(9_000, 100);
    wq.admitted(9_000, 9_050, 100);
    expect(wq.openAt(9_050, 100)).toBeGreaterThan(9_050);
    // Half a window after the drop, the trial goes back to the peak, not one call up.
    wq.openAt(9_100, 100);
    expect(wq.requests).toBe(10);
  });
});
