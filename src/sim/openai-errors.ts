import type { Caller } from './caller.js';
import { formatGoDuration } from './durations.js';
import type { ProviderRuntime, QuotaRefusal } from './provider-runtime.js';
import { jsonResponse, type SimResponse } from './sim-response.js';

/**
 * OpenAI's error bodies, `{"error":{"message","type","param","code"}}`, with the headers the real
 * service sends: a 429 for the window carries x-ratelimit-* plus `retry-after` (seconds) and
 * `retry-after-ms`; `insufficient_quota` carries neither, because waiting does not help.
 */
const RATE_LIMITS_URL = 'https://platform.openai.com/account/rate-limits';
const ORGANIZATION = 'org-simulator';

export function modelNotFound(model: string): SimResponse {
  return error(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    'model_not_found',
  );
}

export function missingKey(): SimResponse {
  return error(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    'invalid_request_error',
    null,
  );
}

export function wrongKey(apiKey: string): SimResponse {
  return error(
    401,
    `Incorrect API key provided: ${maskKey(apiKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    'invalid_api_key',
  );
}

export function insufficientQuota(): SimResponse {
  return error(
    429,
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    'insufficient_quota',
    'insufficient_quota',
  );
}

export function invalidPrompt(): SimResponse {
  return error(
    400,
    'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt.',
    'invalid_request_error',
    'invalid_prompt',
  );
}

export function concurrencyLimited(
  runtime: ProviderRuntime,
  caller: Caller,
  model: string,
  limit: number,
): SimResponse {
  const message =
    `Rate limit reached for ${model} in organization ${ORGANIZATION}: too many concurrent requests ` +
    `(limit ${limit}). Please try again shortly.`;
  return withHeaders(
    error(429, message, 'requests', 'rate_limit_exceeded'),
    rateLimitHeaders(runtime, caller),
  );
}

export function windowError(
  runtime: ProviderRuntime,
  caller: Caller,
  model: string,
  r: QuotaRefusal,
): SimResponse {
  const unit = r.limit === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  const headers = rateLimitHeaders(runtime, caller);
  // Another service on the key: its limit stays the key's, and what the service took counts as used.
  const other = runtime.takenByOthers(r.limit);
  const message = r.tooLarge
    ? `Request too large for ${model} in organization ${ORGANIZATION} on ${unit}: Limit ${r.limitValue}, ` +
      `Requested ${r.requested}. The input or output tokens must be reduced in order to run successfully. ` +
      `Visit ${RATE_LIMITS_URL} to learn more.`
    : `Rate limit reached for ${model} in organization ${ORGANIZATION} on ${unit}: Limit ${r.limitValue + other}, ` +
      `Used ${r.used + other}, Requested ${r.requested}. Please try again in ${formatGoDuration(r.retryAfterMs)}. ` +
      `Visit ${RATE_LIMITS_URL} to learn more.`;
  if (!r.tooLarge) {
    headers['retry-after'] = String(Math.ceil(r.retryAfterMs / 1000));
    headers['retry-after-ms'] = String(Math.ceil(r.retryAfterMs));
  }
  return withHeaders(error(429, message, r.limit, 'rate_limit_exceeded'), headers);
}

/**
 * The caller's quota as OpenAI reports it on every answer and 429: the key's limits (another
 * service sharing the key lowers what is left, not the limit; quota-schedule.ts `keyLimits`).
 */
export function rateLimitHeaders(runtime: ProviderRuntime, caller: Caller): Record<string, string> {
  const { rpm, tpm } = runtime.reportedLimits();
  const q = runtime.quotaSnapshot(caller);
  return {
    'x-ratelimit-limit-requests': String(rpm),
    'x-ratelimit-limit-tokens': String(tpm),
    'x-ratelimit-remaining-requests': String(q.requestsRemaining),
    'x-ratelimit-remaining-tokens': String(q.tokensRemaining),
    'x-ratelimit-reset-requests': formatGoDuration(q.requestsResetMs),
    'x-ratelimit-reset-tokens': formatGoDuration(q.tokensResetMs),
  };
}

export function serverError(status: number, admitted: boolean): SimResponse {
  const message =
    status === 500
      ? 'The server had an error while processing your request. Sorry about that!'
      : status === 504
        ? 'Gateway timeout.'
        : status === 503
          ? 'The engine is currently overloaded, please try again later.'
          : 'Bad gateway.';
  return { ...error(status, message, 'server_error', null), admitted };
}

export function invalidRequest(message: string, param: string | null, code: string | null): SimResponse {
  return jsonResponse(400, { error: { message, type: 'invalid_request_error', param, code } });
}

function error(status: number, message: string, type: string, code: string | null): SimResponse {
  return jsonResponse(status, { error: { message, type, param: null, code } });
}

function withHeaders(response: SimResponse, headers: Record<string, string>): SimResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

/** Enough of a key to recognise it, never the whole key. */
export function maskKey(key: string): string {
  if (key.length < 16) return '*'.repeat(Math.min(key.length, 8));
  return `${key.slice(0, 3)}${'*'.repeat(8)}${key.slice(-4)}`;
}
