import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import { RivalWindow } from '../../../src/router/pacing/rival-window.js';

/** Ten calls admitted at 0–900 ms; the fixed window holds 10 requests and frees at its boundary, 6 000. */
function ledgerOfTen(): CallLedger {
  const ledger = new CallLedger();
  for (let t = 0; t < 1_000; t += 100) ledger.admit(t, 1);
  return ledger;
}
const quota = { requests: 10 };
const fixedRoom = { at: 6_000, edge: false };

describe('RivalWindow', () => {
  it('leaves the fixed window’s room alone while no rival stands', () => {
    expect(new RivalWindow().room(ledgerOfTen(), quota, fixedRoom, 20, 1 / 600, 2_000, 0)).toBe(fixedRoom);
  });

  it('holds a call until the rival window has room too', () => {
    const rival = new RivalWindow();
    rival.suspect(4_000);
    // W′ (4 s and the send margin) frees the call of 0 ms at 4 007, two seconds before the boundary.
    expect(rival.room(ledgerOfTen(), quota, fixedRoom, 20, 1 / 600, 2_000, 0).at).toBeCloseTo(4_006.7, 1);
  });

  it('lets one call go to test the rival when only it has room, and holds the rest for its verdict', () => {
    const rival = new RivalWindow();
    rival.suspect(4_000);
    const ledger = ledgerOfTen();
    expect(rival.room(ledger, quota, fixedRoom, 20, 1 / 600, 4_100, 0)).toEqual({ at: 4_100, edge: false });
    rival.started(4_100);
    expect(rival.room(ledger, quota, fixedRoom, 20, 1 / 600, 4_150, 0).at).toBe(6_000);
    expect(rival.tested(4_100)).toBe(true);
  });

  it('names the rival window when its test is answered', () => {
    const rival = new RivalWindow();
    rival.suspect(4_000);
    rival.room(ledgerOfTen(), quota, fixedRoom, 20, 1 / 600, 4_100, 0);
    rival.started(4_100);
    expect(rival.admitted(4_100)).toBe(4_000);
  });

  it('forgets a test that ended uncounted, so the next call may test again', () => {
    const rival = new RivalWindow();
    rival.suspect(4_000);
    const ledger = ledgerOfTen();
    rival.room(ledger, quota, fixedRoom, 20, 1 / 600, 4_100, 0);
    rival.started(4_100);
    rival.finished(4_100);
    expect(rival.tested(4_100)).toBe(false);
    expect(rival.room(ledger, quota, fixedRoom, 20, 1 / 600, 4_200, 0)).toEqual({ at: 4_200, edge: false });
  });

  it('waits out the fixed window’s send margin without a test', () => {
    const rival = new RivalWindow();
    rival.suspect(4_000);
    const room = { at: 4_110, edge: false };
    expect(rival.room(ledgerOfTen(), quota, room, 20, 1 / 600, 4_100, 0)).toBe(room);
  });
});
