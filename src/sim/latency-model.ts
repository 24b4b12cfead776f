import type { Random } from '../gen/random.js';

/**
 * How long the simulated model takes to answer:
 *
 *   delay = (median + perTokenMs × outputTokens) × exp(jitter × z),   z ~ N(0, 1) (Box–Muller on `random`)
 *
 * exp(jitter × z) is lognormal with median 1, so `median` is the median delay of an empty answer and
 * the tail is long on the slow side, as real model latencies are. With median and perTokenMs both 0
 * the delay is 0 and no random number is drawn, so the instant path stays instant.
 */
export interface LatencyConfig {
  median: number;
  perTokenMs?: number;
  jitter?: number;
}

export const DEFAULT_JITTER = 0.25;

export function latencyDelayMs(config: LatencyConfig, outputTokens: number, random: Random): number {
  const base = config.median + (config.perTokenMs ?? 0) * outputTokens;
  if (base <= 0) return 0;
  const jitter = config.jitter ?? DEFAULT_JITTER;
  if (jitter === 0) return Math.round(base);
  return Math.round(base * Math.exp(jitter * standardNormal(random)));
}

/** A draw of N(0, 1) from `random` (Box–Muller). */
export function standardNormal(random: Random): number {
  // 1 − u keeps the logarithm finite: random() may return 0 but never 1.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
