import { TagspaceError } from '../model/errors.js';
import { credentialHint, credentialSetting, type ConfluenceCredentials } from './confluence-credentials.js';
import { retryAfterMs } from './retry-after.js';

/**
 * A refused Confluence call as a TagspaceError, classified once, here:
 *
 *   401                                  → auth        (the credentials; never retried)
 *   403, 404 while credentials unproven  → auth        (Cloud answers a wrong token as an anonymous
 *                                                       caller: a bare 404 on v2, 403 on v1)
 *   403                                  → forbidden   (this page is not ours to change)
 *   404                                  → not_found   (the page is gone)
 *   429                                  → rate_limited, with Retry-After (or X-RateLimit-Reset)
 *   5xx                                  → overloaded,   with Retry-After when sent
 *   other 4xx                            → bad_request, with Confluence's own message
 *
 * The message names the call (method and path, never a header) and what to do about it.
 */
export interface RefusedCall {
  method: string;
  /** The path under the site, without the query. */
  path: string;
  status: number;
  headers: Headers;
  /** The response body as text (may be empty). */
  body: string;
}

export function responseError(
  call: RefusedCall,
  credentials: ConfluenceCredentials,
  opts: { credentialsProven: boolean; now: number },
): TagspaceError {
  const { status, method, path } = call;
  const where = `${method} ${path}`;
  const said = confluenceMessage(call.body);
  const detail = said === undefined ? '' : `: ${said}`;
  const setting = credentialSetting(credentials);
  const refused = status === 401 || ((status === 403 || status === 404) && !opts.credentialsProven);
  if (refused) {
    return new TagspaceError(
      'auth',
      `Confluence refused the credentials (HTTP ${status} on ${where}): ${credentialHint(credentials)}`,
      { status, setting },
    );
  }
  if (status === 403)
    return new TagspaceError('forbidden', `forbidden (HTTP 403 on ${where})${detail}`, { status });
  if (status === 404)
    return new TagspaceError('not_found', `not found (HTTP 404 on ${where})${detail}`, { status });
  const wait = retryAfterMs(call.headers, opts.now);
  const hint = wait === undefined ? {} : { retryAfterMs: wait };
  if (status === 429) {
    return new TagspaceError('rate_limited', `Confluence rate limit (HTTP 429 on ${where})`, {
      status,
      ...hint,
    });
  }
  if (status >= 500) {
    return new TagspaceError('overloaded', `Confluence failed (HTTP ${status} on ${where})${detail}`, {
      status,
      ...hint,
    });
  }
  return new TagspaceError('bad_request', `Confluence refused ${where} (HTTP ${status})${detail}`, {
    status,
  });
}

/** The human part of Confluence's error bodies: v2 `errors[].title/detail`, v1 `message`. */
export function confluenceMessage(body: string): string | undefined {
  if (body.trim() === '') return undefined;
  try {
    const json = JSON.parse(body) as {
      message?: unknown;
      errors?: { title?: unknown; detail?: unknown }[];
    };
    const first = Array.isArray(json.errors) ? json.errors[0] : undefined;
    const parts = [first?.title, first?.detail, json.message].filter(
      (p): p is string => typeof p === 'string' && p.trim() !== '',
    );
    return parts.length === 0 ? undefined : parts.join(' — ').slice(0, 300);
  } catch {
    return undefined;
  }
}
