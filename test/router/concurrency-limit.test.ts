import { VirtualTimeScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ConcurrencyController } from '../../src/router/concurrency-controller.js';
import { ConcurrencyLimit } from '../../src/router/concurrency-limit.js';
import { SEED_RECOVERY_MS } from '../../src/router/policies/seed-policy.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('ConcurrencyLimit', () => {
  it('emits the current limit to a new subscriber at once', () => {
    scheduler().run(({ expectObservable }) => {
      const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 3, max: 10 });
      expectObservable(limit.limit$).toBe('a', { a: 3 });
      expect(limit.current).toBe(3);
    });
  });

  it('emits 0 while a retry hint pauses dispatch and resumes by itself when it ends', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 4, max: 10 }, ts);
      cold('--x').subscribe(() => limit.record({ kind: 'rate_limited', retryAfterMs: 5, startedAt: 0 }));
      cold('--------|').subscribe({ complete: () => limit.close() });
      // At frame 2: limit 4 → ⌊4·0.7⌋ = 2, paused for 5 ms (a short hint: no ramp).
      expectObservable(limit.limit$).toBe('a-b----c|', { a: 4, b: 0, c: 2 });
    });
  });

  it('extends the pause when a later hint asks for longer', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 4, max: 10 }, ts);
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
      const limit = ConcurrencyLimit.create({ policy: 'seed', initial: 4, max: 5 }, ts);
      cold(`${SEED_RECOVERY_MS + 1}ms |`).subscribe({ complete: () => limit.close() });
      expectObservable(limit.limit$).toBe(`a ${SEED_RECOVERY_MS - 1}ms b |`, { a: 4, b: 5 });
    });
  });

  it('keeps the controller’s change log', () => {
    scheduler().run(() => {
      const controller = new ConcurrencyController({ policy: 'seed', initial: 8, max: 10, now: () => 0 });
      const limit = new ConcurrencyLimit(controller);
      limit.record({ kind: 'rate_limited' });
      expect(limit.changes).toEqual([
        { time: new Date(0).toISOString(), reason: 'rate_limit_error_429', old: 8, new: 4 },
      ]);
      expect(limit.current).toBe(4);
      limit.close();
    });
  });

  it('stops emitting, and cancels its timers, when closed', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 4, max: 10 }, ts);
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
async function teachWindow(limit: ConcurrencyLimit, scheduler: VirtualTimeScheduler): Promise<void> {
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

describe('ConcurrencyLimit gate', () => {
  it('lets a call through at once when the policy does not pace', async () => {
    const limit = ConcurrencyLimit.create(
      { policy: 'seed', initial: 3, max: 10 },
      new VirtualTimeScheduler(),
    );
    await expect(limit.admit(5_000)).resolves.toBeUndefined();
    expect(limit.waiting).toBe(0);
    limit.close();
  });

  it('holds calls, first come first served, until the learnt window has room for each', async () => {
    const scheduler = new VirtualTimeScheduler();
    const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 3, max: 10 }, scheduler);
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
    expect(limit.learntQuota).toEqual({ windowMs: 10_000, requests: 10 });
    limit.close();
  });

  it('drops a waiting call whose caller gives up, and lets the next one through in its place', async () => {
    const scheduler = new VirtualTimeScheduler();
    const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 3, max: 10 }, scheduler);
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
    const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 3, max: 10 }, scheduler);
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
});
