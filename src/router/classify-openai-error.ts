import { TagspaceError, asTagspaceError, type RateLimitQuota } from '../model/errors.js';
import { parseGoDuration } from './go-duration.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';

export { parseGoDuration } from './go-duration.js';

/**
 * OpenAI failures → TagspaceError kinds. Reads the shape of the SDK's APIError (`status`,
 * `headers`, `code`, `type`) and of a 200 completion; it does not import the SDK.
 *
 *   429 + insufficient_quota          → quota_exhausted   (no retry: fall back)
 *   429 "Request too large"           → bad_request       (larger than a whole minute's budget:
 *                                       waiting never helps, a smaller batch does)
 *   429 otherwise                     → rate_limited, retryAfterMs = first of
 *                                       retry-after-ms, retry-after, x-ratelimit-reset-* (exhausted one);
 *                                       quota = the body's type (requests | tokens), else the
 *                                       x-ratelimit-remaining-* header at 0; quotaPer = minute when
 *                                       the message names it ("… on tokens per min (TPM): …");
 *                                       reading = the x-ratelimit-* headers (rate-limit-headers.ts)
 *   401, 403                          → auth (setting = the key's setting)
 *   404                               → config (the model name)
 *   400 content_policy_violation      → safety_blocked
 *   408, 504                          → timeout
 *   409, 5xx                          → overloaded
 *   other 4xx                         → bad_request
 */

export interface OpenAIErrorContext {
  keySetting: string;
  modelSetting?: string;
  /** Set when the base URL was given (a proxy, the simulator): a 404 may be the URL's, not the model's. */
  baseUrlSetting?: string;
  now?: () => number;
}

interface HeadersLike {
  get(name: string): string | null;
}

const PROVIDER = 'openai';

/** retry-after is seconds or an HTTP date; retry-after-ms is milliseconds (OpenAI's own). */
export function parseRetryHint(headers: HeadersLike | undefined, now: () => number): number | undefined {
  if (headers === undefined) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const after = headers.get('retry-after');
  if (after !== null && after.trim() !== '') {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - now());
  }
  // Only the budget that ran out says when to come back.
  for (const budget of ['requests', 'tokens']) {
    if (headers.get(`x-ratelimit-remaining-${budget}`) === '0') {
      const reset = parseGoDuration(headers.get(`x-ratelimit-reset-${budget}`));
      if (reset !== undefined) return reset;
    }
  }
  return undefined;
}

/** Which budget ran out: the error's `type` says so; else the remaining-* header that reads 0. */
function quotaOf(type: unknown, headers: HeadersLike | undefined): RateLimitQuota | undefined {
  if (type === 'requests' || type === 'tokens') return type;
  if (headers?.get('x-ratelimit-remaining-tokens') === '0') return 'tokens';
  if (headers?.get('x-ratelimit-remaining-requests') === '0') return 'requests';
  return undefined;
}

function field(err: object, name: string): unknown {
  return (err as Record<string, unknown>)[name];
}

export function classifyOpenAIError(err: unknown, ctx: OpenAIErrorContext): TagspaceError {
  if (err instanceof TagspaceError) return err;
  const status = typeof err === 'object' && err !== null ? field(err, 'status') : undefined;
  if (typeof status !== 'number' || !(err instanceof Error)) return asTagspaceError(err);

  const code = field(err, 'code');
  const type = field(err, 'type');
  const headers = field(err, 'headers') as HeadersLike | undefined;
  const base = { provider: PROVIDER, status, cause: err };
  const text = `openai ${status}: ${err.message.slice(0, 300)}`;

  if (status === 429) {
    if (code === 'insufficient_quota' || type === 'insufficient_quota') {
      return new TagspaceError('quota_exhausted', text, base);
    }
    if (/request too large/i.test(err.message)) return new TagspaceError('bad_request', text, base);
    const retryAfterMs = parseRetryHint(headers, ctx.now ?? Date.now);
    // "Rate limit reached for gpt-4o in organization … on requests per min (RPM): Limit 3, …":
    // OpenAI documents its limits per minute, and its 429 says which.
    const perMinute = /\bper min(ute)?\b/i.test(err.message);
    const reading = readRateLimitHeaders(headers);
    return new TagspaceError('rate_limited', text, {
      ...base,
      retryAfterMs,
      quota: quotaOf(type, headers),
      ...(reading !== undefined && { reading }),
      ...(perMinute ? { quotaPer: 'minute' as const } : {}),
    });
  }
  if (status === 401 || status === 403) {
    return new TagspaceError('auth', `openai rejected its API key (${status}); check ${ctx.keySetting}`, {
      ...base,
      setting: ctx.keySetting,
    });
  }
  // OpenAI's own 404 for a model says code model_not_found; a 404 without it, from a base URL the
  // user gave, is a path where no OpenAI API is served.
  if (status === 404 && ctx.baseUrlSetting !== undefined && code !== 'model_not_found') {
    return new TagspaceError(
      'config',
      `openai has no API at its base URL (${text}); check ${ctx.baseUrlSetting}`,
      {
        ...base,
        setting: ctx.baseUrlSetting,
      },
    );
  }
  if (status === 404) {
    return new TagspaceError('config', `openai does not know the model (404); check ${ctx.modelSetting}`, {
      ...base,
      setting: ctx.modelSetting,
    });
  }
  if (status === 400 && (code === 'content_policy_violation' || code === 'content_filter')) {
    return new TagspaceError('safety_blocked', text, base);
  }
  if (status === 408 || status === 504) return new TagspaceError('timeout', text, base);
  if (status === 409 || status >= 500) return new TagspaceError('overloaded', text, base);
  return new TagspaceError('bad_request', text, base);
}

/** The parts of a chat completion that decide whether it holds a usable answer. */
export interface OpenAICompletionShape {
  choices?: { finish_reason?: string | null; message?: { refusal?: string | null } }[];
}

/** A 200 completion that is not usable (filtered, refused, truncated, empty) → its error. */
export function classifyOpenAICompletion(completion: OpenAICompletionShape): TagspaceError | undefined {
  const choice = completion.choices?.[0];
  const base = { provider: PROVIDER, status: 200 };
  if (choice === undefined)
    return new TagspaceError('malformed_output', 'openai answered without a choice', base);
  const reason = choice.finish_reason ?? 'stop';
  if (reason === 'content_filter') {
    return new TagspaceError('safety_blocked', 'openai filtered the answer (content_filter)', base);
  }
  if (typeof choice.message?.refusal === 'string' && choice.message.refusal !== '') {
    return new TagspaceError('safety_blocked', 'openai refused the prompt', base);
  }
  if (reason === 'length')
    return new TagspaceError('truncated_output', 'openai cut the answer at length', base);
  if (reason === 'stop') return undefined;
  return new TagspaceError('malformed_output', `openai finished with ${reason}`, base);
}
