import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import {
  classifyGeminiError,
  classifyGeminiResponse,
  exactRetryWaitMs,
  parseProtoDuration,
} from '../../src/router/classify-gemini-error.js';

const ctx = { keySetting: 'GEMINI_API_KEY', modelSetting: 'GEMINI_MODEL' };

/** The shape of the SDK's GoogleGenerativeAIFetchError. */
function fetchError(status: number, errorDetails?: unknown[], message = 'boom'): Error {
  return Object.assign(
    new Error(`[GoogleGenerativeAI Error]: Error fetching from http://x: [${status} S] ${message}`),
    {
      status,
      statusText: 'S',
      errorDetails,
    },
  );
}

const retryInfo = (retryDelay: string) => ({
  '@type': 'type.googleapis.com/google.rpc.RetryInfo',
  retryDelay,
});
const quotaFailure = (quotaId: string) => ({
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
  violations: [{ quotaMetric: 'm', quotaId }],
});

describe('parseProtoDuration', () => {
  it('reads whole and fractional seconds', () => {
    expect(parseProtoDuration('43s')).toBe(43_000);
    expect(parseProtoDuration('0.250s')).toBe(250);
    expect(parseProtoDuration('soon')).toBeUndefined();
    expect(parseProtoDuration(undefined)).toBeUndefined();
  });
});

describe('exactRetryWaitMs', () => {
  it('reads the exact wait a 429 message names, in seconds or milliseconds, rounded up to the ms', () => {
    expect(exactRetryWaitMs('Quota exceeded … limit: 30\nPlease retry in 6.871308817s.')).toBe(6_872);
    expect(exactRetryWaitMs('… Please retry in 580.419041ms.')).toBe(581);
    expect(exactRetryWaitMs('Please retry or report in https://…')).toBeUndefined();
  });
});

