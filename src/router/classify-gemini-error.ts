import { TagspaceError, asTagspaceError, type RateLimitQuota } from '../model/errors.js';

/**
 * Gemini failures → TagspaceError kinds. Reads the shape of the SDK's fetch error (`status`,
 * `errorDetails` = the google.rpc details of the error body) and of a 200 response; it does not
 * import the SDK, so the adapter stays the only file that does.
 *
 *   429 + QuotaFailure quotaId ~ /PerDay/       → quota_exhausted   (no retry: fall back)
 *   429 otherwise                               → rate_limited, retryAfterMs = the message's exact
 *                                                 wait ("Please retry in 6.87s."), else RetryInfo.retryDelay
 *                                                 (cut to whole seconds by the service),
 *                                                 quota = tokens | requests (QuotaFailure quotaId),
 *                                                 quotaPer = minute when the quotaId says PerMinute
 *   400 + ErrorInfo API_KEY_INVALID, 401, 403   → auth (setting = the key's setting)
 *   404                                         → config (the model name)
 *   408, 504                                    → timeout
 *   409, 5xx                                    → overloaded
 *   other 4xx                                   → bad_request
 */

export interface GeminiErrorContext {
  keySetting: string;
  modelSetting?: string;
  /** Set when the base URL was given (a proxy, the simulator): a 404 may be the URL's, not the model's. */
  baseUrlSetting?: string;
}

interface RpcDetail {
  '@type'?: string;
  retryDelay?: string;
  reason?: string;
  violations?: { quotaId?: string; quotaMetric?: string }[];
}

const PROVIDER = 'gemini';

function details(err: object): RpcDetail[] {
  const raw = (err as { errorDetails?: unknown }).errorDetails;
  return Array.isArray(raw) ? raw.filter((d): d is RpcDetail => typeof d === 'object' && d !== null) : [];
}

function detailOf(list: RpcDetail[], type: string): RpcDetail | undefined {
  return list.find((d) => typeof d['@type'] === 'string' && d['@type'].endsWith(`google.rpc.${type}`));
}

/** A protobuf Duration in its JSON form ("43s", "0.250s") → milliseconds. */
export function parseProtoDuration(text: string | undefined): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(text ?? '');
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/**
 * The exact wait Gemini names in a 429's message ("Please retry in 6.871308817s.", "… in
 * 580.4ms."). Its RetryInfo.retryDelay is the same wait cut to whole seconds — up to a second
 * early, and "0s" for a wait under a second — so the message, when it says, is the better hint.
 */
export function exactRetryWaitMs(message: string): number | undefined {
  const match = /Please retry in (\d+(?:\.\d+)?)(ms|s)\b/.exec(message);
  if (match === null) return undefined;
  const value = Number(match[1]);
  return Math.ceil(match[2] === 'ms' ? value : value * 1000);
}

/** The provider's sentence without the SDK's prefix, URL and the details JSON appended to it. */
function providerMessage(err: Error): string {
  const afterStatus = /\[\d{3}[^\]]*\]\s*(.*)$/s.exec(err.message)?.[1] ?? err.message;
  return afterStatus.split(' [{')[0] ?? afterStatus;
}

/**
 * What a quota's 429 says of the quota: its "* Quota exceeded for metric: …, limit: …, model: …"
 * lines and "Please retry in …", and the QuotaFailure's quotaIds (the metric is the same for a
 * minute's quota and a day's; the id tells them apart). The plan-and-billing notice and the two
 * links before them go: they alone filled the 300 characters kept, and the quota was cut off.
 */
function quotaMessage(message: string, failure: RpcDetail | undefined): string | undefined {
  const lines = message
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s*/, '').trim())
    .filter((line) => /^Quota exceeded for metric:|^Please retry in /.test(line));
  if (lines.length === 0) return undefined;
  const ids = [...new Set(failure?.violations?.map((v) => v.quotaId ?? '').filter((id) => id !== ''))];
  return `${lines.join('; ')}${ids.length > 0 ? ` (${ids.join(', ')})` : ''}`;
}

/** "GenerateContentInputTokensPerModelPerMinute…" → tokens, "GenerateRequestsPerMinute…" → requests. */
function quotaOf(failure: RpcDetail | undefined): RateLimitQuota | undefined {
  const ids = failure?.violations?.map((v) => `${v.quotaId ?? ''} ${v.quotaMetric ?? ''}`) ?? [];
  if (ids.some((id) => /token/i.test(id))) return 'tokens';
  if (ids.some((id) => /request/i.test(id))) return 'requests';
  return undefined;
}

