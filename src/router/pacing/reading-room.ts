import type { BudgetReading } from '../../model/quota-reading.js';
import type { CallLedger } from './call-ledger.js';

/** A budget a quota counts: requests, or tokens. */
export type Budget = 'requests' | 'tokens';

/** A reading as held: the provider's, dated by the send of the call it came with. */
export interface Held extends BudgetReading {
  at: number;
  /** The send its reset counts from: its own call's for an answer; for a 429, the newest before it. */
  anchor: number | undefined;
  /** Came with a 429. */
  refused: boolean;
}

/** A call's question to a held reading: `need` of a budget, at `now`. */
export interface Ask {
  ledger: CallLedger;
  held: Held;
  budget: Budget;
  need: number;
  marginMs: number;
  now: number;
}

/**
 * What our calls since the reading take: those started more than the send margin after h. A call
 * sent within it raced the reading's own call to the provider; like the calls sent before h, it is
 * taken as held (its send lag is the margin's to cover).
 */
function since(ask: Ask, from: number): { start: number; n: number }[] {
  const { ledger, held, budget, marginMs, now } = ask;
  const k = ledger.costPerEstimate;
  const takes: { start: number; n: number }[] = [];
  const after = (s: number): boolean => s > Math.max(from, held.at + marginMs) && s <= now;
  for (const a of ledger.admitted)
    if (after(a.start)) takes.push({ start: a.start, n: budget === 'requests' ? 1 : a.cost });
  for (const o of ledger.out)
    if (after(o.start)) takes.push({ start: o.start, n: budget === 'requests' ? 1 : o.estimate * k });
  return takes;
}

function sum(takes: { n: number }[]): number {
  return takes.reduce((total, t) => total + t.n, 0);
}

/**
 * When a bucket (reported-quota.ts) has room for the call: ρ = L / M, capacity C = r + ρ·z,
 *   level(t) = min( r + ρ(t − h) − N(h, t],  min over starts s > h of C + ρ(t − s) − N[s, t] )
 * and the first t with level(t) ≥ min(C, n + ρ·m).
 */
export function bucketRoom(ask: Ask, minuteMs: number): number {
  const { held, need, marginMs, now } = ask;
  const { at: h, limit, remaining: r, resetMs: z } = held;
  const rate = limit / minuteMs;
  const capacity = r + rate * z;
  const takes = since(ask, h).sort((x, y) => y.start - x.start);
  let taken = 0;
  let level = capacity;
  for (const t of takes) {
    taken += t.n;
    level = Math.min(level, capacity + rate * (now - Math.max(h, t.start)) - taken);
  }
  level = Math.min(level, r + rate * (now - h) - taken);
  const want = Math.min(capacity, need + rate * marginMs);
  return level >= want ? now : now + (want - level) / rate;
}

/**
 * When a sliding window of W has room for the call: our calls the reading held leave at s + W
 * (+ m), the rest at h + z;
 *   level(t) = min(r, L − Σ c over our calls in (h − W, h]) + Σ c of those left by t − N(h, t]
 * and from h + z, L − N(h, t]. After a 429's reading, one call goes at the room our leaving calls
 * free; the rest wait for its reading, or a window past h + z.
 */
export function windowRoom(ask: Ask, windowMs: number): number {
  const { ledger, held, budget, need, marginMs, now } = ask;
  const { at: h, limit, remaining: r, resetMs: z } = held;
  const after = since(ask, h);
  const spent = sum(after);
  const full = h + z;
  // From the reset, only our calls since take room, each until it leaves.
  if (now >= full) {
    let level = limit - spent;
    if (level >= need) return now;
    for (const t of after.sort((x, y) => x.start - y.start)) {
      level += t.n;
      if (level >= need) return Math.max(now, t.start + windowMs + marginMs);
    }
    return now + windowMs;
  }
  // Our own calls the reading held leave one by one; what else it held, at its reset.
  const leaving = ledger.admitted.filter((a) => a.start > h - windowMs && a.start <= h);
  const cost = (a: { cost: number }): number => (budget === 'requests' ? 1 : a.cost);
  let level = Math.min(r, limit - leaving.reduce((total, a) => total + cost(a), 0)) - spent;
  if (level >= need) return now;
  // After a 429 the room our calls free as they leave may not be ours (another user of the key
  // spends it, or the quota dropped under them): one call goes at it, the rest wait for its
  // reading (each record asks again).
  if (held.refused && after.length > 0) return Math.max(now, full + windowMs);
  for (const a of leaving) if (a.start + windowMs + marginMs <= now) level += cost(a);
  if (level >= need) return now;
  for (const a of leaving) {
    const frees = a.start + windowMs + marginMs;
    if (frees <= now || frees >= full) continue;
    level += cost(a);
    if (level >= need) return frees;
  }
  return Math.max(now, full + marginMs);
}

/**
 * When a fixed window, h + z its boundary b, has room for the call: r − N(h, t] before b,
 * L − N[b, t] from b.
 */
export function fixedRoom(ask: Ask): number {
  const { held, need, marginMs, now } = ask;
  const { at: h, limit, remaining: r, resetMs: z } = held;
  const boundary = h + z;
  if (now < boundary) return r - sum(since(ask, h)) >= need || z === 0 ? now : boundary + marginMs;
  return limit - sum(since(ask, boundary)) >= need ? now : now + marginMs;
}
