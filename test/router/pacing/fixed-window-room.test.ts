import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import { fixedWindowRoom } from '../../../src/router/pacing/fixed-window-room.js';

function ledgerWith(starts: number[], cost = 100): CallLedger {
  const ledger = new CallLedger();
  for (const s of starts) {
    ledger.started({ start: s, estimate: cost, edge: false });
    ledger.admit(s, cost);
  }
  return ledger;
}

/** Windows of 1 000 ms on boundaries at 300 + k·1 000, a margin of 10 ms. */
const room = (
  ledger: CallLedger,
  quota: { requests?: number; tokens?: number },
  now: number,
  estimate = 100,
) => fixedWindowRoom(ledger, 1_000, 300, 10, quota, now, estimate);

describe('fixed window room', () => {
  it('lets calls go while the window since its boundary has room', () => {
    expect(room(ledgerWith([310, 400]), { requests: 3 }, 500)).toEqual({ at: 500, edge: false });
  });

  it('holds a full window’s next call until its boundary, plus the margin', () => {
    expect(room(ledgerWith([310, 400, 450]), { requests: 3 }, 500)).toEqual({ at: 1_310, edge: true });
  });

  it('counts the previous window’s last calls, sent within the margin of the boundary, in this one too', () => {
    expect(room(ledgerWith([295, 312, 400]), { requests: 3 }, 500).at).toBe(1_310);
  });

  it('does not count calls from before the window', () => {
    expect(room(ledgerWith([100, 200, 250, 312]), { requests: 3 }, 500).at).toBe(500);
  });

  it('meters tokens the same way, and lets a call larger than the quota go alone into an empty window', () => {
    expect(room(ledgerWith([310, 400]), { tokens: 250 }, 500).at).toBe(1_310);
    expect(room(ledgerWith([]), { tokens: 250 }, 1_400, 1_000).at).toBe(1_400);
  });
});

describe('fixed window room at the instant it wakes the gate', () => {
  it('meters the window that opened, not the one whose room was spent, where the quotient falls a hair short', () => {
    // φ, m and Ŵ for which (B + m − φ − m) / Ŵ rounds a hair below a whole number.
    const [phi, m, w] = [29_991.888579491486, 10.72730183541695, 6_000];
    const full = [phi + 3 * w + 100, phi + 3 * w + 200, phi + 3 * w + 300];
    const wake = fixedWindowRoom(ledgerWith(full), w, phi, m, { requests: 3 }, phi + 3 * w + 1_000, 100).at;
    expect(wake).toBe(54_002.6158813269);
    // At the wake the new window takes three calls; the fourth waits for the next one.
    const ledger = ledgerWith([...full, wake, wake, wake]);
    expect(fixedWindowRoom(ledger, w, phi, m, { requests: 3 }, wake, 100).at).toBeCloseTo(wake + w);
  });
});
