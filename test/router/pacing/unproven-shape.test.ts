import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import { UnprovenShape } from '../../../src/router/pacing/unproven-shape.js';

/** Ten calls admitted at 0–900 ms: a sliding window of 6 s and 10 requests frees the first at 6 000. */
function ledgerOfTen(): CallLedger {
  const ledger = new CallLedger();
  for (let t = 0; t < 1_000; t += 100) ledger.admit(t, 1);
  return ledger;
}
const quota = { requests: 10 };
const W = 6_000;
/** The new shape (a fixed window whose boundary fell at 2 000) has room from then on. */
const open = (now: number) => ({ at: now, edge: false });

describe('UnprovenShape', () => {
  it('leaves the new shape’s room alone while no shape awaits its proof', () => {
    const room = { at: 3_000, edge: true };
    expect(new UnprovenShape().room(ledgerOfTen(), quota, room, 2_000, 0)).toBe(room);
  });

  it('waits where the new shape waits, for its boundary or refill', () => {
    const shape = new UnprovenShape();
    shape.suspect(W);
    const room = { at: 3_000, edge: true };
    expect(shape.room(ledgerOfTen(), quota, room, 2_500, 0)).toBe(room);
  });

  it('sends one call to test the new shape where only it has room, and holds the others for its verdict', () => {
    const shape = new UnprovenShape();
    shape.suspect(W);
    const ledger = ledgerOfTen();
    expect(shape.room(ledger, quota, open(2_000), 2_000, 0)).toEqual({ at: 2_000, edge: false });
    shape.started(2_000);
    expect(shape.tested(2_000)).toBe(true);
    // The sliding window would hold the next call until 6 000; the fixed window alone would not.
    expect(shape.room(ledger, quota, open(2_010), 2_010, 0).at).toBe(2_011);
  });

  it('lets calls go at once where the sliding window has room as well', () => {
    const shape = new UnprovenShape();
    shape.suspect(W);
    expect(shape.room(new CallLedger(), quota, open(2_000), 2_000, 0)).toEqual({ at: 2_000, edge: false });
    shape.started(2_000);
    expect(shape.tested(2_000)).toBe(false);
  });

  it('forgets a test that ended uncounted, so the next call may test again', () => {
    const shape = new UnprovenShape();
    shape.suspect(W);
    const ledger = ledgerOfTen();
    shape.room(ledger, quota, open(2_000), 2_000, 0);
    shape.started(2_000);
    shape.finished(2_000);
    expect(shape.tested(2_000)).toBe(false);
    expect(shape.room(ledger, quota, open(2_100), 2_100, 0)).toEqual({ at: 2_100, edge: false });
  });

  it('paces by the new shape alone once cleared', () => {
    const shape = new UnprovenShape();
    shape.suspect(W);
    shape.clear();
    expect(shape.pending).toBe(false);
    const room = open(2_000);
    expect(shape.room(ledgerOfTen(), quota, room, 2_000, 0)).toBe(room);
  });
});
