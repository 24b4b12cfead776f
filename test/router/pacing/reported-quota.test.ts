import { describe, expect, it } from 'vitest';
import type { BudgetReading } from '../../../src/model/quota-reading.js';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import { ReportedQuota } from '../../../src/router/pacing/reported-quota.js';

/** A minute of 60 s: a bucket of 60 000 tokens refills a token a millisecond. */
const MINUTE = 60_000;
const MARGIN = 100;
const REQUESTS: BudgetReading = { limit: 1_000_000, remaining: 1_000_000, resetMs: 0 };

/** A call of `tokens` sent at `start` and answered (the provider counted `tokens`). */
function answered(ledger: CallLedger, start: number, tokens: number): void {
  ledger.started({ start, estimate: tokens, edge: false });
  ledger.admit(start, tokens, start + 50);
}

/** A bucket's tokens as OpenAI reports them: reset = (L − r) · M / L. */
function bucket(limit: number, remaining: number): BudgetReading {
  return { limit, remaining, resetMs: ((limit - remaining) * MINUTE) / limit };
}

describe('ReportedQuota', () => {
  it('holds nothing while the reading leaves room for the call', () => {
    const ledger = new CallLedger();
    const q = new ReportedQuota(MINUTE);
    answered(ledger, 1_000, 1_000);
    q.read({ requests: REQUESTS, tokens: bucket(60_000, 40_000) }, 1_000);
    expect(q.openAt(ledger, 2_000, 5_000, MARGIN)).toBe(2_000);
  });

  it('holds a call whose tokens exceed what remains less what left since, until the bucket refills them', () => {
    const ledger = new CallLedger();
    const q = new ReportedQuota(MINUTE);
    answered(ledger, 1_000, 1_000);
    q.read({ requests: REQUESTS, tokens: bucket(60_000, 5_000) }, 1_000);
    ledger.started({ start: 1_500, estimate: 3_000, edge: false });
    // level(2 000) = 5 000 + 1 000 refilled − 3 000 out = 3 000; it needs 4 000 + ρ·m = 4 100.
    expect(q.openAt(ledger, 2_000, 4_000, MARGIN)).toBe(3_100);
    // The request budget binds the same way: none left, one refills in L/M.
    const r = new ReportedQuota(MINUTE);
    r.read({ requests: bucket(60, 0), tokens: bucket(60_000, 60_000) }, 1_000);
    expect(r.openAt(ledger, 1_000, 10, MARGIN)).toBe(2_100);
  });

  it('takes a call sent within the send margin after the reading as held by it: its send raced the reading’s call', () => {
    const ledger = new CallLedger();
    const q = new ReportedQuota(MINUTE);
    answered(ledger, 1_000, 1_000);
    q.read({ requests: REQUESTS, tokens: bucket(60_000, 5_000) }, 1_000);
    ledger.started({ start: 1_050, estimate: 3_000, edge: false });
    expect(q.openAt(ledger, 1_100, 4_000, MARGIN)).toBe(1_100);
    ledger.started({ start: 1_101, estimate: 3_000, edge: false });
    expect(q.openAt(ledger, 1_101, 4_000, MARGIN)).toBe(1_101 + 2_000 - 1);
  });

  it('takes the newest reading, and of readings taken at one instant the one that saw the most', () => {
    const ledger = new CallLedger();
    const q = new ReportedQuota(MINUTE);
    q.read({ requests: REQUESTS, tokens: bucket(60_000, 1_000) }, 5_000);
    q.read({ requests: REQUESTS, tokens: bucket(60_000, 50_000) }, 4_000);
    expect(q.openAt(ledger, 5_000, 2_000, MARGIN)).toBe(6_100);
    q.read({ requests: REQUESTS, tokens: bucket(60_000, 30_000) }, 5_000);
    expect(q.openAt(ledger, 5_000, 2_000, MARGIN)).toBe(6_100);
    q.read({ requests: REQUESTS, tokens: bucket(60_000, 30_000) }, 5_001);
    expect(q.openAt(ledger, 5_001, 2_000, MARGIN)).toBe(5_001);
    expect(q.limits).toEqual({ requests: 1_000_000, tokens: 60_000 });
  });

  it('reads a reset longer than a bucket needs as a sliding window, which frees room as our calls leave', () => {
    const ledger = new CallLedger();
    const q = new ReportedQuota(MINUTE);
    answered(ledger, 0, 30_000);
    answered(ledger, 1_000, 20_000);
    // Back to its initial state when the newest call leaves, a minute after it: no bucket's reset.
    q.read({ requests: REQUESTS, tokens: { limit: 60_000, remaining: 10_000, resetMs: 60_000 } }, 1_000);
    // 10 000 left until the call sent at 0 leaves at 60 000 (a bucket would refill by 16 100).
    expect(q.openAt(ledger, 2_000, 25_000, MARGIN)).toBe(60_100);
    expect(q.openAt(ledger, 2_000, 9_000, MARGIN)).toBe(2_000);
  });

  it('reads what the key lets us have in a window as our calls the reading held and what it left', () => {
    const ledger = new CallLedger();
    const q = new ReportedQuota(MINUTE);
    answered(ledger, 0, 30_000);
    answered(ledger, 1_000, 20_000);
    // Another service on the key holds 40 000 of its 100 000: 50 000 ours, 10 000 left.
    q.read({ requests: REQUESTS, tokens: { limit: 100_000, remaining: 10_000, resetMs: 60_000 } }, 1_000);
    expect(q.keyLevel(ledger, 'tokens')).toBe(60_000);
    // A minute later the call sent at 0 is within ε (W/300) of the window's start: it may have left,
    // and K leaves it out rather than count it twice (it is back in what is left).
    answered(ledger, 60_050, 5_000);
    q.read({ requests: REQUESTS, tokens: { limit: 100_000, remaining: 45_000, resetMs: 60_000 } }, 60_050);
    expect(q.keyLevel(ledger, 'tokens')).toBe(70_000);
    // A bucket's remaining is its level, not a window's room.
    const b = new ReportedQuota(MINUTE);
    b.read({ requests: REQUESTS, tokens: bucket(60_000, 5_000) }, 1_000);
    expect(b.keyLevel(ledger, 'tokens')).toBeUndefined();
  });

  it('counts in what the key lets us have the calls still out, and of a burst sent with the reading’s call the answered ones', () => {
    const ledger = new CallLedger();
    const q = new ReportedQuota(MINUTE);
    answered(ledger, 0, 10_000);
    // Still out: sent before the reading's call, so held by it.
    ledger.started({ start: 500, estimate: 5_000, edge: false });
    // A burst of three sent at 2 000, the reading's call among them: two answered so far.
    answered(ledger, 2_000, 4_000);
    answered(ledger, 2_000, 3_000);
    ledger.started({ start: 2_000, estimate: 6_000, edge: false });
    // Sent within the margin before the reading's call: it may have reached the provider after it.
    ledger.started({ start: 1_950, estimate: 8_000, edge: false });
    q.read({ requests: REQUESTS, tokens: { limit: 100_000, remaining: 20_000, resetMs: 60_000 } }, 2_000);
    expect(q.keyLevel(ledger, 'tokens', {}, MARGIN)).toBe(10_000 + 5_000 + 7_000 + 20_000);
    // None of the burst answered yet: the reading's own call at least, the least of it.
    const early = new CallLedger();
    answered(early, 0, 10_000);
    early.started({ start: 2_000, estimate: 6_000, edge: false });
    early.started({ start: 2_000, estimate: 3_000, edge: false });
    expect(q.keyLevel(early, 'tokens', {}, MARGIN)).toBe(10_000 + 3_000 + 20_000);
    // A reading of a call sent at or before `after` (the last 429's) tells nothing of the key now.
    expect(q.keyLevel(ledger, 'tokens', {}, MARGIN, 2_000)).toBeUndefined();
  });

  it('counts an overdraft a remaining count of 0 hides: our own calls held more than the limit', () => {
    const ledger = new CallLedger();
    const q = new ReportedQuota(MINUTE);
    answered(ledger, 0, 30_000);
    q.read({ requests: REQUESTS, tokens: { limit: 60_000, remaining: 30_000, resetMs: 60_000 } }, 0);
    answered(ledger, 1_000, 20_000);
    // The quota dropped to 30 000 under 50 000 held: the first call leaving frees 10 000 only.
    q.read({ requests: REQUESTS, tokens: { limit: 30_000, remaining: 0, resetMs: 60_000 } }, 1_000);
    expect(q.openAt(ledger, 2_000, 5_000, MARGIN)).toBe(60_100);
    expect(q.openAt(ledger, 2_000, 15_000, MARGIN)).toBe(61_100);
  });

  it('does not read two answers as a boundary when their ends moved on as far as their sends, give or take a millisecond of rounding', () => {
    // A sliding window of a minute: each answer's reset is the window from its own arrival.
    const sliding = new ReportedQuota(MINUTE);
    sliding.read({ requests: { limit: 500, remaining: 438, resetMs: 60_000 } }, 1_000);
    sliding.read({ requests: { limit: 500, remaining: 436, resetMs: 59_999 } }, 1_061);
    expect(sliding.windowOf('requests')).toBe('sliding');
    // Ends that agree while the sends moved on three ε and more: a boundary.
    const fixed = new ReportedQuota(MINUTE);
    fixed.read({ requests: { limit: 500, remaining: 438, resetMs: 60_000 } }, 1_000);
    fixed.read({ requests: { limit: 500, remaining: 436, resetMs: 59_820 } }, 1_181);
    expect(fixed.windowOf('requests')).toBe('fixed_window');
  });

  it('reads two resets that end together as a fixed window, whose room comes back at the boundary', () => {
    const ledger = new CallLedger();
    const q = new ReportedQuota(MINUTE);
    answered(ledger, 1_000, 30_000);
    q.read({ requests: REQUESTS, tokens: { limit: 60_000, remaining: 30_000, resetMs: 9_000 } }, 1_000);
    answered(ledger, 3_000, 25_000);
    q.read({ requests: REQUESTS, tokens: { limit: 60_000, remaining: 5_000, resetMs: 7_000 } }, 3_000);
    // The boundary at 10 000 frees the whole limit (a sliding window would wait for 61 100).
    expect(q.openAt(ledger, 4_000, 20_000, MARGIN)).toBe(10_100);
    answered(ledger, 10_100, 20_000);
    expect(q.openAt(ledger, 10_200, 20_000, MARGIN)).toBe(10_200);
    expect(q.openAt(ledger, 10_200, 45_000, MARGIN)).toBe(10_300);
  });
  it('reads a 429 after a burst as the sliding window it is: its reset counts from the newest call the key admitted, not from its own', () => {
    // A sliding window of a minute: the burst's answer reports 50 000 left, the 429 of a call sent
    // 300 ms later 10 000 and an end where the burst's was — the burst's calls leave then.
    const q = new ReportedQuota(MINUTE);
    q.read({ tokens: { limit: 60_000, remaining: 50_000, resetMs: 60_000 } }, 1_000);
    q.read({ tokens: { limit: 60_000, remaining: 10_000, resetMs: 59_700 } }, 1_300, { newest: 1_000 });
    expect(q.windowOf('tokens')).toBe('sliding');
    // On a fixed window a 429 ends at the boundary however far our newest call moved on: fixed.
    const fixed = new ReportedQuota(MINUTE);
    fixed.read({ tokens: { limit: 60_000, remaining: 50_000, resetMs: 9_000 } }, 1_000);
    fixed.read({ tokens: { limit: 60_000, remaining: 0, resetMs: 5_000 } }, 5_000, { newest: 3_000 });
    expect(fixed.windowOf('tokens')).toBe('fixed_window');
  });

  it('after a 429 lets one call go at the room our leaving calls free, and the rest only once its reading comes', () => {
    // Ten requests a minute, all ours, sent 100 ms apart from 0; the call sent at 1 000 refused.
    const ledger = new CallLedger();
    for (let start = 0; start < 1_000; start += 100) answered(ledger, start, 1);
    // The answer of the call sent at 500 showed a window (a bucket would be full again in 36 s).
    const shown = { requests: { limit: 10, remaining: 4, resetMs: 60_000 } };
    const q = new ReportedQuota(MINUTE);
    q.read(shown, 500);
    q.read({ requests: { limit: 10, remaining: 0, resetMs: 59_900 } }, 1_000, { newest: 900 });
    // The first room is the call sent at 0 leaving (plus the send margin).
    expect(q.openAt(ledger, 1_010, 1, MARGIN)).toBe(60_100);
    answered(ledger, 60_100, 1);
    // Two of ours have left by 60 250, but another user of the key may be spending what they free.
    expect(q.openAt(ledger, 60_250, 1, MARGIN)).toBe(120_900);
    // An answer's reading the same: the room our calls free is ours, and the next call goes.
    const answer = new ReportedQuota(MINUTE);
    answer.read(shown, 500);
    answer.read({ requests: { limit: 10, remaining: 0, resetMs: 59_900 } }, 1_000);
    expect(answer.openAt(ledger, 60_250, 1, MARGIN)).toBe(60_250);
    // The call's reading comes: the key left one, and the next call goes at once.
    q.read({ requests: { limit: 10, remaining: 1, resetMs: 60_000 } }, 60_100);
    expect(q.openAt(ledger, 60_250, 1, MARGIN)).toBe(60_250);
  });
});
