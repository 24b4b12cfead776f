import type { RateLimitQuota } from '../../model/errors.js';
import { bucketLevel, type Bucket } from './bucket-room.js';
import type { CallLedger } from './call-ledger.js';
import { TOLERANCE, type PendingRefusal } from './pending-refusal.js';
import type { QuotaEstimates } from './quota-estimates.js';

/** A bucket's rate is read over at least this many calls. */
const BASE_CALLS = 3;
/** How finely a 429's hint places the moment its room frees: hints are whole milliseconds. */
const HINT_RESOLUTION_MS = 1;

/**
 * What a client keeps of a token bucket, per budget (requests, tokens): the anchor the gate paces
 * from (the last 429: the bucket held the refused call's need n at a, bucket-room.ts) and the
 * anchors its rate is read from. The rate and capacity are the quota's: ρ = R̂ / W, C = R̂ (one
 * window's allowance, the documented default).
 *
 *   rate     anchors i < j with at least three calls between them — or any number, none
 *            included, when no call was sent within ε (W/300) of either, so none can be counted
 *            on the wrong side (with none between, the bucket rose from nᵢ to nⱼ by refill alone):
 *                ρ = (N(tᵢ, tⱼ) + nⱼ − nᵢ) / (aⱼ − aᵢ + 2δ)     N: what the calls admitted between took
 *            exact but for a call counted on the wrong side of one, so read over the longest
 *            stretch remembered; δ: a hint's resolution (1 ms) — each release is rounded up by
 *            up to δ, so the span may be δ longer or shorter at each end, and the rate paced on is
 *            the least the reading allows (read a hair high, a bucket kept empty refuses again
 *            within seconds); 429s of one burst (sent before the first came back) see the sends
 *            before them arrive in any order: the last of the burst stands for them
 *   first    alone, the bucket full when our first call went at s₀, holding one window's
 *            allowance:  ρ = (n + need) / (W + a − s₀)   — a prior: trials test it a window later
 *   rebase   when ρ changes (a reading, a trial), the bucket refilled at the old rate until then:
 *            the anchor moves to now at the level it had; so it does before its calls are forgotten
 */
export class BucketBook {
  private readonly gates: Partial<Record<RateLimitQuota, Bucket>> = {};
  private readonly anchors: Record<RateLimitQuota, Bucket[]> = { requests: [], tokens: [] };

  constructor(private readonly ledger: CallLedger) {}

  /** A 429 sent at `sent`, its room freeing at `release` for a call needing `need`: the gate's new anchor. */
  anchor(budget: RateLimitQuota, sent: number, release: number, need: number): Bucket {
    const anchor: Bucket = { rate: 0, capacity: 0, at: sent, release, level: need };
    this.gates[budget] = anchor;
    return anchor;
  }

  /** The bucket of a budget as the gate sees it, at `perUnit` per `unitMs`. */
  gate(budget: RateLimitQuota, perUnit: number | undefined, unitMs: number, now: number): Bucket | undefined {
    const anchor = this.gates[budget];
    if (anchor === undefined || perUnit === undefined) return undefined;
    const rate = perUnit / unitMs;
    const bucket = { ...anchor, rate, capacity: rate * unitMs };
    if (anchor.rate > 0 && anchor.rate !== rate && now > anchor.release) {
      const old = { ...anchor, capacity: anchor.rate * unitMs };
      Object.assign(bucket, { at: now, release: now, level: bucketLevel(this.ledger, old, budget, now) });
    }
    this.gates[budget] = bucket;
    return bucket;
  }

  /** Calls started before `time` are about to be forgotten: anchors move up to it, or go. */
  forget(
    time: number,
    now: number,
    perUnit: (budget: RateLimitQuota) => number | undefined,
    unitMs: number,
  ): void {
    for (const budget of ['requests', 'tokens'] as const) {
      const bucket = this.gate(budget, perUnit(budget), unitMs, now);
      if (bucket !== undefined && bucket.at < time && bucket.release < time) {
        this.gates[budget] = {
          ...bucket,
          at: time,
          release: time,
          level: bucketLevel(this.ledger, bucket, budget, time),
        };
      }
      this.anchors[budget] = this.anchors[budget].filter((b) => b.at >= time);
    }
  }

  /** Another shape is believed: what was kept of the bucket goes. */
  clear(): void {
    for (const budget of ['requests', 'tokens'] as const) {
      delete this.gates[budget];
      this.anchors[budget] = [];
    }
  }

  /** Reads the rate a bucket's 429 says; `early`: the calls out taken as admitted. */
  read(
    refusal: PendingRefusal,
    early: boolean,
    quota: QuotaEstimates,
    unitMs: number,
    firstStart: number | undefined,
    now: number,
  ): void {
    const anchor = refusal.anchor;
    if (anchor === undefined) return;
    const budget = refusal.quota;
    const list = this.anchors[budget];
    if (!list.includes(anchor)) {
      const last = list.at(-1);
      if (last !== undefined && anchor.at < last.release) {
        list.pop();
        anchor.prior = last.prior;
      }
      list.push(anchor);
    }
    const take = (from: number, to: number): number => {
      const taken = this.ledger.taken(from, to, early);
      return budget === 'requests' ? taken.requests : taken.tokens;
    };
    let perMs: number | undefined;
    const enough = BASE_CALLS * (budget === 'requests' ? 1 : this.ledger.meanCost());
    // A call sent within ε of an anchor may reach the provider on either side of it; with none
    // there, what the calls between took is exact however few they are. One sent at the anchor's
    // own instant is such a call too (the refused call itself is neither admitted nor out).
    const margin = unitMs * TOLERANCE;
    const near = (time: number): boolean =>
      [...this.ledger.admitted, ...this.ledger.out].some((c) => Math.abs(c.start - time) <= margin);
    const clean = (b: Bucket): boolean =>
      anchor.release - b.release > margin && !near(b.at) && !near(anchor.at);
    const base = list.find((b) => b !== anchor && (take(b.at, anchor.at) >= enough || clean(b)));
    if (base !== undefined && anchor.release > base.release) {
      perMs =
        (take(base.at, anchor.at) + anchor.level - base.level) /
        (anchor.release - base.release + 2 * HINT_RESOLUTION_MS);
    } else if (
      list.length === 1 &&
      (refusal.firstReading === true || anchor.prior === true) &&
      firstStart !== undefined
    ) {
      anchor.prior = true;
      perMs = (take(firstStart - 1e-6, anchor.at) + anchor.level) / (unitMs + anchor.release - firstStart);
    }
    if (perMs !== undefined && perMs > 0)
      quota.read(budget, perMs * unitMs, now, {
        uncertain: base === undefined,
        exact: base !== undefined && !early,
        afterTrial: refusal.afterTrial === true,
      });
  }
}
