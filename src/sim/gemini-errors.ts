import { formatExactSeconds, formatRetryDelay } from './durations.js';
import type { FieldViolation } from './gemini-request.js';
import type { QuotaRefusal } from './provider-runtime.js';
import { jsonResponse, type SimResponse } from './sim-response.js';

/**
 * Gemini's error bodies, as google.rpc.Status JSON: `{"error":{"code","message","status","details"}}`.
 * A 429 for the window carries QuotaFailure (which quota), Help and RetryInfo (how long to wait, in
 * whole seconds: the fraction is dropped), and its message names the metric, the limit and the exact
 * wait ("…\n* Quota exceeded for metric: …, limit: 30, model: …\nPlease retry in 6.871308817s.");
 * the per-day 429 carries no RetryInfo, since waiting within a run does not help.
 */
const RATE_LIMIT_DOCS = 'https://ai.google.dev/gemini-api/docs/rate-limits';
const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. ' +
  `For more information on this error, head to: ${RATE_LIMIT_DOCS}. ` +
  'To monitor your current usage, head to: https://ai.dev/rate-limit. ';

const QUOTAS = {
  requests: {
    quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
    quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
  },
  tokens: {
    quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count',
    quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
  },
  daily: {
    quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
    quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
  },
} as const;

/** `windowMs` sets the simulated second the retry hint is cut to (see formatRetryDelay). */
export function windowError(model: string, refusal: QuotaRefusal, windowMs = 60_000): SimResponse {
  return quotaError(
    model,
    refusal.limit,
    refusal.limitValue,
    refusal.retryAfterMs,
    Math.min(1000, windowMs / 60),
  );
}

export function quotaError(
  model: string,
  quota: keyof typeof QUOTAS,
  limit: number,
  retryAfterMs: number | undefined,
  secondMs = 1000,
): SimResponse {
  const details: unknown[] = [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        { ...QUOTAS[quota], quotaDimensions: { location: 'global', model }, quotaValue: String(limit) },
      ],
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMIT_DOCS }],
    },
  ];
  let message = `${QUOTA_MESSAGE}\n* Quota exceeded for metric: ${QUOTAS[quota].quotaMetric}, limit: ${limit}, model: ${model}`;
  if (retryAfterMs !== undefined) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: formatRetryDelay(retryAfterMs, secondMs),
    });
    message += `\nPlease retry in ${formatExactSeconds(retryAfterMs)}.`;
  }
  return error(429, 'RESOURCE_EXHAUSTED', message, details);
}

export function authError(status: 401 | 403 | undefined, missing: boolean): SimResponse {
  if (status === 401) {
    return error(
      401,
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    );
  }
  if (status === 403 || missing) {
    return error(
      403,
      'PERMISSION_DENIED',
      missing
        ? "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
        : 'Permission denied: Consumer does not have access to the Generative Language API.',
    );
  }
  const message = 'API key not valid. Please pass a valid API key.';
  return error(400, 'INVALID_ARGUMENT', message, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
  ]);
}

export function serverError(status: number, overloadedMessage: string, admitted: boolean): SimResponse {
  const response =
    status === 500
      ? error(
          500,
          'INTERNAL',
          'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
        )
      : status === 504
        ? error(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.')
        : error(status, 'UNAVAILABLE', overloadedMessage);
  return { ...response, admitted };
}

export function badRequest(violations: FieldViolation[]): SimResponse {
  const message = violations.map((v) => v.description).join('\n');
  const fieldViolations = violations.map((v) => (v.field === '' ? { description: v.description } : v));
  return error(400, 'INVALID_ARGUMENT', message, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations },
  ]);
}

export function error(code: number, status: string, message: string, details?: unknown[]): SimResponse {
  return jsonResponse(code, {
    error: { code, message, status, ...(details === undefined ? {} : { details }) },
  });
}
