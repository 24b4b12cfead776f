import { VirtualTimeScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { SEED_RECOVERY_MS } from '../../src/router/limit/seed-limit.js';
import { normaliseBounds } from '../../src/router/limit/limit.js';
import { FixedLimit } from '../../src/router/limit/fixed-limit.js';
import type { LearntQuota, Pacer } from '../../src/router/pacing/pacer.js';
import { ProviderGate } from '../../src/router/provider-gate.js';
import { captureLogs } from './router-fixtures.js';

const logs = captureLogs();

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('ProviderGate', () => {
  it('emits the current limit to a new subscriber at once', () => {
    scheduler().run(({ expectObservable }) => {
      const limit = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10 });
      expectObservable(limit.limit$).toBe('a', { a: 3 });
      expect(limit.current).toBe(3);
    });
  });

  it('emits 0 while a retry hint pauses dispatch and resumes by itself when it ends', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ProviderGate.create({ policy: 'adaptive', initial: 4, max: 10 }, ts);
      cold('--x').subscribe(() => limit.record({ kind: 'rate_limited', retryAfterMs: 5, startedAt: 0 }));
      cold('--------|').subscribe({ complete: () => limit.close() });
      // At frame 2: limit 4 → ⌊4·0.7⌋ = 2, paused for 5 ms (a short hint: no ramp).
      expectObservable(limit.limit$).toBe('a-b----c|', { a: 4, b: 0, c: 2 });
    });
  });

  it('extends the pause when a later hint asks for longer', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ProviderGate.create({ policy: 'adaptive', initial: 4, max: 10 }, ts);
      // Both calls started at 0; the second 429 is old news for the limit but its hint still counts.
      cold('-x').subscribe(() => limit.record({ kind: 'rate_limited', retryAfterMs: 3, startedAt: 0 }));
      cold('--x').subscribe(() => limit.record({ kind: 'rate_limited', retryAfterMs: 6, startedAt: 0 }));
      cold('----------|').subscribe({ complete: () => limit.close() });
      expectObservable(limit.limit$).toBe('ab------c-|', { a: 4, b: 0, c: 2 });
    });
  });

  it('applies a time-based change without any call (seed recovers after 5 quiet minutes)', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ProviderGate.create({ policy: 'seed', initial: 4, max: 5 }, ts);
      cold(`${SEED_RECOVERY_MS + 1}ms |`).subscribe({ complete: () => limit.close() });
      expectObservable(limit.limit$).toBe(`a ${SEED_RECOVERY_MS - 1}ms b |`, { a: 4, b: 5 });
    });
  });

  it('keeps 1 ≤ min ≤ initial ≤ max, whole numbers', () => {
    expect(normaliseBounds({ initial: 3, max: 10 })).toEqual({ initial: 3, min: 1, max: 10 });
    expect(normaliseBounds({ initial: 50, min: 2, max: 10 })).toEqual({ initial: 10, min: 2, max: 10 });
    expect(normaliseBounds({ initial: 0, min: 0, max: 0 })).toEqual({ initial: 1, min: 1, max: 1 });
    expect(normaliseBounds({ initial: 2.7, max: 5.9 })).toEqual({ initial: 2, min: 1, max: 5 });
    const gate = ProviderGate.create(
      { policy: 'adaptive', initial: 50, min: 2, max: 10 },
      new VirtualTimeScheduler(),
    );
    expect(gate.limit).toBe(10);
    gate.close();
  });

  it('records every change of the limit as { time, reason, old, new } on the scheduler’s clock', () => {
    const ts = new VirtualTimeScheduler();
    ts.frame = Date.UTC(2026, 0, 3, 20, 52);
    const gate = ProviderGate.create({ policy: 'seed', initial: 5, max: 10 }, ts);
    gate.record({ kind: 'rate_limited' });
    const change = { time: '2026-01-03T20:52:00.000Z', reason: 'rate_limit_error_429', old: 5, new: 2 };
    expect(gate.changes).toEqual([change]);
    expect(gate.current).toBe(2);
    ts.frame += 1;
    gate.record({ kind: 'success', latencyMs: 10 });
    expect(gate.changes).toEqual([change]);
    gate.close();
  });

  it('keeps only the latest changes, so a long run does not grow its record without bound', () => {
    const ts = new VirtualTimeScheduler();
    const gate = ProviderGate.create({ policy: 'seed', initial: 10, max: 10, keepChanges: 2 }, ts);
    for (let i = 0; i < 3; i++) {
      ts.frame += 1_000;
      gate.record({ kind: 'rate_limited' });
    }
    expect(gate.changes.map((x) => [x.old, x.new])).toEqual([
      [5, 2],
      [2, 1],
    ]);
    gate.close();
  });

  it('records nothing when an outcome leaves the limit as it was', () => {
    const gate = ProviderGate.create({ policy: 'fixed', initial: 3, max: 10 }, new VirtualTimeScheduler());
    gate.record({ kind: 'rate_limited', retryAfterMs: 1000 });
    expect(gate.changes).toEqual([]);
    expect(gate.current).toBe(3);
    gate.close();
  });

  it('feeds the pacer first: a 429 the adaptive pacer meters pauses dispatch and leaves the limit be', () => {
    const ts = new VirtualTimeScheduler();
    const gate = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10 }, ts);
    for (const s of [0, 100, 200, 300, 400, 500]) {
      ts.frame = s;
      gate.pacer.started(s, 100);
      ts.frame = s + 50;
      gate.record({ kind: 'success', latencyMs: 50, inputTokens: 100, outputTokens: 0, startedAt: s });
    }
    expect(gate.limit).toBe(9);
    ts.frame = 600;
    gate.pacer.started(600, 100);
    gate.record({ kind: 'rate_limited', retryAfterMs: 9_400, quota: 'requests', startedAt: 600 });
    expect(gate.limit).toBe(9);
    expect(gate.current).toBe(0);
    expect(gate.pacer.pausedUntil).toBe(10_000);
    expect(gate.learnt).toEqual({ windowMs: 10_000 });
    gate.close();
  });

  it('gives the limit a 429 the pacer does not meter: adaptive backs off multiplicatively and pauses for the hint', () => {
    const ts = new VirtualTimeScheduler();
    const gate = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10 }, ts);
    for (let i = 0; i < 7; i++) {
      const startedAt = ts.frame;
      ts.frame += 10;
      gate.record({ kind: 'success', latencyMs: 1_000, startedAt });
    }
    expect(gate.limit).toBe(10);
    gate.record({ kind: 'rate_limited', retryAfterMs: 500, startedAt: ts.frame });
    expect(gate.changes.at(-1)).toMatchObject({ reason: 'rate_limit_error_429', old: 10, new: 7 });
    expect(gate.pacer.pausedUntil).toBe(ts.frame + 500);
    gate.close();
  });

  it('stops emitting, and cancels its timers, when closed', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ProviderGate.create({ policy: 'adaptive', initial: 4, max: 10 }, ts);
      cold('x').subscribe(() => limit.record({ kind: 'rate_limited', retryAfterMs: 10, startedAt: 0 }));
      cold('--x').subscribe(() => limit.close());
      cold('----x').subscribe(() => limit.record({ kind: 'success', latencyMs: 5 }));
      expectObservable(limit.limit$).toBe('b-|', { b: 0 });
    });
  });
});

