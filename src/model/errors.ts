import type { QuotaReading } from './quota-reading.js';

/**
 * Every failure tagspace reasons about is a TagspaceError with a `kind` and a `retriable` flag.
 * The router's policy, the DLQ headers and the exit codes all read these two fields, so they are
 * decided here, in one place. Programming errors (`internal`) are never retried.
 */
export type ErrorKind =
  | 'config' // a bad setting or flag: stop at start-up
  | 'decode' // bytes that are not a JSON document
  | 'invalid_event' // JSON that is not a valid PageEvent
  | 'rate_limited' // 429 with a retry hint: wait, then retry
  | 'quota_exhausted' // daily quota or insufficient_quota: no retry, fall back
  | 'overloaded' // 5xx / 503: retry, then fall back
  | 'timeout' // the call took too long: retry
  | 'bad_request' // the provider rejects the input: split the batch, DLQ the lone page
  | 'auth' // 401/403: the provider is unusable until its setting is fixed
  | 'not_found' // the thing asked for does not exist (any more): a purged Confluence page
  | 'forbidden' // the credentials work, but not for this one thing (a restricted page)
  | 'malformed_output' // the answer is not the JSON we asked for: one retry, then split
  | 'truncated_output' // MAX_TOKENS / length: one retry, then split
  | 'safety_blocked' // the provider refused the content: per page
  | 'attribution' // the answer does not name exactly the batch's pages
  | 'unavailable' // no provider can serve right now
  | 'exhausted' // a page used all its attempts
  | 'output' // a file the user asked for could not be written (disk full): the run's work stands
  | 'internal'; // a bug: never retried

const RETRIABLE: Record<ErrorKind, boolean> = {
  config: false,
  decode: false,
  invalid_event: false,
  rate_limited: true,
  quota_exhausted: false,
  overloaded: true,
  timeout: true,
  bad_request: false,
  auth: false,
  not_found: false,
  forbidden: false,
  malformed_output: true,
  truncated_output: true,
  safety_blocked: false,
  attribution: true,
  unavailable: true,
  exhausted: false,
  output: false,
  internal: false,
};

/** Which of a provider's per-window quotas refused a call (a 429 says so when it can). */
export type RateLimitQuota = 'requests' | 'tokens';

/** The unit of time a provider names for a window quota (Gemini's quotaId "…PerMinute…"). */
export type RateLimitPer = 'minute';

export interface ErrorDetails {
  /** The provider's own wait hint, in milliseconds, when it gave one. */
  retryAfterMs?: number;
  /** For `rate_limited`: the quota that ran out, when the provider named it. */
  quota?: RateLimitQuota;
  /** For `rate_limited`: that quota's unit of time, when the provider named it. */
  quotaPer?: RateLimitPer;
  /** For `rate_limited`: the quota as the provider reported it on the 429 (OpenAI's x-ratelimit-*). */
  reading?: QuotaReading;
  /** Which provider raised it ("gemini", "openai"). */
  provider?: string;
  /** The HTTP status the provider answered with. */
  status?: number;
  /** The setting a user must fix (for `config` and `auth`). */
  setting?: string;
  cause?: unknown;
}

export class TagspaceError extends Error {
  readonly kind: ErrorKind;
  readonly retriable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly quota: RateLimitQuota | undefined;
  readonly quotaPer: RateLimitPer | undefined;
  readonly reading: QuotaReading | undefined;
  readonly provider: string | undefined;
  readonly status: number | undefined;
  readonly setting: string | undefined;

  constructor(kind: ErrorKind, message: string, details: ErrorDetails = {}) {
    super(redactSecrets(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TagspaceError';
    this.kind = kind;
    this.retriable = RETRIABLE[kind];
    this.retryAfterMs = details.retryAfterMs;
    this.quota = details.quota;
    this.quotaPer = details.quotaPer;
    this.reading = details.reading;
    this.provider = details.provider;
    this.status = details.status;
    this.setting = details.setting;
  }
}

/** The error a wait or call ends with when the caller's signal aborts it (shutdown). */
export function abortedError(signal: AbortSignal): TagspaceError {
  return new TagspaceError('unavailable', 'tagging aborted', { cause: signal.reason });
}

export function isRetriable(err: unknown): boolean {
  return err instanceof TagspaceError && err.retriable;
}

/** Anything that is not already a TagspaceError is a bug until proven otherwise. */
export function asTagspaceError(err: unknown): TagspaceError {
  if (err instanceof TagspaceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new TagspaceError('internal', message, { cause: err });
}

// Keys look like these; providers sometimes echo them back in error messages.
const SECRET_PATTERNS: RegExp[] = [
  /AIza[0-9A-Za-z_-]{20,}/g,
  /sk-[0-9A-Za-z_-]{16,}/g,
  /([?&]key=)[^&\s"']+/g,
  // A word of its own: the mechanism's name "oauthbearer" is followed by words, not tokens.
  /(\bBearer\s+)[^\s"']+/gi,
  // An HTTP Basic credential (base64 of user:token): as long as any real one, longer than words.
  /(Basic\s+)[A-Za-z0-9+/]{20,}={0,2}/g,
  // Atlassian API tokens (Cloud) start with ATATT.
  /ATATT[0-9A-Za-z_=-]{16,}/g,
  /(x-goog-api-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  // A SigV4-presigned URL (MSK's IAM login): its signature and session token open the cluster.
  /(X-Amz-(?:Signature|Security-Token)=)[^&\s"']+/gi,
];

/** Removes anything that looks like an API key from a string bound for a log, trace, DLQ or error. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (_m, prefix?: string) =>
      typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return out;
}
