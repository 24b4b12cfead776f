/**
 * A Go duration as OpenAI's x-ratelimit-reset-* headers spell it ("6m0s", "1.5s", "20ms") → ms:
 *
 *   ms = round(Σ amountᵢ · unitᵢ)   over amount-unit pairs; units h, m, s, ms, us (µs), ns
 *
 * Anything else (empty, a bare number, a sign, a stray character) → undefined.
 */
const GO_UNITS_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
};

export function parseGoDuration(text: string | null | undefined): number | undefined {
  const value = (text ?? '').trim();
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(amount) * (GO_UNITS_MS[unit as string] ?? 0);
  }
  return Math.round(total);
}
