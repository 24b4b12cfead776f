import { describe, expect, it } from 'vitest';
import { OwnCalls } from '../../../src/router/sharing/own-calls.js';

describe('OwnCalls', () => {
  it('takes one reported token per estimated token before any answer, then the answered calls’ ratio', () => {
    const own = new OwnCalls();
    expect(own.k).toBe(1);
    own.started(0, 100);
    own.started(10, 300);
    own.record({ kind: 'success', latencyMs: 50, inputTokens: 150, outputTokens: 50, startedAt: 0 }, 50);
    expect(own.k).toBe(2);
    own.record({ kind: 'success', latencyMs: 50, inputTokens: 200, startedAt: 10 }, 60);
    expect(own.k).toBe(1);
  });

  it('costs an answered call what the provider reported, one not answered yet k times its estimate', () => {
    const own = new OwnCalls();
    own.started(0, 100);
    own.started(10, 40);
    own.record({ kind: 'success', latencyMs: 50, inputTokens: 300, startedAt: 0 }, 50);
    const [answered, waiting] = own.inWindow(60, 1_000);
    expect(own.costOf(answered!)).toBe(300);
    expect(own.costOf(waiting!)).toBe(120);
    expect(own.costOfAll(own.inWindow(60, 1_000))).toBe(420);
  });

  it('forgets a call the provider refused, and keeps one that failed otherwise', () => {
    const own = new OwnCalls();
    own.started(0, 100);
    own.started(10, 100);
    own.record({ kind: 'rate_limited', retryAfterMs: 500, startedAt: 0 }, 40);
    own.record({ kind: 'failure', startedAt: 10 }, 50);
    expect(own.inWindow(60, 1_000).map((c) => c.start)).toEqual([10]);
  });

  it('gives the answers to calls let go together one each, to a call not answered yet', () => {
    const own = new OwnCalls();
    own.started(0, 100);
    own.started(0, 100);
    own.record({ kind: 'success', latencyMs: 50, inputTokens: 10, startedAt: 0 }, 50);
    own.record({ kind: 'success', latencyMs: 60, inputTokens: 20, startedAt: 0 }, 60);
    expect(own.inWindow(60, 1_000).map((c) => c.cost)).toEqual([10, 20]);
  });

  it('holds a slow send in the window from when the provider got it, oldest in the window first', () => {
    const own = new OwnCalls();
    own.started(0, 100);
    own.started(100, 100);
    own.record({ kind: 'success', latencyMs: 400, arrivedBy: 300, startedAt: 0 }, 400);
    expect(own.inWindow(400, 1_000).map((c) => c.at)).toEqual([100, 300]);
    // A window of 1 s at 1 250 ms no longer holds the call that left at 100, still the slow one.
    expect(own.inWindow(1_250, 1_000).map((c) => c.start)).toEqual([0]);
  });

  it('never puts a call in the window later than its answer, whatever the answer says', () => {
    const own = new OwnCalls();
    own.started(0, 100);
    own.record({ kind: 'success', latencyMs: 200, arrivedBy: 900, startedAt: 0 }, 200);
    expect(own.inWindow(200, 1_000)[0]?.at).toBe(200);
  });

  it('tells the calls a window ending at a 429 held, the 429’s end included', () => {
    const own = new OwnCalls();
    for (const t of [0, 500, 1_000, 1_500]) own.started(t, 100);
    expect(own.heldAt(1_000, 1_000).map((c) => c.start)).toEqual([500, 1_000]);
  });

  it('forgets the calls that started the kept span or longer ago', () => {
    const own = new OwnCalls();
    for (const t of [0, 500, 1_000]) own.started(t, 100);
    own.prune(1_500, 1_000);
    expect(own.inWindow(1_500, 10_000).map((c) => c.start)).toEqual([1_000]);
  });
});
