import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import { TrialProbe } from '../../../src/router/pacing/trial-probe.js';

/** The level before the trial holds calls until 5 000; the trial's level has room at once. */
const held = { at: 5_000, edge: true };
const open = (now: number) => () => ({ at: now, edge: false });

describe('TrialProbe', () => {
  it('lets a call go at once where the level before the trial has room, and asks nothing of the trial', () => {
    const probe = new TrialProbe();
    const room = { at: 1_000, edge: false };
    expect(probe.room(new CallLedger(), room, () => ({ at: 9_999, edge: false }), 1_000)).toBe(room);
    expect(probe.started(1_000)).toBe(false);
  });

  it('lets one call go as the probe where only the trial’s level has room', () => {
    const probe = new TrialProbe();
    expect(probe.room(new CallLedger(), held, open(1_000), 1_000)).toEqual({ at: 1_000, edge: false });
    expect(probe.started(1_000)).toBe(true);
    // Only the call that started at that instant is the probe.
    expect(probe.started(1_000)).toBe(false);
  });

  it('says the call about to start is the probe only at the instant it let the probe go', () => {
    const probe = new TrialProbe();
    expect(probe.lettingGo(1_000)).toBe(false);
    probe.room(new CallLedger(), held, open(1_000), 1_000);
    expect(probe.lettingGo(1_000)).toBe(true);
    expect(probe.lettingGo(1_001)).toBe(false);
    probe.started(1_000);
    expect(probe.lettingGo(1_000)).toBe(false);
  });

  it('holds the next calls until the probe out has passed three 429 round trips', () => {
    const probe = new TrialProbe();
    probe.refusedAfter(40);
    probe.refusedAfter(20);
    // ℓ = 40 + 0.3 · (20 − 40) = 34: the probe of 1 000 has passed at 1 102.
    const ledger = new CallLedger();
    ledger.started({ start: 1_000, estimate: 100, edge: false, probe: true });
    expect(probe.room(ledger, held, open(1_010), 1_010)).toEqual({ at: 1_102, edge: false });
    expect(probe.room(ledger, held, open(1_110), 1_110)).toEqual({ at: 1_110, edge: false });
  });

  it('does not learn the round trip from a 429 stamped before its call left', () => {
    const probe = new TrialProbe();
    probe.refusedAfter(-5);
    const ledger = new CallLedger();
    ledger.started({ start: 1_000, estimate: 100, edge: false, probe: true });
    // No round trip known: a probe out has passed at once.
    expect(probe.room(ledger, held, open(1_001), 1_001)).toEqual({ at: 1_001, edge: false });
  });
});