/** Lets promise continuations run (a waiter's then() after the gate let it go). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs the scheduler's timers up to `frame`. */
function runUntil(scheduler: VirtualTimeScheduler, frame: number): void {
  scheduler.maxFrames = frame;
  scheduler.flush();
  scheduler.frame = frame;
}

/** Ten calls through the gate at 0, 100, …, 900 (answered 50 ms later), the eleventh refused at 1 000. */
async function teachWindow(limit: ProviderGate, scheduler: VirtualTimeScheduler): Promise<void> {
  for (let s = 0; s < 1_000; s += 100) {
    scheduler.frame = s;
    await limit.admit(100);
    scheduler.frame = s + 50;
    limit.record({ kind: 'success', latencyMs: 50, inputTokens: 100, outputTokens: 0, startedAt: s });
  }
  scheduler.frame = 1_000;
  await limit.admit(100);
  limit.record({ kind: 'rate_limited', retryAfterMs: 9_000, quota: 'requests', startedAt: 1_000 });
}

describe('ProviderGate admitting calls', () => {
  it('lets a call through at once when the policy does not pace', async () => {
    const limit = ProviderGate.create({ policy: 'seed', initial: 3, max: 10 }, new VirtualTimeScheduler());
    await expect(limit.admit(5_000)).resolves.toBeUndefined();
    expect(limit.waiting).toBe(0);
    limit.close();
  });

  it('holds calls, first come first served, until the learnt window has room for each', async () => {
    const scheduler = new VirtualTimeScheduler();
    const limit = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10 }, scheduler);
    await teachWindow(limit, scheduler);
    const order: string[] = [];
    void limit.admit(100).then(() => order.push('a'));
    void limit.admit(100).then(() => order.push('b'));
    runUntil(scheduler, 9_999);
    await settled();
    expect(order).toEqual([]);
    // Window 10 s, quota 10: the call at 0 has left, so one may go; the next when the call at 100 leaves.
    runUntil(scheduler, 10_000);
    await settled();
    expect(order).toEqual(['a']);
    runUntil(scheduler, 10_100);
    await settled();
    expect(order).toEqual(['a', 'b']);
    expect(limit.learnt).toEqual({ windowMs: 10_000, requests: 10, shape: 'sliding' });
    limit.close();
  });

  it('tells when a call asked for now could start: at once when nothing holds it, else when the window lets the first in line', async () => {
    const free = ProviderGate.create({ policy: 'seed', initial: 3, max: 10 }, new VirtualTimeScheduler());
    expect(free.startsAt(5_000)).toBe(0);
    free.close();
    const scheduler = new VirtualTimeScheduler();
    const limit = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10 }, scheduler);
    await teachWindow(limit, scheduler);
    // The learnt window is full (calls at 0 … 900): the next may start when the call at 0 leaves.
    expect(limit.startsAt(100)).toBe(10_000);
    void limit.admit(100);
    // One already waits for that moment; a call asked for after it starts no sooner.
    expect(limit.startsAt(100)).toBeGreaterThanOrEqual(10_000);
    runUntil(scheduler, 10_000);
    await settled();
    expect(limit.waiting).toBe(0);
    limit.close();
    expect(limit.startsAt(100)).toBe(scheduler.now());
  });

  it('lets a call go now, counted, only when nothing waits and the window has room; else leaves the gate as it was', async () => {
    const scheduler = new VirtualTimeScheduler();
    const limit = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10 }, scheduler);
    await teachWindow(limit, scheduler);
    // The learnt window is full: not now, and nothing queued by asking.
    expect(limit.letGoNow(100)).toBe(false);
    expect(limit.waiting).toBe(0);
    runUntil(scheduler, 10_000);
    expect(limit.letGoNow(100)).toBe(true);
    // The call let go took the room the call at 0 left: the next waits for the call at 100.
    expect(limit.letGoNow(100)).toBe(false);
    expect(limit.startsAt(100)).toBe(10_100);
    limit.close();
  });

  it('says a call cannot go now while one waits whose turn has come, and that it starts after it, until the gate has let that one go', async () => {
    const scheduler = new VirtualTimeScheduler();
    const limit = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10 }, scheduler);
    await teachWindow(limit, scheduler);
    const order: string[] = [];
    void limit.admit(100).then(() => order.push('a'));
    // 10 000: the window has room for 'a', but the gate's timer for it has not run yet.
    scheduler.frame = 10_000;
    expect([limit.waiting, limit.wouldLetGoNow(100), limit.startsAt(100)]).toEqual([1, false, 10_001]);
    runUntil(scheduler, 10_000);
    await settled();
    expect(order).toEqual(['a']);
    // 'a' took that room: the next is the call at 100's, and asking let nothing go.
    expect([limit.waiting, limit.wouldLetGoNow(100), limit.startsAt(100)]).toEqual([0, false, 10_100]);
    expect(limit.inFlight).toBe(1);
    scheduler.frame = 10_100;
    expect(limit.wouldLetGoNow(100)).toBe(true);
    expect(limit.inFlight).toBe(1);
    limit.close();
  });

  it('lets no more calls be on the wire than its limit, whatever room the window has: the next goes when one is recorded', async () => {
    const scheduler = new VirtualTimeScheduler();
    const limit = ProviderGate.create({ policy: 'adaptive', initial: 2, max: 2 }, scheduler);
    await teachWindow(limit, scheduler);
    expect(limit.limit).toBe(2);
    const order: string[] = [];
    for (const id of ['a', 'b', 'c']) void limit.admit(100).then(() => order.push(id));
    // The window lets one go at 10 000 and one at 10 100, and has room at 10 200: the limit has not.
    runUntil(scheduler, 10_200);
    await settled();
    expect(order).toEqual(['a', 'b']);
    expect([limit.inFlight, limit.waiting]).toEqual([2, 1]);
    expect(limit.letGoNow(100)).toBe(false);
    scheduler.frame = 10_250;
    limit.record({ kind: 'success', latencyMs: 250, inputTokens: 100, outputTokens: 0, startedAt: 10_000 });
    await settled();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(limit.inFlight).toBe(2);
    limit.close();
  });

  it('drops a waiting call whose caller gives up, and lets the next one through in its place', async () => {
    const scheduler = new VirtualTimeScheduler();
    const limit = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10 }, scheduler);
    await teachWindow(limit, scheduler);
    const abort = new AbortController();
    const first = limit.admit(100, abort.signal);
    const order: string[] = [];
    void limit.admit(100).then(() => order.push('second'));
    abort.abort();
    await expect(first).rejects.toMatchObject({ kind: 'unavailable' });
    runUntil(scheduler, 10_000);
    await settled();
    expect(order).toEqual(['second']);
    limit.close();
  });

  it('stops pacing when it closes: the calls still waiting go', async () => {
    const scheduler = new VirtualTimeScheduler();
    const limit = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10 }, scheduler);
    await teachWindow(limit, scheduler);
    const order: string[] = [];
    const waiting = limit.admit(100).then(() => order.push('waiting'));
    await settled();
    expect(order).toEqual([]);
    limit.close();
    await waiting;
    expect(order).toEqual(['waiting']);
    await expect(limit.admit(100)).resolves.toBeUndefined();
  });

  it('logs the quota learnt with its window to the ms, and not again for a change below one', () => {
    logs.length = 0;
    const windows = [1_118, 1_127.3166666666666, 1_127.4, 1_136.7109722222222];
    let learnt: LearntQuota = {};
    const pacer: Pacer = {
      pausedUntil: 0,
      get learnt() {
        return learnt;
      },
      openAt: (now) => now,
      started: () => undefined,
      record: () => 'edge',
    };
    const ts = new VirtualTimeScheduler();
    const gate = new ProviderGate(new FixedLimit(normaliseBounds({ initial: 2, max: 2 })), pacer, ts, {
      site: 'acme.atlassian.net',
    });
    for (const windowMs of windows) {
      learnt = { windowMs, requests: 30, shape: 'sliding' };
      gate.record({ kind: 'rate_limited', retryAfterMs: 1_000, startedAt: 0 });
    }
    gate.close();
    const lines = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'quota learnt');
    expect(lines.map((l) => l.windowMs)).toEqual([1_118, 1_127, 1_137]);
  });
});
