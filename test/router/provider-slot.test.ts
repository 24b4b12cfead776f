import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import type { BreakerTransition } from '../../src/router/circuit-breaker.js';
import type { Provider } from '../../src/router/provider.js';
import { ProviderSlot } from '../../src/router/provider-slot.js';
import { LONE_SHARE, type QuotaShare } from '../../src/router/sharing/quota-share.js';

const provider: Provider = {
  name: 'gemini',
  model: 'm',
  keySetting: 'GEMINI_API_KEY',
  tag: () => Promise.reject(new Error('not called in these tests')),
};

function setup(policy: 'seed' | 'adaptive' = 'seed', share?: QuotaShare) {
  const scheduler = new VirtualTimeScheduler();
  const transitions: BreakerTransition[] = [];
  const slot = new ProviderSlot(provider, {
    breaker: { failureThreshold: 2, longHintMs: 10_000, cooldownMs: 1_000, maxCooldownMs: 4_000 },
    concurrency: { policy, initial: 4, max: 10 },
    quotaCooldownMs: 60_000,
    now: () => scheduler.now(),
    scheduler,
    onTransition: (_p, t) => transitions.push(t),
    ...(share !== undefined && { share }),
  });
  return { slot, transitions, scheduler };
}

const error = (kind: TagspaceError['kind'], retryAfterMs?: number, quota?: 'requests' | 'tokens') =>
  new TagspaceError(kind, kind, { retryAfterMs, quota });

const page = { pageId: 'p1', title: 'Title', text: 'Some text of the page.' };

