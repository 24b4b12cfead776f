import type { CallLedger } from './call-ledger.js';

/**
 * A token bucket as a client can know it: refilled at ρ per ms up to a capacity C, and last seen
 * at a 429 — the call sent at `at` could have gone at `release`, when the bucket held `level` (the
 * call's need). Its level at t ≥ release, with N(s, t] what the calls started in (s, t] took (1 a
 * request, or their tokens: c admitted, ĉ out):
 *
 *   level(t) = min( C,  level + ρ·(t − release) − N(at, t],
 *                   min over starts s > at of  C + ρ·(t − s) − N[s, t] )
 *
 * (the bucket full just before each of those starts, at most). A call needing n may start once
 * level(t) ≥ n + ρ·m — the margin m for send lags costs one m, not one per call — at
 * t + (n + ρm − level) / ρ when it is short, the level rising at ρ until then.
 */
export interface Bucket {
  rate: number;
  capacity: number;
  at: number;
  release: number;
  level: number;
  /** The quota was first read from it, the bucket taken as full when the first call went. */
  prior?: boolean;
}

export function bucketLevel(ledger: CallLedger, b: Bucket, unit: 'requests' | 'tokens', now: number): number {
  const k = ledger.costPerEstimate;
  const takes: { start: number; n: number }[] = [];
  for (const a of ledger.admitted)
    if (a.start > b.at && a.start <= now) takes.push({ start: a.start, n: unit === 'requests' ? 1 : a.cost });
  for (const o of ledger.out)
    if (o.start > b.at && o.start <= now)
      takes.push({ start: o.start, n: unit === 'requests' ? 1 : o.estimate * k });
  takes.sort((x, y) => y.start - x.start);
  let taken = 0;
  let level = b.capacity;
  for (const t of takes) {
    taken += t.n;
    level = Math.min(level, b.capacity + b.rate * (now - t.start) - taken);
  }
  return Math.min(level, b.level + b.rate * (now - b.release) - taken);
}

/** The first time ≥ now a call needing `need` fits the bucket with the margin (∞ without a rate). */
export function bucketRoom(
  ledger: CallLedger,
  b: Bucket,
  unit: 'requests' | 'tokens',
  need: number,
  marginMs: number,
  now: number,
): number {
  if (!(b.rate > 0)) return Number.POSITIVE_INFINITY;
  const want = Math.min(b.capacity, need + b.rate * marginMs);
  const level = bucketLevel(ledger, b, unit, now);
  return level >= want ? now : now + (want - level) / b.rate;
}
