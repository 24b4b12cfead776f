import { describe, expect, it } from 'vitest';
import { QuotaEstimates } from '../../../src/router/pacing/quota-estimates.js';

describe('QuotaEstimates', () => {
  it('takes the first count as it is, and lowers a recount by one call to two', () => {
    const q = new QuotaEstimates();
    q.count('requests', 10, 0, 0);
    expect(q.requests).toBe(10);
    q.count('requests', 3, 0, 1);
    expect(q.requests).toBe(8);
    q.count('requests', 9, 0, 2);
    expect(q.requests).toBe(7);
  });

  it('tries a token quota half way to the ceiling, and undoes a trial a 429 answers', () => {
    const q = new QuotaEstimates();
    q.count('tokens', 10, 1_000, 0);
    q.lowerCeiling(1_200);
    expect(q.worthTrying(100)).toBe(true);
    q.startTrial(10, 100);
    expect(q.tokens).toBe(1_100);
    expect(q.undoTrial(20, 15, 1_000)).toBe(true);
    expect(q.tokens).toBe(1_000);
    expect(q.quietWindows).toBe(6);
  });

  it('abandons a running trial for a larger question: back to before it, nothing learnt', () => {
    const q = new QuotaEstimates();
    q.count('requests', 15, 0, 0);
    q.startTrial(10, 1);
    expect(q.requests).toBe(16);
    q.abandonTrial();
    expect(q.trialRunning).toBe(false);
    expect(q.requests).toBe(15);
    expect(q.quietWindows).toBe(3);
    q.reportedLimit('requests', 30);
    q.startTrial(20, 1);
    expect(q.requests).toBe(30);
  });

  it('does not try a token quota whose ceiling is within half a call', () => {
    const q = new QuotaEstimates();
    q.count('tokens', 10, 1_000, 0);
    q.lowerCeiling(1_040);
    expect(q.worthTrying(100)).toBe(false);
    q.lowerCeiling(1_060);
    expect(q.worthTrying(100)).toBe(false);
  });

  it('keeps a trial the gate held calls at, and undoes one it never filled', () => {
    const kept = new QuotaEstimates();
    kept.count('requests', 10, 0, 0);
    kept.startTrial(100, 1);
    kept.settleTrial(1_100, 1_000, 900);
    expect(kept.requests).toBe(11);
    const idle = new QuotaEstimates();
    idle.count('requests', 10, 0, 0);
    idle.startTrial(100, 1);
    idle.settleTrial(1_100, 1_000, 50);
    expect(idle.requests).toBe(10);
  });

  it('halves a kept gain that proved too high, and drops it all on forgetting', () => {
    const q = new QuotaEstimates();
    q.count('tokens', 10, 1_000, 0);
    q.lowerCeiling(1_400);
    q.startTrial(10, 100);
    q.settleTrial(2_000, 1_000, 1_500);
    expect(q.tokens).toBe(1_200);
    expect(q.aboveCounts()).toBe(true);
    q.halveTrialGains(2_100);
    expect(q.tokens).toBe(1_100);
    expect(q.quietWindows).toBe(6);
    q.forgetTrialGains();
    expect(q.tokens).toBe(1_000);
    expect(q.aboveCounts()).toBe(false);
  });

  it('goes back no further than half way to a ceiling a fixed window’s floor set: a level it refused is no peak', () => {
    const q = new QuotaEstimates();
    q.read('tokens', 5_000, 0, { uncertain: true, floor: true });
    q.lowerCeiling(6_000);
    q.startTrial(1_000, 1_000);
    expect(q.tokens).toBe(5_500);
    q.settleTrial(2_000, 1_000, 1_500);
    expect(q.tokens).toBe(5_500);
    // The kept level is refused: the window had admitted 5 000, and 5 400 with the refused call.
    q.lowerCeiling(5_400);
    q.read('tokens', 5_000, 3_000, { uncertain: true, floor: true });
    q.startTrial(4_000, 100);
    expect(q.tokens).toBe(5_200);
  });

  it('tries half a window after a drop until a kept trial is back at the peak, then waits as it did before', () => {
    const q = new QuotaEstimates();
    q.count('requests', 60, 0, 0);
    expect(q.quietWindows).toBe(3);
    q.read('requests', 30, 1_000);
    expect(q.quietWindows).toBe(0.5);
    q.startTrial(2_000, 1);
    expect(q.requests).toBe(60);
    q.settleTrial(3_000, 1_000, 2_500);
    expect(q.requests).toBe(60);
    expect(q.quietWindows).toBe(3);
  });

  it('asks again within a window while a dropped quota may come back: a failed trial back to the peak doubles q to one window at most', () => {
    for (const budget of ['requests', 'tokens'] as const) {
      const q = new QuotaEstimates();
      q.count(budget, 10, 40_000, 0);
      q.lowerCeiling(42_000);
      q.read(budget, budget === 'requests' ? 5 : 20_000, 1_000);
      expect(q.quietWindows).toBe(0.5);
      // Back to the peak, refused: the quota has not come back yet.
      q.startTrial(2_000, 4_000);
      expect(budget === 'requests' ? q.requests : q.tokens).toBe(budget === 'requests' ? 10 : 40_000);
      expect(q.undoTrial(2_100, 2_050, 1_000)).toBe(true);
      expect(q.quietWindows).toBe(1);
      q.startTrial(3_100, 4_000);
      expect(q.undoTrial(3_200, 3_150, 1_000)).toBe(true);
      expect(q.quietWindows, budget).toBe(1);
    }
  });

  it('while the key is reported full, steps no higher than what it holds, none when that gains nothing, and backs off on their own q', () => {
    for (const budget of ['requests', 'tokens'] as const) {
      const level = (q: QuotaEstimates) => (budget === 'requests' ? q.requests : q.tokens);
      const q = new QuotaEstimates();
      q.count(budget, 10, 40_000, 0);
      q.read(budget, budget === 'requests' ? 5 : 20_000, 1_000);
      expect(q.quietWindows).toBe(0.5);
      // The key holds 5 requests or 20,400 tokens for us: a step would gain less than half a call.
      const full = budget === 'requests' ? { requests: 5 } : { tokens: 20_400 };
      expect(q.quietWindowsFor(full, 4_000), budget).toBeUndefined();
      // It holds 8 or 30,000: a step to that, not back to the peak, on the steps' own q.
      const holds = budget === 'requests' ? { requests: 8 } : { tokens: 30_000 };
      expect(q.quietWindowsFor(holds, 4_000)).toBe(1);
      q.startTrial(2_000, 4_000, undefined, holds);
      expect(level(q), budget).toBe(budget === 'requests' ? 6 : 24_000);
      expect(q.undoTrial(2_100, 2_050, 1_000)).toBe(true);
      expect(q.quietWindowsFor(holds, 4_000)).toBe(2);
      // The dropped quota's own pace is untouched: once the key shows room, back to the peak.
      expect(q.quietWindows).toBe(0.5);
      q.startTrial(5_200, 4_000);
      expect(level(q), budget).toBe(budget === 'requests' ? 10 : 40_000);
    }
  });

  it('goes back towards the peak no higher than what the key shows it holds for us, full or not', () => {
    for (const budget of ['requests', 'tokens'] as const) {
      const q = new QuotaEstimates();
      q.count(budget, 10, 40_000, 0);
      q.read(budget, budget === 'requests' ? 5 : 20_000, 1_000);
      // The key holds 7 requests or 24,000 tokens for us: past the level by more than a call, so
      // not full, yet a trial back to the peak would run into the rest, which another client takes.
      const upTo = budget === 'requests' ? { requests: 7 } : { tokens: 24_000 };
      q.startTrial(2_000, 1_800, undefined, undefined, { upTo });
      expect(budget === 'requests' ? q.requests : q.tokens, budget).toBe(budget === 'requests' ? 7 : 24_000);
    }
  });

  it('tries a rate past a stale ceiling by half again, not half way to a ceiling a twentieth above it', () => {
    const q = new QuotaEstimates();
    q.read('tokens', 2_260, 0, { exact: true });
    expect(q.worthTrying(1_800, 0.5)).toBe(false);
    q.startTrial(8_000, 1_800, 0.5, undefined, { stale: true });
    expect(q.tokens).toBe(3_390);
  });

  it('takes no peak from a reading that rests on an assumption: a later count below it is no drop', () => {
    const q = new QuotaEstimates();
    // A first 429 read as a bucket's that holds a minute: 41 964 where the quota is 40 000.
    q.read('tokens', 41_964, 300, { uncertain: true });
    q.read('tokens', 37_417, 6_000);
    expect(q.tokens).toBe(37_417);
    // Not a dropped quota that may come back: no trial back to 41 964 half a window later.
    expect(q.quietWindows).not.toBe(0.5);
    q.startTrial(12_000, 1_800);
    expect(q.tokens).toBe(37_417 + 1_800);
  });

  it('reads no drop from a fixed window’s floor that the refused call on top brings back within a tenth of the peak', () => {
    const q = new QuotaEstimates();
    q.count('tokens', 22, 40_000, 0);
    // A call of 5 000 tokens refused when the window held 34 500: the quota is 34 500–39 500.
    q.read('tokens', 34_500, 6_000, { uncertain: true, floor: true, upTo: 39_500 });
    expect(q.tokens).toBe(34_500);
    expect(q.quietWindows).not.toBe(0.5);
    // Held 20 000 and refused 1 800 more: below the peak whatever the call, a drop.
    q.read('tokens', 20_000, 12_000, { uncertain: true, floor: true, upTo: 21_800 });
    expect(q.quietWindows).toBe(0.5);
  });

  it('keeps the peak a dropped token quota may come back to when a failed trial’s 429 reads as a fixed window’s floor', () => {
    const q = new QuotaEstimates();
    q.count('tokens', 10, 40_000, 0);
    q.read('tokens', 20_000, 1_000);
    // Back to the peak, refused: the window held what the low quota admits (U ≈ 20 600).
    q.startTrial(2_000, 1_800);
    q.lowerCeiling(20_600);
    expect(q.undoTrial(2_050, 2_040, 1_000)).toBe(true);
    // The same 429 read as a fixed window's: its floor is the low level, which is no peak.
    q.read('tokens', 19_700, 2_050, { uncertain: true, afterTrial: true, floor: true });
    q.startTrial(3_100, 1_800);
    expect(q.tokens).toBe(40_000);
  });

  it('goes to a larger limit the provider reports, past the ceiling its smaller quota’s 429s set', () => {
    const q = new QuotaEstimates();
    q.count('tokens', 10, 20_000, 0);
    q.lowerCeiling(20_600);
    expect(q.worthTrying(1_800)).toBe(false);
    q.reportedLimit('tokens', 40_000);
    expect(q.worthTrying(1_800)).toBe(true);
    q.startTrial(1_000, 1_800);
    expect(q.tokens).toBe(40_000);
  });

  it('doubles a request trial’s step from the second kept in a row, then searches half way to the level that failed', () => {
    const q = new QuotaEstimates();
    q.count('requests', 30, 0, 0);
    const keep = (at: number, want: number): void => {
      q.startTrial(at, 1);
      expect(q.requests).toBe(want);
      q.settleTrial(at + 1_000, 1_000, at + 500);
    };
    keep(10_000, 31);
    expect(q.quietWindows).toBe(1.5);
    keep(20_000, 32);
    keep(30_000, 34);
    keep(40_000, 38);
    q.startTrial(50_000, 1);
    expect(q.requests).toBe(46);
    expect(q.undoTrial(50_100, 50_050, 1_000)).toBe(true);
    expect(q.requests).toBe(38);
    // A step of the search failed: q stays, and the next goes half way to 46.
    expect(q.quietWindows).toBe(1);
    keep(60_000, 42);
    keep(70_000, 44);
    keep(80_000, 45);
    q.startTrial(90_000, 1);
    expect(q.requests).toBe(46);
  });

  it('keeps trying half a window apart once back at a token peak: a token count is a floor, loose by a call', () => {
    const q = new QuotaEstimates();
    q.count('tokens', 10, 40_000, 0);
    q.read('tokens', 20_000, 1_000);
    expect(q.quietWindows).toBe(0.5);
    q.startTrial(2_000, 4_000);
    expect(q.tokens).toBe(40_000);
    q.settleTrial(3_000, 1_000, 2_500);
    expect(q.quietWindows).toBe(0.5);
  });
});
