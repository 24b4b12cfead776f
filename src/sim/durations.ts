/**
 * The ways the providers spell a wait:
 *
 *   Google (protobuf Duration JSON): seconds with a trailing "s". Gemini's RetryInfo.retryDelay holds
 *     whole seconds only — the fraction is dropped, so a wait of 6.87 s reads "6s" and one under a
 *     second "0s" — while its message names the exact wait ("Please retry in 6.871308817s.").
 *     On a time-scaled clock (a window shrunk below 60 s) a "second" is windowMs / 60, so dropping
 *     the fraction costs the client the same share of a window as it does for real.
 *   Go (OpenAI's x-ratelimit-reset-*): "120ms" below a second, else h/m/s — "1.5s", "6m0s", "1h2m3s".
 */
export function formatRetryDelay(ms: number, secondMs = 1000): string {
  const wait = Math.max(0, ms);
  return `${trimFraction((Math.floor(wait / secondMs) * secondMs) / 1000)}s`;
}

/** The exact wait as Gemini's message spells it: seconds to the nanosecond, "6.871308817s". */
export function formatExactSeconds(ms: number): string {
  return `${Number((Math.max(0, ms) / 1000).toFixed(9))}s`;
}

export function formatGoDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = trimFraction((total % 60_000) / 1000);
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

function trimFraction(seconds: number): string {
  return String(Number(seconds.toFixed(3)));
}
