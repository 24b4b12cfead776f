import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../../src/model/provider-name.js';
import type { RouterEvent } from '../../src/model/router-event.js';
import type { QuotaView } from '../../src/pipeline/batch-size-rule.js';
import { sizeWatch } from '../../src/pipeline/size-watch.js';
import { captureLogs } from '../router/router-fixtures.js';

const answer = (provider: ProviderName, pages: number): RouterEvent => ({
  type: 'call',
  provider,
  model: 'm',
  attempt: 1,
  pages,
  outcome: 'ok',
  inputTokens: pages * 300,
  outputTokens: pages * 20,
});

describe('sizeWatch', () => {
  it('cuts each batch to the quota of the provider preferred when it is cut, not when an answer last came', () => {
    const logs = captureLogs();
    const router = {
      preferred: 'gemini' as ProviderName,
      learntQuota: { requests: 15 } as QuotaView | undefined,
    };
    const watch = sizeWatch({ size: 5, maxSize: 40, policy: 'adaptive' }, router, new VirtualTimeScheduler());
    const hear = watch.listener();
    hear?.(answer('gemini', 5));
    hear?.(answer('gemini', 10));
    hear?.(answer('gemini', 20));
    expect(watch.size(1000)).toBe(40);
    // Gemini's retry hint makes OpenAI preferred; its tokens bind at 1.2 pages a call.
    Object.assign(router, { preferred: 'openai', learntQuota: { requests: 500, tokens: 200_000 } });
    expect(watch.size()).toBe(5);
    Object.assign(router, { preferred: 'gemini', learntQuota: { requests: 15 } });
    expect(watch.size()).toBe(40);
    expect(watch.size()).toBe(40);
    const changes = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'batch size changed')
      .map(({ from, to, cause, provider }) => ({ from, to, cause, provider }));
    expect(changes).toEqual([
      { from: 5, to: 10, cause: 'ok', provider: undefined },
      { from: 10, to: 20, cause: 'ok', provider: undefined },
      { from: 20, to: 40, cause: 'ok', provider: undefined },
      { from: 40, to: 5, cause: 'preferred', provider: 'openai' },
      { from: 5, to: 40, cause: 'preferred', provider: 'gemini' },
    ]);
  });

  it('reads the start and nothing else when the size is pinned', () => {
    const router = { preferred: 'gemini' as ProviderName, learntQuota: { tokens: 1 } };
    const watch = sizeWatch({ size: 5, maxSize: 40, policy: 'fixed' }, router, new VirtualTimeScheduler());
    expect(watch.listener()).toBeUndefined();
    expect(watch.size()).toBe(5);
  });
});
