import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import { QuotaEstimates } from '../../../src/router/pacing/quota-estimates.js';
import { refusedUnnamed } from '../../../src/router/pacing/unnamed-refusal.js';
import { WindowLength } from '../../../src/router/pacing/window-length.js';

/** Ten calls admitted at 1 000–1 900 ms, the run's first at 1 000; no window learnt yet. */
function setUp() {
  const ledger = new CallLedger();
  for (let t = 1_000; t < 2_000; t += 100) ledger.admit(t, 1);
  return { ledger, length: new WindowLength(), quota: new QuotaEstimates() };
}

/** A request 429 at `now` for the call sent at `sent`, told to wait `retryAfterMs`. */
function refusal(now: number, retryAfterMs: number, windowFull: boolean, sent = now) {
  return { now, retryAfterMs, windowFull, quota: 'requests' as const, sent, estimate: 0, firstStart: 1_000 };
}

describe('refusedUnnamed', () => {
  it('learns Ŵ from a window-sized wait, from the run’s first call, and leaves the window to be counted', () => {
    const { ledger, length, quota } = setUp();
    let ceilingAt: number | undefined;
    const pending = refusedUnnamed(ledger, length, quota, refusal(2_000, 5_000, true), () => {
      ceilingAt = length.ms;
    });
    expect(length.ms).toBe(6_000);
    // The token ceiling is bounded over the Ŵ this 429 just taught.
    expect(ceilingAt).toBe(6_000);
    expect(pending).toEqual({
      at: 2_000,
      sent: 2_000,
      release: 7_000,
      until: 7_000,
      quota: 'requests',
      shape: 'sliding',
      estimate: 0,
    });
  });

  it('takes a wait too short for a window for one call less', () => {
    const { ledger, length, quota } = setUp();
    quota.count('requests', 10, 0, 0);
    expect(refusedUnnamed(ledger, length, quota, refusal(2_000, 50, false), () => {})).toBeUndefined();
    expect(quota.requests).toBe(9);
    expect(length.ms).toBeUndefined();
  });

  it('undoes a trial a 429 ran into, and counts nothing then', () => {
    const { ledger, length, quota } = setUp();
    quota.count('requests', 10, 0, 0);
    quota.startTrial(1_500, 1);
    expect(
      refusedUnnamed(ledger, length, quota, refusal(2_000, 5_000, true, 1_900), () => {}),
    ).toBeUndefined();
    expect(quota.trialRunning).toBe(false);
    expect(quota.requests).toBe(10);
  });
});