describe('ProviderSlot', () => {
  it('opens the breaker on a long 429 hint and tells the controller about the 429', () => {
    const { slot } = setup();
    slot.record({ startedAt: 0, error: error('rate_limited', 47_000) });
    expect(slot.breaker.state).toBe('open');
    expect(slot.breaker.openUntil).toBe(47_000);
    expect(slot.gate.limit).toBe(2);
  });

  it('counts overloads and timeouts towards opening the breaker', () => {
    const { slot } = setup();
    slot.record({ startedAt: 0, error: error('overloaded') });
    slot.record({ startedAt: 0, error: error('timeout') });
    expect(slot.breaker.state).toBe('open');
  });

  it('leaves a provider with a spent quota alone for the quota cool-down', () => {
    const { slot, transitions } = setup();
    slot.record({ startedAt: 0, error: error('quota_exhausted') });
    expect(slot.breaker.openUntil).toBe(60_000);
    expect(transitions[0]).toMatchObject({ to: 'open', reason: 'quota exhausted' });
  });

  it('marks the provider unusable on auth and config errors', () => {
    const { slot } = setup();
    const auth = error('auth');
    slot.record({ startedAt: 0, error: auth });
    expect(slot.unusable).toBe(auth);
  });

  it('counts an answer, even an unusable one, as the provider serving', () => {
    const { slot } = setup();
    slot.record({ startedAt: 0, error: error('overloaded') });
    slot.record({ startedAt: 0, answeredLatencyMs: 30, error: error('malformed_output') });
    slot.record({ startedAt: 0, error: error('overloaded') });
    expect(slot.breaker.state).toBe('closed');
  });

  it('counts a page the provider rejects as the provider serving', () => {
    const { slot } = setup();
    slot.record({ startedAt: 0, error: error('overloaded') });
    slot.record({ startedAt: 0, error: error('bad_request') });
    slot.record({ startedAt: 0, error: error('overloaded') });
    expect(slot.breaker.state).toBe('closed');
  });

  it('learns nothing from an aborted call and frees the probe', () => {
    const { slot, scheduler } = setup();
    slot.record({ startedAt: 0, error: error('overloaded') });
    slot.record({ startedAt: 0, error: error('overloaded') });
    scheduler.frame = 1_000;
    expect(slot.breaker.tryAcquire()).toBe(true);
    expect(slot.breaker.tryAcquire()).toBe(false);
    slot.record({ startedAt: 1_000, error: error('unavailable'), aborted: true });
    expect(slot.breaker.state).toBe('half_open');
    expect(slot.breaker.tryAcquire()).toBe(true);
  });

  it('gives the pacing the tokens each answer cost and the quota a 429 named', async () => {
    const { slot, scheduler } = setup('adaptive');
    for (let s = 0; s < 1_000; s += 100) {
      scheduler.frame = s;
      await slot.admit([page]);
      scheduler.frame = s + 50;
      slot.record({ startedAt: s, answeredLatencyMs: 50, usage: { inputTokens: 300, outputTokens: 100 } });
    }
    scheduler.frame = 1_000;
    await slot.admit([page]);
    slot.record({ startedAt: 1_000, error: error('rate_limited', 9_000, 'tokens') });
    scheduler.frame = 10_000;
    expect(slot.gate.limit).toBe(10);
    await slot.admit([page]);
    expect(slot.gate.learnt).toEqual({ windowMs: 10_000, tokens: 4_000, shape: 'sliding' });
  });

  it('counts no 429 the pacing reads as news about the window’s timing towards opening the breaker', async () => {
    const { slot, scheduler } = setup('adaptive');
    for (let s = 0; s < 1_000; s += 100) {
      scheduler.frame = s;
      await slot.admit([page]);
      slot.record({ startedAt: s, answeredLatencyMs: 50 });
    }
    scheduler.frame = 1_000;
    await slot.admit([page]);
    slot.record({ startedAt: 1_000, error: error('rate_limited', 9_000, 'requests') });
    scheduler.frame = 10_000;
    await slot.admit([page]);
    slot.record({ startedAt: 10_000, answeredLatencyMs: 50 });
    // Two calls the gate let go as their room came, each refused for a moment: the send lagged
    // the provider's clock. The breaker (two failures open it here) stays closed.
    for (let i = 0; i < 2; i += 1) {
      const admitted = slot.admit([page]);
      scheduler.flush();
      await admitted;
      const sent = scheduler.now();
      expect(sent).toBeGreaterThan(10_000);
      slot.record({ startedAt: sent, error: error('rate_limited', 20, 'requests') });
    }
    expect(slot.breaker.state).toBe('closed');
  });

  it('tells the pacing which call each outcome is for: its start and the estimate it started with', async () => {
    const { slot } = setup('adaptive');
    const seen: unknown[] = [];
    const record = slot.gate.record.bind(slot.gate);
    slot.gate.record = (outcome) => {
      seen.push(outcome);
      return record(outcome);
    };
    const tokens = await slot.admit([page]);
    slot.record({ startedAt: 0, error: error('rate_limited', 1_000, 'tokens'), estimatedTokens: tokens });
    slot.record({ startedAt: 0, answeredLatencyMs: 50, estimatedTokens: 70 });
    expect(seen).toMatchObject([
      { kind: 'rate_limited', startedAt: 0, estimate: tokens },
      { kind: 'success', startedAt: 0, estimate: 70 },
    ]);
  });

  it('lets go of the breaker’s probe when a call waiting at the gate is abandoned', async () => {
    const { slot, scheduler } = setup();
    slot.record({ startedAt: 0, error: error('overloaded') });
    slot.record({ startedAt: 0, error: error('overloaded') });
    scheduler.frame = 1_000;
    expect(slot.breaker.tryAcquire()).toBe(true);
    const abort = new AbortController();
    abort.abort();
    await expect(slot.admit([page], abort.signal)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(slot.breaker.tryAcquire()).toBe(true);
  });

  it('tells the key’s share of each call it lets through, of the calls waiting, and of what the provider counted', async () => {
    const heard: string[] = [];
    const share: QuotaShare = {
      ...LONE_SHARE,
      admitted: (at, tokens) => heard.push(`admitted ${at} ${tokens}`),
      revise: (at, requests, tokens) => heard.push(`revise ${at} ${requests} ${tokens}`),
      demand: (_now, waiting) => heard.push(`waiting ${waiting}`),
    };
    const { slot } = setup('seed', share);
    const tokens = await slot.admit([page]);
    expect(tokens).toBeGreaterThan(0);
    expect(heard).toEqual(['waiting 0', 'waiting 0', `admitted 0 ${tokens}`]);
    heard.length = 0;
    slot.record({
      startedAt: 0,
      answeredLatencyMs: 5,
      usage: { inputTokens: 100, outputTokens: 20 },
      estimatedTokens: 80,
    });
    slot.record({ startedAt: 0, error: error('rate_limited', 1_000), estimatedTokens: 80 });
    slot.record({ startedAt: 0, error: error('overloaded'), estimatedTokens: 80 });
    expect(heard).toEqual(['revise 0 0 40', 'revise 0 -1 -80']);
  });

  it('tells the key’s share a call the provider got late (a slow send) as made when it got it', () => {
    const heard: string[] = [];
    const share: QuotaShare = {
      ...LONE_SHARE,
      revise: (at, requests, tokens) => heard.push(`revise ${at} ${requests} ${tokens}`),
    };
    const { slot } = setup('seed', share);
    const usage = { inputTokens: 100, outputTokens: 20 };
    slot.record({ startedAt: 0, answeredLatencyMs: 400, usage, arrivedBy: 300, estimatedTokens: 80 });
    expect(heard).toEqual(['revise 0 -1 -80', 'revise 300 1 120']);
  });
});
