import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerTransition } from '../../src/router/circuit-breaker.js';

const settings = { failureThreshold: 3, longHintMs: 10_000, cooldownMs: 1_000, maxCooldownMs: 4_000 };

function setup() {
  let now = 0;
  const transitions: BreakerTransition[] = [];
  const breaker = new CircuitBreaker(
    settings,
    () => now,
    (t) => transitions.push(t),
  );
  return { breaker, transitions, advance: (ms: number) => (now += ms), at: () => now };
}

describe('CircuitBreaker', () => {
  it('stays closed below the failure threshold and forgets failures after a success', () => {
    const { breaker } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('says the failure that opened it with the change, and a failed probe’s with the next', () => {
    const { breaker, transitions, advance } = setup();
    breaker.recordFailure(undefined, 'gemini 503: overloaded');
    breaker.recordFailure(undefined, 'gemini 503: overloaded');
    breaker.recordFailure(undefined, 'gemini is unreachable at 127.0.0.1:1: fetch failed');
    advance(1_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure(undefined, 'gemini did not answer within 60000 ms');
    advance(2_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    expect(transitions.map((t) => [t.to, t.error])).toEqual([
      ['open', 'gemini is unreachable at 127.0.0.1:1: fetch failed'],
      ['half_open', undefined],
      ['open', 'gemini did not answer within 60000 ms'],
      ['half_open', undefined],
      ['closed', undefined],
    ]);
  });

  it('opens after N failures in a row and refuses calls during the cool-down', () => {
    const { breaker, transitions, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.openUntil).toBe(1_000);
    expect(transitions).toEqual([
      { from: 'closed', to: 'open', reason: '3 failures in a row', at: 0, openUntil: 1_000 },
    ]);
    advance(999);
    expect(breaker.available).toBe(false);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('opens at once on a retry hint longer than the threshold, for as long as the hint', () => {
    const { breaker } = setup();
    breaker.recordFailure(47_000);
    expect(breaker.state).toBe('open');
    expect(breaker.openUntil).toBe(47_000);
  });

  it('closes without a probe once a retry hint that set its opening has passed', () => {
    const { breaker, transitions, advance } = setup();
    breaker.recordFailure(47_000);
    advance(46_999);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    // Every caller may go at once: the provider said when it would serve.
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('closed');
    expect(transitions.map((t) => `${t.to}:${t.reason}`)).toEqual([
      'open:retry hint 47000 ms',
      'closed:retry hint passed',
    ]);
  });

  it('still probes after a cool-down longer than the hint', () => {
    const { breaker, advance } = setup();
    breaker.recordFailure(200);
    breaker.recordFailure(200);
    breaker.recordFailure(200);
    expect(breaker.openUntil).toBe(1_000);
    advance(1_000);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('does not open on a short retry hint', () => {
    const { breaker } = setup();
    breaker.recordFailure(2_000);
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one probe through after the cool-down', () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    advance(1_000);
    expect(breaker.available).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('half_open');
    expect(breaker.available).toBe(false);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('closes when the probe succeeds', () => {
    const { breaker, transitions, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    advance(1_000);
    breaker.tryAcquire();
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half_open', 'closed']);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('re-opens with a doubled cool-down, capped, while probes keep failing', () => {
    const { breaker, advance, at } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    const cooldowns: number[] = [];
    for (let probe = 0; probe < 4; probe++) {
      advance(breaker.openUntil - at());
      expect(breaker.tryAcquire()).toBe(true);
      breaker.recordFailure();
      cooldowns.push(breaker.openUntil - at());
    }
    expect(cooldowns).toEqual([2_000, 4_000, 4_000, 4_000]);
  });

  it('starts the cool-down over after it closed again', () => {
    const { breaker, advance, at } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    advance(1_000);
    breaker.tryAcquire();
    breaker.recordFailure();
    advance(breaker.openUntil - at());
    breaker.tryAcquire();
    breaker.recordSuccess();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    expect(breaker.openUntil - at()).toBe(1_000);
  });

  it('ignores failures of calls that were already in flight when it opened', () => {
    const { breaker, transitions } = setup();
    for (let i = 0; i < 5; i++) breaker.recordFailure();
    expect(transitions).toHaveLength(1);
  });

  it('trips open for a fixed time and then probes', () => {
    const { breaker, advance } = setup();
    breaker.trip('quota exhausted', 60_000);
    expect(breaker.state).toBe('open');
    advance(59_999);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('frees the probe slot when the probe is released without a verdict', () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    advance(1_000);
    breaker.tryAcquire();
    breaker.release();
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('CircuitBreaker on a scheduler', () => {
  function onClock() {
    const scheduler = new VirtualTimeScheduler();
    const transitions: BreakerTransition[] = [];
    const breaker = new CircuitBreaker(
      settings,
      () => scheduler.now(),
      (t) => transitions.push(t),
      scheduler,
    );
    const advanceTo = (ms: number) => {
      scheduler.maxFrames = ms;
      scheduler.flush();
    };
    return { breaker, transitions, advanceTo };
  }

  it('closes when the retry hint that opened it ends, with no caller asking', () => {
    const { breaker, transitions, advanceTo } = onClock();
    breaker.recordFailure(47_000);
    advanceTo(46_999);
    expect(breaker.state).toBe('open');
    advanceTo(47_000);
    expect(breaker.state).toBe('closed');
    expect(transitions.at(-1)).toMatchObject({
      from: 'open',
      to: 'closed',
      reason: 'retry hint passed',
      at: 47_000,
    });
  });

  it('turns half-open when its cool-down ends, and leaves the probe to the next caller', () => {
    const { breaker, transitions, advanceTo } = onClock();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    advanceTo(1_000);
    expect(transitions.at(-1)).toMatchObject({ to: 'half_open', reason: 'cool-down over', at: 1_000 });
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('stays open as long as a trip that lengthens the spell asks', () => {
    const { breaker, transitions, advanceTo } = onClock();
    breaker.recordFailure(20_000);
    breaker.trip('quota exhausted', 60_000);
    advanceTo(59_999);
    expect(breaker.state).toBe('open');
    advanceTo(60_000);
    expect(transitions.at(-1)).toMatchObject({ to: 'half_open', at: 60_000 });
  });
});