describe('classifyGeminiError', () => {
  it('prefers the exact wait of the message to RetryInfo, which the service cuts to whole seconds', () => {
    const message = 'You exceeded your current quota.\nPlease retry in 6.871308817s.';
    const err = classifyGeminiError(
      fetchError(
        429,
        [quotaFailure('GenerateRequestsPerMinutePerProjectPerModel-FreeTier'), retryInfo('6s')],
        message,
      ),
      ctx,
    );
    expect(err.retryAfterMs).toBe(6_872);
    const subSecond = classifyGeminiError(fetchError(429, [retryInfo('0s')], 'Please retry in 0.35s.'), ctx);
    expect(subSecond.retryAfterMs).toBe(350);
  });

  it('names the quota a 429 exceeded, its limit, model and wait, not the billing notice before them', () => {
    const notice =
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. ';
    const metric = 'generativelanguage.googleapis.com/generate_content_free_tier_requests';
    const perMinute = classifyGeminiError(
      fetchError(
        429,
        [quotaFailure('GenerateRequestsPerMinutePerProjectPerModel-FreeTier'), retryInfo('59s')],
        `${notice}\n* Quota exceeded for metric: ${metric}, limit: 15, model: gemini-2.0-flash\nPlease retry in 59.99s.`,
      ),
      ctx,
    );
    expect(perMinute.message).toBe(
      `gemini 429: Quota exceeded for metric: ${metric}, limit: 15, model: gemini-2.0-flash; Please retry in 59.99s. (GenerateRequestsPerMinutePerProjectPerModel-FreeTier)`,
    );
    const perDay = classifyGeminiError(
      fetchError(
        429,
        [quotaFailure('GenerateRequestsPerDayPerProjectPerModel-FreeTier')],
        `${notice}\n* Quota exceeded for metric: ${metric}, limit: 200, model: gemini-2.0-flash`,
      ),
      ctx,
    );
    expect(perDay).toMatchObject({ kind: 'quota_exhausted' });
    expect(perDay.message).toBe(
      `gemini 429: Quota exceeded for metric: ${metric}, limit: 200, model: gemini-2.0-flash (GenerateRequestsPerDayPerProjectPerModel-FreeTier)`,
    );
    // A 429 that names no quota keeps its own sentence.
    expect(classifyGeminiError(fetchError(429, [], 'Resource has been exhausted.'), ctx).message).toBe(
      'gemini 429: Resource has been exhausted.',
    );
  });

  it('reads a window 429 as rate_limited with the RetryInfo delay', () => {
    const err = classifyGeminiError(
      fetchError(429, [
        quotaFailure('GenerateRequestsPerMinutePerProjectPerModel-FreeTier'),
        retryInfo('43s'),
      ]),
      ctx,
    );
    expect(err).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 43_000,
      status: 429,
      provider: 'gemini',
      quota: 'requests',
    });
  });

  it('says which quota refused: input tokens per minute, or requests', () => {
    const tokens = classifyGeminiError(
      fetchError(429, [
        quotaFailure('GenerateContentInputTokensPerModelPerMinute-FreeTier'),
        retryInfo('7s'),
      ]),
      ctx,
    );
    expect(tokens).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7_000, quota: 'tokens' });
    expect(classifyGeminiError(fetchError(429, [retryInfo('7s')]), ctx).quota).toBeUndefined();
  });

  it('says the quota is per minute when its quotaId names the minute, and nothing when it does not', () => {
    const named = classifyGeminiError(
      fetchError(429, [
        quotaFailure('GenerateContentInputTokensPerModelPerMinute-FreeTier'),
        retryInfo('7s'),
      ]),
      ctx,
    );
    expect(named.quotaPer).toBe('minute');
    const unnamed = classifyGeminiError(
      fetchError(429, [quotaFailure('GenerateRequests'), retryInfo('7s')]),
      ctx,
    );
    expect(unnamed.quotaPer).toBeUndefined();
    expect(classifyGeminiError(fetchError(429, [retryInfo('7s')]), ctx).quotaPer).toBeUndefined();
  });

  it('reads a per-day quota 429 as quota_exhausted, not retriable', () => {
    const err = classifyGeminiError(
      fetchError(429, [quotaFailure('GenerateRequestsPerDayPerProjectPerModel-FreeTier')]),
      ctx,
    );
    expect(err.kind).toBe('quota_exhausted');
    expect(err.retriable).toBe(false);
  });

  it('reads a bare 429 as rate_limited without a hint', () => {
    expect(classifyGeminiError(fetchError(429), ctx)).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: undefined,
    });
  });

  it('reads API_KEY_INVALID, 401 and 403 as auth naming the setting', () => {
    const invalid = classifyGeminiError(
      fetchError(400, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }]),
      ctx,
    );
    for (const err of [
      invalid,
      classifyGeminiError(fetchError(401), ctx),
      classifyGeminiError(fetchError(403), ctx),
    ]) {
      expect(err.kind).toBe('auth');
      expect(err.setting).toBe('GEMINI_API_KEY');
      expect(err.message).toContain('GEMINI_API_KEY');
    }
  });

  it('reads other statuses by kind', () => {
    expect(classifyGeminiError(fetchError(400), ctx).kind).toBe('bad_request');
    expect(classifyGeminiError(fetchError(404), ctx)).toMatchObject({
      kind: 'config',
      setting: 'GEMINI_MODEL',
    });
    expect(classifyGeminiError(fetchError(500), ctx).kind).toBe('overloaded');
    expect(classifyGeminiError(fetchError(503), ctx).kind).toBe('overloaded');
    expect(classifyGeminiError(fetchError(504), ctx).kind).toBe('timeout');
  });

  it("reads a 404 that does not name the model, from a base URL the user gave, as that URL's", () => {
    const given = { ...ctx, baseUrlSetting: 'GEMINI_BASE_URL' };
    expect(classifyGeminiError(fetchError(404, undefined, 'Not Found'), given)).toMatchObject({
      kind: 'config',
      setting: 'GEMINI_BASE_URL',
    });
    const unknownModel =
      'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.';
    expect(classifyGeminiError(fetchError(404, undefined, unknownModel), given)).toMatchObject({
      kind: 'config',
      setting: 'GEMINI_MODEL',
    });
  });

  it('keeps the provider sentence and drops the SDK prefix and details JSON', () => {
    const err = classifyGeminiError(fetchError(503, [{ a: 1 }], 'The model is overloaded. [{"a":1}]'), ctx);
    expect(err.message).toBe('gemini 503: The model is overloaded.');
  });

  it('reads a body that is not JSON as malformed_output and anything else as internal', () => {
    expect(classifyGeminiError(new SyntaxError('Unexpected token'), ctx).kind).toBe('malformed_output');
    expect(classifyGeminiError(new TypeError('x is undefined'), ctx).kind).toBe('internal');
  });

  it('passes a TagspaceError through unchanged', () => {
    const original = new TagspaceError('timeout', 't');
    expect(classifyGeminiError(original, ctx)).toBe(original);
  });
});

describe('classifyGeminiResponse', () => {
  it('accepts a candidate that stopped normally', () => {
    expect(classifyGeminiResponse({ candidates: [{ finishReason: 'STOP' }] })).toBeUndefined();
  });

  it('reads a blocked prompt and a SAFETY finish as safety_blocked', () => {
    expect(classifyGeminiResponse({ promptFeedback: { blockReason: 'SAFETY' } })?.kind).toBe(
      'safety_blocked',
    );
    expect(classifyGeminiResponse({ candidates: [{ finishReason: 'SAFETY' }] })?.kind).toBe('safety_blocked');
  });

  it('reads MAX_TOKENS as truncated_output', () => {
    expect(classifyGeminiResponse({ candidates: [{ finishReason: 'MAX_TOKENS' }] })?.kind).toBe(
      'truncated_output',
    );
  });

  it('reads an answer without candidates as malformed_output', () => {
    expect(classifyGeminiResponse({})?.kind).toBe('malformed_output');
  });
});
