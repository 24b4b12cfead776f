import { abortedError, TagspaceError } from '../model/errors.js';
import { backoffDelay, type BackoffPolicy } from '../operators/backoff.js';
import { logger } from '../telemetry/log.js';
import { OPEN_GATE, type CallGate, type GateOutcome } from './call-gate.js';
import { authorizationHeader, type ConfluenceCredentials } from './confluence-credentials.js';
import { responseError } from './response-error.js';
import { scopedTokenHint } from './scoped-token-hint.js';

const log = logger('confluence');

/**
 * One HTTP exchange with Confluence, done properly: every attempt passes the gate (the quota's
 * pacing) and reports its outcome to it; 429, 5xx, timeouts and unreachable sites are retried
 * after backoffDelay(attempt, policy, random, Retry-After) (operators/backoff.ts: the hint is a
 * floor); anything else is thrown at once as a classified TagspaceError (response-error.ts).
 * The credentials count as proven after the first 2xx: before it, a 403/404 means "refused".
 * The Authorization header is built per request and never leaves this file.
 */
export interface ConfluenceHttpOptions {
  /** The REST root, https://SITE/wiki (wiki-root.ts). */
  root: string;
  credentials: ConfluenceCredentials;
  retry: BackoffPolicy;
  /** One attempt's time limit. */
  timeoutMs: number;
  gate?: CallGate;
  fetch?: typeof fetch;
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Hears every attempt (tracing, tests). */
  observer?: (call: CallRecord) => void;
}

export interface CallRecord {
  method: string;
  path: string;
  attempt: number;
  durationMs: number;
  status?: number;
  error?: string;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Overrides the policy's retries (a start-up probe reports an unreachable site at once). */
  maxRetries?: number;
}

export interface HttpAnswer<T> {
  status: number;
  headers: Headers;
  /** The JSON body; undefined for 204 or an empty body. */
  body: T;
}

export interface HttpStats {
  requests: number;
  rateLimited: number;
  serverErrors: number;
  retries: number;
}

export class ConfluenceHttp {
  readonly stats: HttpStats = { requests: 0, rateLimited: 0, serverErrors: 0, retries: 0 };
  private credentialsProven = false;
  /** Asked once, at the first refusal: the CONFLUENCE_URL an API token with scopes needs. */
  private scopedHint: Promise<string> | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly gate: CallGate;
  private readonly now: () => number;

  constructor(private readonly opts: ConfluenceHttpOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    this.gate = opts.gate ?? OPEN_GATE;
    this.now = opts.now ?? Date.now;
  }

  get root(): string {
    return this.opts.root;
  }

  get<T>(target: string, opts: RequestOptions = {}): Promise<HttpAnswer<T>> {
    return this.request<T>('GET', target, opts);
  }

  /** `target`: a path under the root ("/api/v2/spaces") or an absolute URL (a next link). */
  async request<T>(method: string, target: string, opts: RequestOptions = {}): Promise<HttpAnswer<T>> {
    const url = this.url(target, opts.query);
    const path = new URL(url).pathname;
    const maxRetries = opts.maxRetries ?? this.opts.retry.maxRetries;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt<T>(method, url, path, attempt, opts);
      } catch (err) {
        const e = err instanceof TagspaceError ? err : new TagspaceError('internal', String(err));
        if (!e.retriable || attempt > maxRetries || opts.signal?.aborted === true) throw e;
        const delayMs = backoffDelay(
          attempt,
          this.opts.retry,
          this.opts.random ?? Math.random,
          e.retryAfterMs,
        );
        this.stats.retries++;
        log.warn(
          { method, path, status: e.status, kind: e.kind, attempt, delayMs },
          'confluence call retried',
        );
        await (this.opts.sleep ?? sleep)(delayMs, opts.signal);
      }
    }
  }

  private async attempt<T>(
    method: string,
    url: string,
    path: string,
    attempt: number,
    opts: RequestOptions,
  ): Promise<HttpAnswer<T>> {
    const permit = await this.gate.admit(opts.signal);
    const started = this.now();
    let outcome: GateOutcome = { kind: 'cancelled' };
    const record: CallRecord = { method, path, attempt, durationMs: 0 };
    try {
      this.stats.requests++;
      const res = await this.send(method, url, opts);
      record.status = res.status;
      const text = await res.text();
      const latencyMs = this.now() - started;
      if (res.ok) {
        this.credentialsProven = true;
        outcome = { kind: 'success', latencyMs };
        return { status: res.status, headers: res.headers, body: parseJson<T>(text, method, path) };
      }
      const error = responseError(
        { method, path, status: res.status, headers: res.headers, body: text },
        this.opts.credentials,
        { credentialsProven: this.credentialsProven, now: this.now() },
      );
      if (error.kind === 'auth') {
        this.scopedHint ??= scopedTokenHint(this.opts.root, this.opts.credentials, this.fetchFn);
        const hint = await this.scopedHint;
        if (hint !== '') {
          record.error = error.kind;
          throw new TagspaceError('auth', `${error.message}${hint}`, {
            ...(error.status !== undefined && { status: error.status }),
            ...(error.setting !== undefined && { setting: error.setting }),
          });
        }
      }
      if (error.kind === 'rate_limited') {
        this.stats.rateLimited++;
        outcome = {
          kind: 'rate_limited',
          ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
        };
      } else if (error.kind === 'overloaded') {
        this.stats.serverErrors++;
        outcome = { kind: 'overloaded' };
      } else if (error.kind === 'auth') outcome = { kind: 'cancelled' };
      else outcome = { kind: 'success', latencyMs };
      record.error = error.kind;
      throw error;
    } catch (err) {
      if (err instanceof TagspaceError) throw err;
      const error = this.transportError(err, opts.signal);
      outcome =
        error.kind === 'timeout'
          ? { kind: 'timeout' }
          : error.kind === 'unavailable'
            ? { kind: 'failure' }
            : { kind: 'cancelled' };
      record.error = error.kind;
      throw error;
    } finally {
      record.durationMs = this.now() - started;
      permit.done(outcome);
      this.opts.observer?.(record);
    }
  }

  private send(method: string, url: string, opts: RequestOptions): Promise<Response> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = opts.signal === undefined ? timeout : AbortSignal.any([opts.signal, timeout]);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: authorizationHeader(this.opts.credentials),
      ...opts.headers,
    };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    return this.fetchFn(url, { method, headers, body, signal });
  }

  private transportError(err: unknown, signal: AbortSignal | undefined): TagspaceError {
    if (signal?.aborted === true) return abortedError(signal);
    const name = (err as { name?: string } | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new TagspaceError('timeout', `Confluence did not answer within ${this.opts.timeoutMs} ms`);
    }
    const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    const origin = new URL(this.opts.root).origin;
    // fetch refuses the ports on the Fetch standard's block list (undici says only "bad port"):
    // a setting to fix, not an outage to wait out.
    if (cause?.message === 'bad port') {
      return new TagspaceError(
        'config',
        `cannot reach Confluence at ${origin}: fetch refuses port ${new URL(origin).port} (a blocked port); serve it on another`,
      );
    }
    const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    return new TagspaceError('unavailable', `cannot reach Confluence at ${origin}: ${why}`);
  }

  private url(target: string, query: Record<string, QueryValue> | undefined): string {
    const url = new URL(/^https?:\/\//i.test(target) ? target : `${this.opts.root}${target}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.href;
  }
}

function parseJson<T>(text: string, method: string, path: string): T {
  if (text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new TagspaceError(
      'overloaded',
      `Confluence answered ${method} ${path} with a body that is not JSON`,
    );
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortedError(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
