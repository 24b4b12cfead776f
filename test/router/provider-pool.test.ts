import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { logger } from '../../src/telemetry/log.js';
import type { Provider } from '../../src/router/provider.js';
import { ProviderPool } from '../../src/router/provider-pool.js';
import type { ProviderSlot } from '../../src/router/provider-slot.js';
import { quietLogs } from './router-fixtures.js';
import type { ProviderName } from '../../src/model/provider-name.js';

quietLogs();

const fake = (name: ProviderName): Provider => ({
  name,
  model: `${name}-m`,
  keySetting: `${name.toUpperCase()}_API_KEY`,
  tag: () => Promise.reject(new Error('not called in these tests')),
});

function setup(names: ProviderName[] = ['gemini', 'openai']) {
  const scheduler = new VirtualTimeScheduler();
  const pool = new ProviderPool(
    names.map(fake),
    {
      breaker: { failureThreshold: 1, longHintMs: 10_000, cooldownMs: 1_000, maxCooldownMs: 4_000 },
      concurrency: { policy: 'fixed', initial: 3, max: 10 },
      quotaCooldownMs: 60_000,
      now: () => scheduler.now(),
      scheduler,
      log: logger('test'),
    },
    () => {},
  );
  const slot = (name: ProviderName) => pool.slots.find((s) => s.name === name) as ProviderSlot;
  return { pool, slot, scheduler };
}

const overloaded = new TagspaceError('overloaded', 'down');
const anyBudget = () => true;

describe('ProviderPool', () => {
  it('picks Gemini first while it can serve', () => {
    const { pool } = setup();
    expect(pool.pick(anyBudget, new Set())).toEqual({ slot: pool.primary });
    expect(pool.preferred.name).toBe('gemini');
  });

  it('picks OpenAI when Gemini’s budget for the group is spent or it was tried', () => {
    const { pool, slot } = setup();
    expect(pool.pick((s) => s.name !== 'gemini', new Set())).toEqual({ slot: slot('openai') });
    expect(pool.pick(anyBudget, new Set([slot('gemini')]))).toEqual({ slot: slot('openai') });
  });

  it('probes a provider whose budget is spent when every budget is spent', () => {
    const { pool } = setup();
    expect(pool.pick(() => false, new Set())).toEqual({ slot: pool.primary });
  });

  it('skips an open breaker, prefers the other provider, and names when the first may be probed', () => {
    const { pool, slot } = setup();
    slot('gemini').record({ startedAt: 0, error: overloaded });
    expect(pool.preferred.name).toBe('openai');
    expect(pool.pick(anyBudget, new Set())).toEqual({ slot: slot('openai') });
    slot('openai').record({ startedAt: 0, error: overloaded });
    expect(pool.pick(anyBudget, new Set())).toEqual({ reopenAt: 1_000 });
    expect(pool.drainTransitions().map((t) => `${t.provider}:${t.t.to}`)).toEqual([
      'gemini:open',
      'openai:open',
    ]);
    expect(pool.drainTransitions()).toEqual([]);
  });

  it('throws auth naming every setting once no provider is usable', () => {
    const { pool, slot } = setup();
    for (const name of ['gemini', 'openai'] as const) {
      slot(name).record({
        startedAt: 0,
        error: new TagspaceError('auth', `${name} key rejected`, {
          setting: `${name.toUpperCase()}_API_KEY`,
        }),
      });
    }
    expect(() => pool.pick(anyBudget, new Set())).toThrow(
      expect.objectContaining({ kind: 'auth', setting: 'GEMINI_API_KEY,OPENAI_API_KEY' }),
    );
  });

  it('refuses to exist without a provider', () => {
    expect(() => setup([])).toThrow(expect.objectContaining({ kind: 'config' }));
  });
});
