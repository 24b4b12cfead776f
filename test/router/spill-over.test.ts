import { Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import type { Provider } from '../../src/router/provider.js';
import { promptTokens, ProviderSlot } from '../../src/router/provider-slot.js';
import {
  admitOrSpill,
  spillTarget,
  type Admission,
  type SpillCandidate,
} from '../../src/router/spill-over.js';
import type { ProviderName } from '../../src/model/provider-name.js';

const pages = [{ pageId: 'p1', title: 'T', text: 'Some text.' }];

const candidate = (startsAt: number, free: boolean): SpillCandidate & { id: string } => ({
  id: `starts ${startsAt}${free ? '' : ', busy'}`,
  startsAt: () => startsAt,
  canStartNow: () => free && startsAt <= 1_000,
});

describe('spillTarget', () => {
  const at = { now: 1_000, waitingSince: 1_000 };

  it('spills when the provider would hold the call longer than afterMs and another can start it now', () => {
    const q = candidate(1_000, true);
    expect(spillTarget(pages, { ...at, startsAt: 4_001 }, 3_000, [q])).toBe(q);
  });

  it('waits when the provider would start the call within afterMs', () => {
    expect(spillTarget(pages, { ...at, startsAt: 4_000 }, 3_000, [candidate(1_000, true)])).toBeUndefined();
  });

  it('spills a call that has waited afterMs, whatever its provider predicted', () => {
    const q = candidate(1_000, true);
    expect(spillTarget(pages, { now: 1_000, waitingSince: -2_000, startsAt: 1_500 }, 3_000, [q])).toBe(q);
  });

  it('goes only to a provider that can start the call now, the first in preference order', () => {
    const later = candidate(2_000, true);
    const busy = candidate(1_000, false);
    const free = candidate(1_000, true);
    const second = candidate(1_000, true);
    expect(spillTarget(pages, { ...at, startsAt: 60_000 }, 3_000, [later, busy, free, second])).toBe(free);
    expect(spillTarget(pages, { ...at, startsAt: 60_000 }, 3_000, [later, busy])).toBeUndefined();
  });
});

const fake = (name: ProviderName): Provider => ({
  name,
  model: `${name}-m`,
  keySetting: `${name.toUpperCase()}_API_KEY`,
  tag: () => Promise.reject(new Error('not called in these tests')),
});

function slots() {
  const scheduler = new VirtualTimeScheduler();
  const make = (name: ProviderName) =>
    new ProviderSlot(fake(name), {
      breaker: { failureThreshold: 1, longHintMs: 10_000, cooldownMs: 1_000, maxCooldownMs: 4_000 },
      concurrency: { policy: 'adaptive', initial: 2, max: 10 },
      quotaCooldownMs: 60_000,
      now: () => scheduler.now(),
      scheduler,
      onTransition: () => {},
    });
  const advanceTo = (ms: number) => {
    scheduler.maxFrames = ms;
    scheduler.flush();
  };
  return { gemini: make('gemini'), openai: make('openai'), scheduler, advanceTo };
}

/** A 429 whose hint pauses the adaptive policy (short enough to leave the breaker closed). */
const pause = (slot: ProviderSlot, ms: number) =>
  slot.record({ startedAt: 0, error: new TagspaceError('rate_limited', '429', { retryAfterMs: ms }) });

const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

function runUntil(scheduler: VirtualTimeScheduler, frame: number): void {
  scheduler.maxFrames = frame;
  scheduler.flush();
  scheduler.frame = frame;
}

/** Ten calls through the slot's gate at 0, 100, …, 900 (answered 50 ms later), the eleventh refused at 1 000. */
async function teachWindow(slot: ProviderSlot, scheduler: VirtualTimeScheduler): Promise<void> {
  for (let s = 0; s < 1_000; s += 100) {
    scheduler.frame = s;
    await slot.gate.admit(100);
    scheduler.frame = s + 50;
    slot.gate.record({ kind: 'success', latencyMs: 50, inputTokens: 100, outputTokens: 0, startedAt: s });
  }
  scheduler.frame = 1_000;
  await slot.gate.admit(100);
  slot.gate.record({ kind: 'rate_limited', retryAfterMs: 9_000, quota: 'requests', startedAt: 1_000 });
}

describe('admitOrSpill', () => {
  it('goes to the idle provider at once when its own is paused longer than afterMs', async () => {
    const { gemini, openai, scheduler } = slots();
    pause(gemini, 8_000);
    const changes$ = new Subject<void>();
    const admission = await admitOrSpill(gemini, pages, {
      spill: { afterMs: 3_000 },
      candidates: () => [openai],
      scheduler,
      changes$,
      signal: undefined,
    });
    expect(admission).toEqual({ slot: openai, spilled: true, estimatedTokens: promptTokens(pages) });
    expect(scheduler.now()).toBe(0);
  });

  it('stays with its provider when spill-over is off, and goes when the pause ends', async () => {
    const { gemini, openai, scheduler, advanceTo } = slots();
    pause(gemini, 8_000);
    let admission: unknown;
    void admitOrSpill(gemini, pages, {
      spill: undefined,
      candidates: () => [openai],
      scheduler,
      changes$: new Subject<void>(),
      signal: undefined,
    }).then((a) => (admission = a));
    advanceTo(7_999);
    await settled();
    expect(admission).toBeUndefined();
    advanceTo(8_000);
    await settled();
    expect(admission).toMatchObject({ slot: gemini, spilled: false });
  });

  it('waits at its gate while the other provider is busy too, and spills once that one frees', async () => {
    const { gemini, openai, scheduler, advanceTo } = slots();
    pause(gemini, 8_000);
    pause(openai, 5_000);
    let admission: unknown;
    void admitOrSpill(gemini, pages, {
      spill: { afterMs: 3_000 },
      candidates: () => [openai],
      scheduler,
      changes$: new Subject<void>(),
      signal: undefined,
    }).then((a) => (admission = a));
    advanceTo(4_999);
    await settled();
    expect(admission).toBeUndefined();
    // OpenAI's pause ends first: the call goes there then, not when Gemini's does.
    advanceTo(5_000);
    await settled();
    expect(admission).toMatchObject({ slot: openai, spilled: true });
    expect(gemini.gate.waiting).toBe(0);
  });

  it('looks again when a breaker changes, once the call has waited afterMs', async () => {
    const { gemini, openai, scheduler, advanceTo } = slots();
    pause(gemini, 30_000);
    openai.record({ startedAt: 0, error: new TagspaceError('overloaded', '503') });
    expect(openai.breaker.state).toBe('open');
    const changes$ = new Subject<void>();
    let admission: unknown;
    void admitOrSpill(gemini, pages, {
      spill: { afterMs: 3_000 },
      candidates: () => [openai],
      scheduler,
      changes$,
      signal: undefined,
    }).then((a) => (admission = a));
    advanceTo(1_000);
    // Half-open at 1 s: this call may be the probe.
    changes$.next();
    await settled();
    expect(admission).toBeUndefined();
    advanceTo(3_000);
    await settled();
    expect(admission).toMatchObject({ slot: openai, spilled: true });
    expect(openai.breaker.tryAcquire()).toBe(false);
  });

  it("sends calls dispatched in one tick past their provider's limit to the idle provider", async () => {
    const { gemini, openai, scheduler } = slots();
    const options = {
      spill: { afterMs: 3_000 },
      candidates: () => [openai],
      scheduler,
      changes$: new Subject<void>(),
      signal: undefined,
    };
    // Both limits start at 2: four calls asked for together fill both, none goes past either.
    const admissions = (await Promise.all(
      [1, 2, 3, 4].map(() => admitOrSpill(gemini, pages, options)),
    )) as Admission[];
    expect(admissions.map((a) => [a.slot.name, a.spilled])).toEqual([
      ['gemini', false],
      ['gemini', false],
      ['openai', true],
      ['openai', true],
    ]);
    expect([gemini.active, openai.active]).toEqual([2, 2]);
  });

  it('gives back the admission its own gate made in the instant the call spilled, counting no call there', async () => {
    const { gemini, openai, scheduler, advanceTo } = slots();
    // Both pauses end as the call has waited afterMs: Gemini's gate lets the call go, and in the
    // same instant, before that admission is heard of, the look at afterMs sends it to OpenAI.
    pause(gemini, 3_000);
    pause(openai, 3_000);
    let admission: unknown;
    void admitOrSpill(gemini, pages, {
      spill: { afterMs: 3_000 },
      candidates: () => [openai],
      scheduler,
      changes$: new Subject<void>(),
      signal: undefined,
    }).then((a) => (admission = a));
    advanceTo(3_000);
    await settled();
    expect(admission).toMatchObject({ slot: openai, spilled: true });
    expect([gemini.active, openai.active]).toEqual([0, 1]);
    // Gemini's limit is whole: a call starts there at once, and then it is full.
    expect(gemini.canStartNow(pages)).toBe(true);
    await gemini.admit(pages);
    expect(gemini.active).toBe(1);
  });

  it("leaves its provider's gate, spill-over off, when the provider's breaker opens while the call waits there for the limit", async () => {
    const { gemini, openai, scheduler } = slots();
    const changes$ = new Subject<void>();
    // Gemini's two calls fill its limit: a third waits at its gate.
    await Promise.all([gemini.admit(pages), gemini.admit(pages)]);
    let admission: unknown;
    void admitOrSpill(gemini, pages, {
      spill: undefined,
      candidates: () => [openai],
      scheduler,
      changes$,
      signal: undefined,
    }).then((a) => (admission = a));
    await settled();
    expect([admission, gemini.gate.waiting]).toEqual([undefined, 1]);
    // One of them is refused with a minute's hint: the breaker opens, and the call would wait it out.
    gemini.record({
      startedAt: 0,
      error: new TagspaceError('rate_limited', '429', { retryAfterMs: 60_000 }),
    });
    expect(gemini.breaker.state).toBe('open');
    changes$.next();
    await settled();
    expect(admission).toEqual({ left: gemini });
    expect([gemini.gate.waiting, gemini.active]).toEqual([0, 1]);
  });

  it('does not spill into a gate where calls still wait, even in the instant its window lets the first of them go', async () => {
    const { gemini, openai, scheduler } = slots();
    const changes$ = new Subject<void>();
    await teachWindow(gemini, scheduler);
    // OpenAI is paused until 10 500; Gemini's window has room at 10 000, 10 100, … and two calls wait for it.
    pause(openai, 9_500);
    const order: string[] = [];
    for (const id of ['a', 'b']) void gemini.gate.admit(100).then(() => order.push(id));
    let admission: unknown;
    void admitOrSpill(openai, pages, {
      spill: { afterMs: 3_000 },
      candidates: () => [gemini],
      scheduler,
      changes$,
      signal: undefined,
    }).then((a) => (admission = a));
    runUntil(scheduler, 10_050);
    await settled();
    expect(order).toEqual(['a']);
    gemini.gate.record({
      kind: 'success',
      latencyMs: 50,
      inputTokens: 100,
      outputTokens: 0,
      startedAt: 10_000,
    });
    // 10 100: the window lets 'b' go, but the gate's timer for it has not run when a breaker
    // change is heard. Sent to Gemini now, the call would wait behind 'b' — on the free tier, for
    // the next window, once the calls queued there had filled this one.
    scheduler.frame = 10_100;
    expect(gemini.canStartNow(pages)).toBe(false);
    changes$.next();
    await settled();
    expect([admission, gemini.gate.waiting]).toEqual([undefined, 1]);
    // Once 'b' has gone the call takes the window's next room at once.
    runUntil(scheduler, 10_200);
    await settled();
    expect(order).toEqual(['a', 'b']);
    expect(admission).toMatchObject({ slot: gemini, spilled: true });
    expect(gemini.gate.waiting).toBe(0);
  });

  it('rejects, leaving no waiter behind, when the caller aborts', async () => {
    const { gemini, openai, scheduler } = slots();
    pause(gemini, 8_000);
    pause(openai, 8_000);
    const controller = new AbortController();
    const waiting = admitOrSpill(gemini, pages, {
      spill: { afterMs: 3_000 },
      candidates: () => [openai],
      scheduler,
      changes$: new Subject<void>(),
      signal: controller.signal,
    });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'unavailable' });
    expect(gemini.gate.waiting).toBe(0);
  });
});
