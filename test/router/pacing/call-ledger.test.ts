import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';

describe('CallLedger', () => {
  it('costs calls out by what answers cost per estimated token', () => {
    const ledger = new CallLedger();
    expect(ledger.costPerEstimate).toBe(1);
    ledger.started({ start: 0, estimate: 100, edge: false });
    ledger.admit(0, 130);
    expect(ledger.costPerEstimate).toBe(1.3);
    ledger.started({ start: 10, estimate: 200, edge: false });
    // 130 admitted in the window, and 200 · 1.3 out.
    expect(ledger.held(20, 1_000)).toBe(390);
  });

  it('matches an outcome to the call out with the nearest start', () => {
    const ledger = new CallLedger();
    ledger.started({ start: 100, estimate: 1, edge: false });
    ledger.started({ start: 200, estimate: 2, edge: true });
    expect(ledger.finished(203)).toEqual({ start: 200, estimate: 2, edge: true });
    expect(ledger.out).toHaveLength(1);
  });

  it('names the call out an outcome is without taking it, as finishing it would', () => {
    const ledger = new CallLedger();
    ledger.started({ start: 1_000, estimate: 100, edge: false });
    ledger.started({ start: 2_000, estimate: 100, edge: false });
    expect(ledger.match(2_001)?.start).toBe(2_000);
    expect(ledger.out).toHaveLength(2);
    expect(ledger.finished(2_001)?.start).toBe(2_000);
    expect(ledger.out.map((c) => c.start)).toEqual([1_000]);
  });

  it('tells calls started at one instant apart by the estimate the outcome names', () => {
    const ledger = new CallLedger();
    for (const estimate of [1_315, 1_870, 1_642]) ledger.started({ start: 668, estimate, edge: false });
    // A 429 for the call of 1 870: not the smallest of the three, which it took before.
    expect(ledger.finished(668, undefined, 1_870)?.estimate).toBe(1_870);
    expect(ledger.finished(668)?.estimate).toBe(1_315);
    expect(ledger.admit(668, 1_600, 700, 1_642)).toMatchObject({ estimate: 1_642 });
  });

  it('keeps admitted calls in order of start and counts only those inside the window', () => {
    const ledger = new CallLedger();
    ledger.admit(300, 3);
    ledger.admit(100, 1);
    ledger.admit(200, 2);
    expect(ledger.admitted.map((a) => a.start)).toEqual([100, 200, 300]);
    expect(ledger.held(1_150, 1_000)).toBe(5);
    expect(ledger.between(100, 300).map((a) => a.cost)).toEqual([2, 3]);
    ledger.prune(200);
    expect(ledger.admitted.map((a) => a.start)).toEqual([300]);
  });

  it('charges an answer without reported tokens at its estimate', () => {
    const ledger = new CallLedger();
    ledger.started({ start: 0, estimate: 50, edge: false });
    ledger.admit(0, undefined);
    expect(ledger.admitted[0]?.cost).toBe(50);
  });

  it('matches an answer to the call of its start whose estimate fits the tokens it reported', () => {
    const ledger = new CallLedger();
    ledger.started({ start: 100, estimate: 1_000, edge: false });
    ledger.started({ start: 100, estimate: 3_000, edge: false });
    ledger.admit(100, 2_900);
    expect(ledger.out).toEqual([{ start: 100, estimate: 1_000, edge: false }]);
  });

  it('takes a refusal among calls that started together for the smallest, so larger ones stay counted', () => {
    const ledger = new CallLedger();
    ledger.started({ start: 100, estimate: 3_000, edge: false });
    ledger.started({ start: 100, estimate: 1_000, edge: false });
    expect(ledger.finished(100)?.estimate).toBe(1_000);
    expect(ledger.held(100, 1_000)).toBe(3_000);
  });
});
