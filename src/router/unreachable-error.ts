import { TagspaceError } from '../model/errors.js';
import type { ServerAddress } from './provider.js';

/**
 * A call that failed below HTTP — refused, reset, a name that does not resolve, a certificate the
 * client rejects: the provider is not reachable now. Retried like a 5xx (`overloaded`); the
 * message says where and why, so the breaker's log line tells an operator what to fix (a wrong
 * base URL, a proxy, a firewall) instead of only that calls fail.
 */
export function unreachableError(provider: string, server: ServerAddress, err: unknown): TagspaceError {
  return new TagspaceError(
    'overloaded',
    `${provider} is unreachable at ${server.address}:${server.port}: ${reasonOf(err)}`,
    { provider, cause: err },
  );
}

/**
 * The innermost cause's words. Node's fetch says only "fetch failed" and keeps "connect
 * ECONNREFUSED 127.0.0.1:1" in its cause (an AggregateError with no message of its own when it
 * tried several addresses); the Gemini SDK drops the cause and prefixes the URL it fetched.
 */
function reasonOf(err: unknown): string {
  let reason = 'no answer';
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e instanceof Error; depth++) {
    const own = e instanceof AggregateError && e.message === '' ? firstOf(e) : e.message;
    if (own !== '') reason = own;
    e = e.cause;
  }
  return (/Error fetching from \S+: (.*)$/s.exec(reason)?.[1] ?? reason).slice(0, 200);
}

function firstOf(e: AggregateError): string {
  const [first] = e.errors as unknown[];
  return first instanceof Error ? first.message : '';
}
