import type { BudgetReading, QuotaReading } from '../model/quota-reading.js';
import { parseGoDuration } from './go-duration.js';

/**
 * OpenAI's x-ratelimit-* headers, sent on every answer and 429 (platform.openai.com, "Rate limits
 * in headers") → a QuotaReading, per budget b ∈ {requests, tokens}:
 *
 *   limit      x-ratelimit-limit-b       the most permitted before the limit is exhausted
 *   remaining  x-ratelimit-remaining-b   what remains before it is
 *   resetMs    x-ratelimit-reset-b       until it is back to its initial state, a Go duration
 *                                        ("6m0s", "1.5s", "120ms")
 *
 * A budget is read only when all three parse (limit > 0, remaining ≥ 0, whole numbers; a valid
 * duration); missing or garbled headers give no reading for it — evidence withheld, not an error.
 * Reads the Fetch API's Headers shape (the SDK's Response and APIError.headers); no SDK import.
 */
interface HeadersLike {
  get(name: string): string | null;
}

const WHOLE = /^\d+$/;

function budget(headers: HeadersLike, name: 'requests' | 'tokens'): BudgetReading | undefined {
  const limit = headers.get(`x-ratelimit-limit-${name}`)?.trim() ?? '';
  const remaining = headers.get(`x-ratelimit-remaining-${name}`)?.trim() ?? '';
  const resetMs = parseGoDuration(headers.get(`x-ratelimit-reset-${name}`));
  if (!WHOLE.test(limit) || !WHOLE.test(remaining) || resetMs === undefined) return undefined;
  const reading = { limit: Number(limit), remaining: Number(remaining), resetMs };
  return reading.limit > 0 && Number.isSafeInteger(reading.limit) && Number.isSafeInteger(reading.remaining)
    ? reading
    : undefined;
}

/** The quota a response's headers report, or undefined when they report none. */
export function readRateLimitHeaders(headers: HeadersLike | undefined): QuotaReading | undefined {
  if (headers === undefined || typeof headers.get !== 'function') return undefined;
  const requests = budget(headers, 'requests');
  const tokens = budget(headers, 'tokens');
  if (requests === undefined && tokens === undefined) return undefined;
  return { ...(requests !== undefined && { requests }), ...(tokens !== undefined && { tokens }) };
}
