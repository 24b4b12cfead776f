import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import { oldestHeld, restampLate } from '../../../src/router/pacing/late-calls.js';

const window = { unitMs: 6_000, ms: 6_010 };

describe('late calls', () => {
  it('takes a call stamped just before the window it is refused by as started when it left', () => {
    const ledger = new CallLedger();
    ledger.admit(30, 1);
    ledger.admit(100, 1);
    // A 429 for a call sent at 6 050 frees at 6 080: the call stamped 30 left the window at 80.
    expect(restampLate(ledger, window, 500, 6_050, 80)).toBe(true);
    expect(ledger.admitted.map((c) => c.start)).toEqual([80, 100]);
  });

  it('restamps no call stamped more than a twentieth of the window before it left', () => {
    const ledger = new CallLedger();
    ledger.admit(30, 1);
    expect(restampLate(ledger, window, 500, 6_400, 400)).toBe(false);
    expect(ledger.admitted.map((c) => c.start)).toEqual([30]);
  });

  it('restamps a start-up call only if it was sent before the first answer came back', () => {
    const ledger = new CallLedger();
    ledger.admit(30, 1);
    expect(restampLate(ledger, window, undefined, 6_050, 80, true)).toBe(false);
    expect(restampLate(ledger, window, 500, 6_050, 80, true)).toBe(true);
  });

  it('holds a start-up call as the oldest a window may hold though its stamp is just outside', () => {
    const ledger = new CallLedger();
    ledger.admit(0, 1);
    ledger.admit(300, 1);
    expect(oldestHeld(ledger, 200, 6_100, 6_000)).toBe(0);
    // Sent after the first answer came back, it is no start-up call: the window holds from 300.
    expect(oldestHeld(ledger, undefined, 6_100, 6_000)).toBe(300);
  });
});
