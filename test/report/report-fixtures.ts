import { BehaviorSubject } from 'rxjs';
import { RunRecorder } from '../../src/report/run-recorder.js';
import type { RouterMetrics } from '../../src/router/router-metrics.js';
import type { Summary } from '../../src/run/summary.js';
import { recordFor, work } from '../operators/fixtures.js';

/**
 * A small run played into a RunRecorder on a hand-driven clock: the limit goes 3 → 4 → 0 (paused)
 * → 2, two batches (5 and 3 pages) meet three 429s, four retries, one fallback and one breaker
 * change, and eight TagRecords are written.
 */
export function recordedRun(): { recorder: RunRecorder; summary: Summary; start: number } {
  const start = 1_700_000_000_000;
  let clock = start;
  const recorder = new RunRecorder(() => clock);
  const limit$ = new BehaviorSubject(3);
  const sub = recorder.watchLimit(limit$);
  const at = (ms: number) => (clock = start + ms);

  at(100);
  const pages = Array.from({ length: 8 }, (_, i) => work(`p-${i}`, 1));
  for (const p of pages) p.delivery.receivedAt = start + 50;
  const first = recorder.batch(pages.slice(0, 5));
  at(200);
  const second = recorder.batch(pages.slice(5));
  at(300);
  limit$.next(4);
  const throttled = {
    type: 'call',
    provider: 'gemini',
    model: 'gemini-2.0-flash',
    pages: 5,
    outcome: 'rate_limited',
    status: 429,
    retryAfterMs: 1000,
  } as const;
  first.event({ ...throttled, attempt: 1 });
  first.event({ type: 'retry', attempt: 1, delayMs: 1000, kind: 'rate_limited', provider: 'gemini' });
  at(400);
  limit$.next(0);
  second.event({ ...throttled, attempt: 1, pages: 3 });
  second.event({ type: 'retry', attempt: 1, delayMs: 1000, kind: 'rate_limited', provider: 'gemini' });
  at(1400);
  limit$.next(2);
  first.event({ ...throttled, attempt: 2 });
  first.event({ type: 'breaker', provider: 'gemini', from: 'closed', to: 'open', reason: 'rate limited' });
  first.event({ type: 'retry', attempt: 2, delayMs: 50, kind: 'rate_limited', provider: 'gemini' });
  first.event({ type: 'fallback', from: 'gemini', to: 'openai', reason: 'gemini breaker open', pages: 5 });
  at(1500);
  first.event({
    type: 'call',
    provider: 'openai',
    model: 'gpt-4o-mini',
    attempt: 3,
    pages: 5,
    outcome: 'ok',
    latencyMs: 180,
    inputTokens: 900,
    outputTokens: 80,
  });
  first.end();
  second.event({
    type: 'call',
    provider: 'gemini',
    model: 'gemini-2.0-flash',
    attempt: 2,
    pages: 3,
    outcome: 'timeout',
  });
  second.event({ type: 'retry', attempt: 2, delayMs: 100, kind: 'timeout', provider: 'gemini' });
  at(1700);
  second.event({
    type: 'call',
    provider: 'gemini',
    model: 'gemini-2.0-flash',
    attempt: 3,
    pages: 3,
    outcome: 'ok',
    latencyMs: 120,
    inputTokens: 500,
    outputTokens: 40,
  });
  second.end();
  at(1800);
  for (const p of pages.slice(0, 5))
    recorder.written({ kind: 'tagged', delivery: p.delivery, record: recordFor(p) });
  at(2300);
  for (const p of pages.slice(5))
    recorder.written({ kind: 'tagged', delivery: p.delivery, record: recordFor(p) });
  sub.unsubscribe();

  const metrics: RouterMetrics = {
    total_ai_calls: 6,
    successful_calls: 2,
    failed_calls: 4,
    rate_limit_errors: 3,
    fallback_switches: 1,
    spills: 0,
    call_deadlines_passed: 0,
    retries: 4,
    current_concurrency: 2,
    quotas: [
      { provider: 'gemini', window_ms: 60_000, requests: 30, shape: 'sliding', share: 0.5, instances: 2 },
    ],
    concurrency_adjustments: [
      {
        time: new Date(start + 300).toISOString(),
        provider: 'gemini',
        reason: 'slow_start',
        old_concurrency: 3,
        new_concurrency: 4,
      },
      {
        time: new Date(start + 400).toISOString(),
        provider: 'gemini',
        reason: 'rate_limit_error_429',
        old_concurrency: 4,
        new_concurrency: 2,
      },
    ],
    preferred_provider: 'gemini',
    pages_tagged: 8,
    pages_failed: 0,
    batch_splits: 0,
    input_tokens: 1400,
    output_tokens: 120,
    cost_usd: 0.000321,
    providers: [
      {
        provider: 'gemini',
        model: 'gemini-2.0-flash',
        calls: 5,
        successful_calls: 1,
        failed_calls: 4,
        rate_limit_errors: 3,
        input_tokens: 500,
        output_tokens: 40,
        cost_usd: 0.000065,
        priced: true,
      },
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        calls: 1,
        successful_calls: 1,
        failed_calls: 0,
        rate_limit_errors: 0,
        input_tokens: 900,
        output_tokens: 80,
        cost_usd: 0.000256,
        priced: true,
      },
    ],
    breaker_transitions: [],
  };
  const summary: Summary = {
    pages: 8,
    pagesExact: true,
    events: 8,
    tagged: 8,
    cached: 0,
    skipped: 0,
    skippedBy: { stale: 0, duplicate: 0, coalesced: 0 },
    tombstones: 0,
    dlq: 0,
    truncated: 0,
    llmCalls: 6,
    batches: 2,
    rateLimitErrors: 3,
    fallbackSwitches: 1,
    spills: 0,
    callDeadlinesPassed: 0,
    retries: 4,
    durationMs: 2300,
    inputTokens: 1400,
    outputTokens: 120,
    costUsd: 0.000321,
    editToTagMs: { p50: 1750, p90: 2250, p95: 2250, p99: 2250, max: 2250 },
    cache: { hits: 2, misses: 8, lookups: 10, hit_rate: '20.0%', size: 8, max_size: 1000 },
    topLabels: [
      { label: 'kafka', count: 5 },
      { label: 'streams', count: 3 },
    ],
    samplePages: [{ pageId: 'ENG-1', spaceKey: 'ENG', version: 2, tags: ['kafka', 'streams'], by: 'gemini' }],
    metrics,
  };
  return { recorder, summary, start };
}
