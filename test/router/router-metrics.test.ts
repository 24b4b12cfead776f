import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { RouterAccounting } from '../../src/router/router-metrics.js';

const prices = { 'gemini-2.0-flash': { inputPerMillion: 0.1, outputPerMillion: 0.4 } };

describe('RouterAccounting', () => {
  it('counts calls, failures and 429s in the origin document’s names', () => {
    const a = new RouterAccounting(prices);
    a.recordCall('gemini', 'gemini-2.0-flash');
    a.recordCall('gemini', 'gemini-2.0-flash', new TagspaceError('rate_limited', '429', { status: 429 }));
    a.recordCall('gemini', 'gemini-2.0-flash', new TagspaceError('quota_exhausted', '429', { status: 429 }));
    a.recordCall('openai', 'gpt-x', new TagspaceError('overloaded', '503', { status: 503 }));
    a.recordRetry();
    a.recordFallback();
    const m = a.snapshot({ currentConcurrency: 3, preferred: 'gemini', adjustments: [] });
    expect(m).toMatchObject({
      total_ai_calls: 4,
      successful_calls: 1,
      failed_calls: 3,
      rate_limit_errors: 2,
      retries: 1,
      fallback_switches: 1,
      current_concurrency: 3,
      preferred_provider: 'gemini',
    });
    expect(
      m.providers.map(({ provider, calls, successful_calls, failed_calls, rate_limit_errors }) => ({
        provider,
        calls,
        successful_calls,
        failed_calls,
        rate_limit_errors,
      })),
    ).toEqual([
      { provider: 'gemini', calls: 3, successful_calls: 1, failed_calls: 2, rate_limit_errors: 2 },
      { provider: 'openai', calls: 1, successful_calls: 0, failed_calls: 1, rate_limit_errors: 0 },
    ]);
  });

  it('adds up tokens and cost per provider and model; an unpriced model costs nothing', () => {
    const a = new RouterAccounting(prices);
    expect(
      a.recordUsage('gemini', 'gemini-2.0-flash', { inputTokens: 1_000_000, outputTokens: 500_000 }),
    ).toBeCloseTo(0.3);
    a.recordUsage('gemini', 'gemini-2.0-flash', { inputTokens: 10, outputTokens: 5 });
    a.recordUsage('openai', 'gpt-x', { inputTokens: 100, outputTokens: 50 });
    const m = a.snapshot({ currentConcurrency: 1, preferred: undefined, adjustments: [] });
    expect(m.providers).toMatchObject([
      {
        provider: 'gemini',
        model: 'gemini-2.0-flash',
        calls: 0,
        input_tokens: 1_000_010,
        output_tokens: 500_005,
        cost_usd: expect.closeTo(0.300003, 9),
        priced: true,
      },
      {
        provider: 'openai',
        model: 'gpt-x',
        calls: 0,
        input_tokens: 100,
        output_tokens: 50,
        cost_usd: 0,
        priced: false,
      },
    ]);
    expect(m).toMatchObject({ input_tokens: 1_000_110, output_tokens: 500_055, preferred_provider: null });
  });

  it('lists both providers’ concurrency changes in time order, in the origin’s shape', () => {
    const a = new RouterAccounting(prices);
    const m = a.snapshot({
      currentConcurrency: 2,
      preferred: 'gemini',
      adjustments: [
        {
          provider: 'gemini',
          changes: [{ time: '2026-01-01T00:00:02.000Z', reason: 'rate_limit_error_429', old: 4, new: 2 }],
        },
        {
          provider: 'openai',
          changes: [{ time: '2026-01-01T00:00:01.000Z', reason: 'slow_start', old: 3, new: 4 }],
        },
      ],
    });
    expect(m.concurrency_adjustments).toEqual([
      {
        time: '2026-01-01T00:00:01.000Z',
        provider: 'openai',
        reason: 'slow_start',
        old_concurrency: 3,
        new_concurrency: 4,
      },
      {
        time: '2026-01-01T00:00:02.000Z',
        provider: 'gemini',
        reason: 'rate_limit_error_429',
        old_concurrency: 4,
        new_concurrency: 2,
      },
    ]);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('records the failure that opened a breaker with its transition', () => {
    const a = new RouterAccounting(prices);
    a.recordBreaker('gemini', {
      from: 'closed',
      to: 'open',
      reason: '5 failures in a row',
      at: Date.UTC(2026, 0, 1),
      error: 'gemini is unreachable at 127.0.0.1:1: fetch failed',
    });
    const [t] = a.snapshot({
      currentConcurrency: 1,
      preferred: 'openai',
      adjustments: [],
    }).breaker_transitions;
    expect(t?.error).toBe('gemini is unreachable at 127.0.0.1:1: fetch failed');
  });

  it('records breaker transitions with their time', () => {
    const a = new RouterAccounting(prices);
    a.recordBreaker('gemini', {
      from: 'closed',
      to: 'open',
      reason: '5 failures in a row',
      at: Date.UTC(2026, 0, 1),
    });
    expect(
      a.snapshot({ currentConcurrency: 1, preferred: 'openai', adjustments: [] }).breaker_transitions,
    ).toEqual([
      {
        time: '2026-01-01T00:00:00.000Z',
        provider: 'gemini',
        from: 'closed',
        to: 'open',
        reason: '5 failures in a row',
      },
    ]);
  });
});
