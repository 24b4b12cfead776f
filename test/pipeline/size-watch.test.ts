import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../../src/model/provider-name.js';
import type { RouterEvent } from '../../src/model/router-event.js';
import type { QuotaView } from '../../src/pipeline/batch-size-rule.js';
import { sizeWatch } from '../../src/pipeline/size-watch.js';

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
    const router = {
      preferred: 'gemini' as ProviderName,
      learntQuota: { requests: 15 } as QuotaView | undefined,
    };
    const watch = sizeWatch({ size: 5, maxSize: 40, policy: 'adaptive' }, router, new VirtualTimeScheduler());
    const hear = watch.listener();
    hear?.(answer('gemini', 5));
    hear?.(answer('gemini', 10));
    hear?.(answer('gemini', 20));
    expect(watch.size()).toBe(40);
    // Gemini's retry hint makes OpenAI preferred; its tokens bind at 1.2 pages a call.
    Object.assign(router, { preferred: 'openai', learntQuota: { requests: 500, tokens: 200_000 } });
    expect(watch.size()).toBe(5);
    Object.assign(router, { preferred: 'gemini', learntQuota: { requests: 15 } });
    expect(watch.size()).toBe(40);
  });

  it('reads the start and nothing else when the size is pinned', () => {
    const router = { preferred: 'gemini' as ProviderName, learntQuota: { tokens: 1 } };
    const watch = sizeWatch({ size: 5, maxSize: 40, policy: 'fixed' }, router, new VirtualTimeScheduler());
    expect(watch.listener()).toBeUndefined();
    expect(watch.size()).toBe(5);
  });
});
