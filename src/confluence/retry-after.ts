/**
 * How long Confluence asks a refused caller to wait, in ms. `Retry-After` is whole seconds (or,
 * as HTTP allows, a date); without it, `X-RateLimit-Reset` (an ISO 8601 instant) says when the
 * window reopens:
 *
 *   wait = Retry-After · 1000  |  Date(Retry-After) − now  |  Date(X-RateLimit-Reset) − now  |  undefined
 *
 * A wait in the past is 0; a header that says nothing usable is undefined (the backoff decides).
 */
/** Retry-After counts whole seconds: a wait read from it is long by up to this much. */
export const RETRY_AFTER_GRAIN_MS = 1_000;

export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter !== undefined && retryAfter !== '') {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset !== undefined && reset !== '') {
    const at = Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return undefined;
}
