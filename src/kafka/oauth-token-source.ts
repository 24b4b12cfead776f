import { TagspaceError } from '../model/errors.js';
import { logger } from '../telemetry/log.js';
import type { OAuthClientCredentials } from './kafka-security.js';
import { renewalTime } from './token-renewal.js';

export interface BearerToken {
  value: string;
  extensions?: Record<string, string>;
}

const log = logger('kafka-oauth');

const ENDPOINT_SETTING = 'KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL';
const CLIENT_SETTINGS = 'KAFKA_SASL_OAUTHBEARER_CLIENT_ID and KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET';
/** The lifetime assumed when the endpoint names none. */
const DEFAULT_EXPIRES_IN_S = 60;

/**
 * SASL/OAUTHBEARER's access tokens, from an OAuth token endpoint by the client-credentials grant
 * (RFC 6749 §4.4; the client authenticates with HTTP Basic, §2.3.1). kafkajs asks for a token at
 * every login to a broker; they share one token until it nears its end:
 *
 *   token()   the held token while now < renewalTime(issued, expiresAt) (token-renewal.ts), else a new
 *             one (callers meanwhile share the one request)
 *   refused   the endpoint's 4xx (a wrong client, secret or scope): `auth`, not retried
 *   else      unreachable, a 5xx, no access_token in the answer: the held token while it lasts,
 *             then `unavailable`, retried by the Kafka client like a broker that is away
 *
 * Neither error holds the secret; the endpoint's own words about the refusal are kept.
 */
export class OAuthTokenSource {
  private held: { token: BearerToken; refreshAt: number; expiresAt: number } | undefined;
  private pending: Promise<BearerToken> | undefined;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(
    private readonly creds: OAuthClientCredentials,
    opts: { now?: () => number; timeoutMs?: number } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  token(): Promise<BearerToken> {
    if (this.held !== undefined && this.now() < this.held.refreshAt) return Promise.resolve(this.held.token);
    this.pending ??= this.fetchToken()
      .catch((err: unknown) => this.stillValid(err))
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** A renewal the endpoint could not serve leaves the held token in use until it ends. */
  private stillValid(err: unknown): BearerToken {
    const held = this.held;
    if (!(err instanceof TagspaceError) || err.kind !== 'unavailable') throw err;
    if (held === undefined || this.now() >= held.expiresAt) throw err;
    log.warn(
      { err: err.message, tokenEndsInMs: held.expiresAt - this.now() },
      'token renewal failed; using the current token',
    );
    return held.token;
  }

  private async fetchToken(): Promise<BearerToken> {
    const { tokenEndpointUrl: url, clientId, clientSecret, scope, extensions } = this.creds;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope !== undefined) body.set('scope', scope);
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`);
    const startedAt = this.now();
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic.toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw this.unavailable(reasonOf(err), err);
    }
    const text = await res.text().catch(() => '');
    const answer = parseJson(text);
    if (res.status >= 400 && res.status < 500) {
      // An endpoint may quote what it was sent; the secret has no shape redaction would know.
      const said = [answer?.error, answer?.error_description]
        .filter((s) => typeof s === 'string')
        .join(': ')
        .replaceAll(clientSecret, '[redacted]');
      throw new TagspaceError(
        'auth',
        `the token endpoint ${shown(url)} refused client ${clientId} (${res.status}${said === '' ? '' : ` ${said.slice(0, 200)}`}): check ${CLIENT_SETTINGS}`,
        { setting: CLIENT_SETTINGS, status: res.status },
      );
    }
    if (!res.ok) throw this.unavailable(`answered ${res.status}`);
    const value = answer?.access_token;
    if (typeof value !== 'string' || value === '') throw this.unavailable('its answer holds no access_token');
    const expiresIn = Number(answer?.expires_in);
    const lifetimeS = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_S;
    const token: BearerToken = { value, ...(extensions !== undefined && { extensions }) };
    const lifetimeMs = lifetimeS * 1000;
    const expiresAt = startedAt + lifetimeMs;
    this.held = { token, expiresAt, refreshAt: renewalTime(startedAt, expiresAt) };
    return token;
  }

  private unavailable(why: string, cause?: unknown): TagspaceError {
    return new TagspaceError(
      'unavailable',
      `cannot get a Kafka access token from ${shown(this.creds.tokenEndpointUrl)} (${ENDPOINT_SETTING}): ${why}`,
      { setting: ENDPOINT_SETTING, ...(cause !== undefined && { cause }) },
    );
  }
}

const sources = new WeakMap<OAuthClientCredentials, OAuthTokenSource>();

/** The one token source of these credentials: the clients of a run share its token. */
export function tokenSourceFor(creds: OAuthClientCredentials): OAuthTokenSource {
  let source = sources.get(creds);
  if (source === undefined) sources.set(creds, (source = new OAuthTokenSource(creds)));
  return source;
}

/** The endpoint without a query: nothing after its path is needed to find it. */
function shown(url: string): string {
  const u = URL.parse(url);
  return u === null ? 'the token endpoint' : `${u.origin}${u.pathname}`;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The innermost words: Node's fetch says only "fetch failed" and keeps the cause below. */
function reasonOf(err: unknown): string {
  let reason = 'no answer';
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (e.message !== '') reason = e.message;
  }
  return reason.slice(0, 200);
}
