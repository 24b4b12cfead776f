import { describe, expect, it } from 'vitest';
import {
  classifyOpenAICompletion,
  classifyOpenAIError,
  parseGoDuration,
  parseRetryHint,
} from '../../src/router/classify-openai-error.js';

const ctx = { keySetting: 'OPENAI_API_KEY', modelSetting: 'OPENAI_MODEL', now: () => Date.UTC(2026, 0, 1) };

/** The shape of the SDK's APIError. */
function apiError(
  status: number,
  fields: { code?: string; type?: string; headers?: Record<string, string> } = {},
): Error {
  return Object.assign(new Error(`${status} boom`), {
    status,
    code: fields.code ?? null,
    type: fields.type,
    headers: new Headers(fields.headers ?? {}),
  });
}

describe('parseGoDuration', () => {
  it('reads the durations of x-ratelimit-reset-* headers', () => {
    expect(parseGoDuration('6m0s')).toBe(360_000);
    expect(parseGoDuration('1.5s')).toBe(1_500);
    expect(parseGoDuration('20ms')).toBe(20);
    expect(parseGoDuration('1h2m3s')).toBe(3_723_000);
    expect(parseGoDuration('soon')).toBeUndefined();
    expect(parseGoDuration(null)).toBeUndefined();
  });
});

describe('parseRetryHint', () => {
  it('prefers retry-after-ms, then retry-after seconds or date, then the exhausted reset', () => {
    expect(parseRetryHint(new Headers({ 'retry-after-ms': '1234', 'retry-after': '9' }), ctx.now)).toBe(
      1_234,
    );
    expect(parseRetryHint(new Headers({ 'retry-after': '2' }), ctx.now)).toBe(2_000);
    expect(parseRetryHint(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), ctx.now)).toBe(
      5_000,
    );
    const resets = { 'x-ratelimit-reset-requests': '2s', 'x-ratelimit-reset-tokens': '250ms' };
    expect(parseRetryHint(new Headers({ ...resets, 'x-ratelimit-remaining-tokens': '0' }), ctx.now)).toBe(
      250,
    );
    expect(parseRetryHint(new Headers({ ...resets, 'x-ratelimit-remaining-requests': '0' }), ctx.now)).toBe(
      2_000,
    );
    expect(parseRetryHint(new Headers(resets), ctx.now)).toBeUndefined();
  });
});

