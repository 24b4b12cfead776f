/**
 * The two ways the providers spell a wait:
 *
 *   Google (protobuf Duration JSON): seconds with a trailing "s" — "43s", "0.35s".
 *     A wait of a second or more is rounded up to whole seconds of the simulated clock, as Gemini
 *     reports it: with a window shrunk by a time scale (windowMs < 60 s), a "second" is
 *     windowMs / 60, so rounding costs the client the same share of a window as it does for real;
 *     a shorter wait is rounded up to the millisecond, so short test windows keep a useful hint.
 *   Go (OpenAI's x-ratelimit-reset-*): "120ms" below a second, else h/m/s — "1.5s", "6m0s", "1h2m3s".
 */
export function formatGoogleDuration(ms: number, secondMs = 1000): string {
  const wait = Math.max(0, ms);
  if (wait >= secondMs) return `${trimFraction((Math.ceil(wait / secondMs) * secondMs) / 1000)}s`;
  return `${trimFraction(Math.ceil(wait) / 1000)}s`;
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
