import { afterEach, describe, expect, it } from 'vitest';
import type { RouterEvent } from '../../src/model/router-event.js';
import { ORIGIN_BACKOFF } from '../../src/operators/backoff.js';
import { DEFAULT_BREAKER } from '../../src/router/circuit-breaker.js';
import { Router } from '../../src/router/router.js';
import type { RouterOptions } from '../../src/router/router-options.js';
import { VirtualClock } from '../support/virtual-clock.js';
import { ClockedProvider, rightAnswer, type Step } from './clocked-provider.js';
import { quietLogs, spacePages } from './router-fixtures.js';

quietLogs();

let router: Router | undefined;
afterEach(() => {
  router?.close();
  router = undefined;
});

const HANG_MS = 60_000;

/** Answers in `latencyMs` (and says so, as a provider's measured latency), except the calls in `hangs`. */
function hangingOn(hangs: readonly number[], latencyMs = 500) {
  return (pages: Parameters<typeof rightAnswer>[0], n: number): Step =>
    hangs.includes(n) ? { latencyMs: HANG_MS } : { latencyMs, answer: { ...rightAnswer(pages), latencyMs } };
}

function routerOn(
  clock: VirtualClock,
  providers: RouterOptions['providers'],
  opts: Partial<RouterOptions> = {},
) {
  router = new Router({
    providers,
    backoff: ORIGIN_BACKOFF,
    breaker: DEFAULT_BREAKER,
    concurrency: { policy: 'fixed', initial: 1, max: 1 },
    scheduler: clock.scheduler,
    random: () => 0.5,
    ...opts,
  });
  return router;
}

async function tagInTurn(clock: VirtualClock, r: Router, batches: number, events: RouterEvent[]) {
  const pages = spacePages(batches * 4, 5);
  for (let i = 0; i < batches; i += 1) {
    const results = await clock.run(
      r.tagBatch(pages.slice(i * 4, i * 4 + 4), { onEvent: (e) => events.push(e) }),
    );
    expect(results.every((p) => p.ok)).toBe(true);
  }
}

describe('Router call deadline', () => {
  it('gives up on a hung call at three times the slowest recent answer and asks again', async () => {
    const clock = new VirtualClock();
    // Three answers show what is usual; the fourth call hangs.
    const gemini = new ClockedProvider('gemini', clock, hangingOn([3]));
    const r = routerOn(clock, { gemini }, { callDeadline: { minMs: 1_000, maxMs: HANG_MS } });
    const events: RouterEvent[] = [];
    await tagInTurn(clock, r, 4, events);

    const hung = events.find((e) => e.type === 'call' && e.outcome === 'timeout');
    expect(hung).toMatchObject({ provider: 'gemini', deadlineMs: 1_500, durationMs: 1_500 });
    // Asked again after the origin's first backoff (500 ms), and answered.
    expect(gemini.calls.map((c) => c.at)).toEqual([0, 500, 1_000, 1_500, 3_000 + ORIGIN_BACKOFF.baseDelayMs]);
    expect(clock.now()).toBe(4_000);
    expect(r.metrics()).toMatchObject({ call_deadlines_passed: 1, failed_calls: 1, successful_calls: 4 });
  });

  it('waits the provider’s timeout for a call that hangs before three answers have shown what is usual', async () => {
    const clock = new VirtualClock();
    const gemini = new ClockedProvider('gemini', clock, hangingOn([2]));
    const r = routerOn(clock, { gemini }, { callDeadline: { minMs: 1_000, maxMs: HANG_MS } });
    const events: RouterEvent[] = [];
    await tagInTurn(clock, r, 3, events);
    expect(clock.now()).toBe(1_000 + HANG_MS);
    expect(r.metrics().call_deadlines_passed).toBe(0);
  });

  it('without a call deadline, a hung call holds its batch until the provider answers', async () => {
    const clock = new VirtualClock();
    const gemini = new ClockedProvider('gemini', clock, hangingOn([2]));
    const r = routerOn(clock, { gemini });
    const events: RouterEvent[] = [];
    await tagInTurn(clock, r, 3, events);
    expect(clock.now()).toBe(1_000 + HANG_MS);
    expect(r.metrics().call_deadlines_passed).toBe(0);
  });

  it('doubles the next deadline each time one passes, so a provider that really slowed down is not hammered', async () => {
    const clock = new VirtualClock();
    // After three answers, a call and its first retry after the deadline hang.
    const gemini = new ClockedProvider('gemini', clock, hangingOn([3, 4]));
    const r = routerOn(clock, { gemini }, { callDeadline: { minMs: 1_000, maxMs: 20_000 } });
    const events: RouterEvent[] = [];
    await tagInTurn(clock, r, 4, events);
    const timeouts = events.filter((e) => e.type === 'call' && e.outcome === 'timeout');
    // 3 × 500 ms, then 6 × 500 ms: a provider that really slowed down is not hammered.
    expect(timeouts.map((e) => (e.type === 'call' ? e.deadlineMs : undefined))).toEqual([1_500, 3_000]);
    expect(r.metrics().call_deadlines_passed).toBe(2);
  });

  it('sends the pages of a call past its deadline to the other provider when its own retries are spent', async () => {
    const clock = new VirtualClock();
    const gemini = new ClockedProvider('gemini', clock, hangingOn([3, 4, 5, 6, 7, 8]));
    const openai = new ClockedProvider('openai', clock, hangingOn([]));
    const r = routerOn(
      clock,
      { gemini, openai },
      { callDeadline: { minMs: 1_000, maxMs: HANG_MS }, backoff: { ...ORIGIN_BACKOFF, maxRetries: 1 } },
    );
    const events: RouterEvent[] = [];
    await tagInTurn(clock, r, 4, events);
    expect(openai.calls).toHaveLength(1);
    expect(clock.now()).toBeLessThan(10_000);
  });
});