describe('classifyOpenAIError', () => {
  it('reads rate_limit_exceeded as rate_limited with the header hint', () => {
    const err = classifyOpenAIError(
      apiError(429, { code: 'rate_limit_exceeded', headers: { 'retry-after-ms': '800' } }),
      ctx,
    );
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 800, status: 429, provider: 'openai' });
    expect(err.quota).toBeUndefined();
  });

  it('says which budget ran out: the type in the body, else the remaining header at 0', () => {
    const byType = apiError(429, { code: 'rate_limit_exceeded', type: 'tokens' });
    expect(classifyOpenAIError(byType, ctx).quota).toBe('tokens');
    const byHeader = apiError(429, {
      code: 'rate_limit_exceeded',
      headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-remaining-tokens': '1200' },
    });
    expect(classifyOpenAIError(byHeader, ctx).quota).toBe('requests');
  });

  it('reads insufficient_quota as quota_exhausted, not retriable', () => {
    const err = classifyOpenAIError(
      apiError(429, { code: 'insufficient_quota', type: 'insufficient_quota' }),
      ctx,
    );
    expect(err.kind).toBe('quota_exhausted');
    expect(err.retriable).toBe(false);
  });

  it('reads a request larger than the whole token budget as bad_request, so the batch is split', () => {
    const tooLarge = Object.assign(apiError(429, { code: 'rate_limit_exceeded' }), {
      message: '429 Request too large for gpt-4o-mini on tokens per min (TPM): Limit 1000, Requested 5000.',
    });
    expect(classifyOpenAIError(tooLarge, ctx).kind).toBe('bad_request');
  });

  it('reads 401 and 403 as auth naming the setting', () => {
    for (const status of [401, 403]) {
      expect(classifyOpenAIError(apiError(status, { code: 'invalid_api_key' }), ctx)).toMatchObject({
        kind: 'auth',
        setting: 'OPENAI_API_KEY',
      });
    }
  });

  it('reads other statuses by kind', () => {
    expect(classifyOpenAIError(apiError(400, { code: 'invalid_prompt' }), ctx).kind).toBe('bad_request');
    expect(classifyOpenAIError(apiError(400, { code: 'content_policy_violation' }), ctx).kind).toBe(
      'safety_blocked',
    );
    expect(classifyOpenAIError(apiError(404), ctx)).toMatchObject({
      kind: 'config',
      setting: 'OPENAI_MODEL',
    });
    expect(classifyOpenAIError(apiError(500), ctx).kind).toBe('overloaded');
    expect(classifyOpenAIError(apiError(503), ctx).kind).toBe('overloaded');
    expect(classifyOpenAIError(apiError(504), ctx).kind).toBe('timeout');
  });

  it("reads a 404 without model_not_found, from a base URL the user gave, as that URL's", () => {
    const given = { ...ctx, baseUrlSetting: 'OPENAI_BASE_URL' };
    expect(classifyOpenAIError(apiError(404), given)).toMatchObject({
      kind: 'config',
      setting: 'OPENAI_BASE_URL',
    });
    expect(classifyOpenAIError(apiError(404, { code: 'model_not_found' }), given)).toMatchObject({
      kind: 'config',
      setting: 'OPENAI_MODEL',
    });
  });

  it('reads an error without a status as internal', () => {
    expect(classifyOpenAIError(new Error('?'), ctx).kind).toBe('internal');
  });
});

describe('classifyOpenAICompletion', () => {
  it('accepts a choice that stopped normally', () => {
    expect(
      classifyOpenAICompletion({ choices: [{ finish_reason: 'stop', message: { refusal: null } }] }),
    ).toBeUndefined();
  });

  it('reads length as truncated_output, content_filter and a refusal as safety_blocked', () => {
    expect(classifyOpenAICompletion({ choices: [{ finish_reason: 'length' }] })?.kind).toBe(
      'truncated_output',
    );
    expect(classifyOpenAICompletion({ choices: [{ finish_reason: 'content_filter' }] })?.kind).toBe(
      'safety_blocked',
    );
    expect(
      classifyOpenAICompletion({ choices: [{ finish_reason: 'stop', message: { refusal: "I can't help" } }] })
        ?.kind,
    ).toBe('safety_blocked');
  });

  it('reads a completion without choices as malformed_output', () => {
    expect(classifyOpenAICompletion({ choices: [] })?.kind).toBe('malformed_output');
  });
});

describe('OpenAI’s named minute', () => {
  it('is read from the rate-limit message, and not from a cap on requests in flight', () => {
    const perMinute = Object.assign(
      new Error(
        '429 Rate limit reached for gpt-4o-mini in organization org-x on tokens per min (TPM): Limit 40000, Used 39000, Requested 1800. Please try again in 270ms.',
      ),
      {
        status: 429,
        code: 'rate_limit_exceeded',
        type: 'tokens',
        headers: new Headers({ 'retry-after-ms': '270' }),
      },
    );
    expect(classifyOpenAIError(perMinute, ctx)).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 270,
      quota: 'tokens',
      quotaPer: 'minute',
    });
    const inFlight = Object.assign(
      new Error(
        '429 Rate limit reached for gpt-4o-mini in organization org-x: too many concurrent requests (limit 4).',
      ),
      { status: 429, code: 'rate_limit_exceeded', type: 'requests', headers: new Headers({}) },
    );
    expect(classifyOpenAIError(inFlight, ctx).quotaPer).toBeUndefined();
  });
});