export function classifyGeminiError(err: unknown, ctx: GeminiErrorContext): TagspaceError {
  if (err instanceof TagspaceError) return err;
  if (err instanceof SyntaxError) {
    return new TagspaceError('malformed_output', 'gemini answered with a body that is not JSON', {
      provider: PROVIDER,
      cause: err,
    });
  }
  const status = typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined;
  if (typeof status !== 'number' || !(err instanceof Error)) return asTagspaceError(err);

  const list = details(err);
  const base = { provider: PROVIDER, status, cause: err };
  const said = providerMessage(err);
  const text = `gemini ${status}: ${said.slice(0, 300)}`;

  if (status === 429) {
    const quota = detailOf(list, 'QuotaFailure');
    const refusal = `gemini 429: ${quotaMessage(said, quota)?.slice(0, 500) ?? said.slice(0, 300)}`;
    const perDay = quota?.violations?.some((v) => /PerDay/i.test(v.quotaId ?? '')) ?? false;
    if (perDay) return new TagspaceError('quota_exhausted', refusal, base);
    const retryAfterMs =
      exactRetryWaitMs(err.message) ?? parseProtoDuration(detailOf(list, 'RetryInfo')?.retryDelay);
    // The quotaId names the unit ("…PerMinute…"): Gemini documents its minute, so the window's
    // length need not be learnt from hints rounded up to whole seconds.
    const perMinute = quota?.violations?.some((v) => /PerMinute/i.test(v.quotaId ?? '')) ?? false;
    return new TagspaceError('rate_limited', refusal, {
      ...base,
      retryAfterMs,
      quota: quotaOf(quota),
      ...(perMinute ? { quotaPer: 'minute' as const } : {}),
    });
  }
  const keyInvalid = detailOf(list, 'ErrorInfo')?.reason === 'API_KEY_INVALID';
  if (keyInvalid || status === 401 || status === 403) {
    return new TagspaceError('auth', `gemini rejected its API key (${status}); check ${ctx.keySetting}`, {
      ...base,
      setting: ctx.keySetting,
    });
  }
  // Gemini's own 404 names the model ("models/x is not found for API version v1beta…"); a 404
  // without that, from a base URL the user gave, is a path where no Gemini API is served.
  if (status === 404 && ctx.baseUrlSetting !== undefined && !/\bmodels\/\S+ is not found/.test(err.message)) {
    return new TagspaceError(
      'config',
      `gemini has no API at its base URL (${text}); check ${ctx.baseUrlSetting}`,
      {
        ...base,
        setting: ctx.baseUrlSetting,
      },
    );
  }
  if (status === 404) {
    return new TagspaceError('config', `gemini does not know the model (404); check ${ctx.modelSetting}`, {
      ...base,
      setting: ctx.modelSetting,
    });
  }
  if (status === 408 || status === 504) return new TagspaceError('timeout', text, base);
  if (status === 409 || status >= 500) return new TagspaceError('overloaded', text, base);
  return new TagspaceError('bad_request', text, base);
}

/** The parts of a generateContent response that decide whether it holds a usable answer. */
export interface GeminiResponseShape {
  candidates?: { finishReason?: string }[];
  promptFeedback?: { blockReason?: string };
}

const SAFETY_REASONS = new Set(['SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION']);

/** A 200 answer that is not usable (blocked, truncated, empty) → its error; undefined when usable. */
export function classifyGeminiResponse(response: GeminiResponseShape): TagspaceError | undefined {
  const candidate = response.candidates?.[0];
  const base = { provider: PROVIDER, status: 200 };
  if (candidate === undefined) {
    const blockReason = response.promptFeedback?.blockReason;
    if (blockReason !== undefined) {
      return new TagspaceError('safety_blocked', `gemini blocked the prompt (${blockReason})`, base);
    }
    return new TagspaceError('malformed_output', 'gemini answered without a candidate', base);
  }
  const reason = candidate.finishReason ?? 'STOP';
  if (SAFETY_REASONS.has(reason)) {
    return new TagspaceError('safety_blocked', `gemini stopped the answer (${reason})`, base);
  }
  if (reason === 'MAX_TOKENS') {
    return new TagspaceError('truncated_output', 'gemini cut the answer at MAX_TOKENS', base);
  }
  if (reason === 'LANGUAGE')
    return new TagspaceError('bad_request', 'gemini does not support the language', base);
  if (reason === 'STOP' || reason === 'FINISH_REASON_UNSPECIFIED') return undefined;
  return new TagspaceError('malformed_output', `gemini finished with ${reason}`, base);
}
