import { counted, type Counted } from './key-count.js';
import { isShared } from './is-shared.js';
import type { KeyQuota } from './key-quota.js';
import type { OwnCalls } from './own-calls.js';
import { LONGEST_REPORT_MS, type QuotaShare, type SharedEstimate } from './quota-share.js';
import type { UnheardCalls } from './unheard-calls.js';
import type { Pacer } from '../pacing/pacer.js';

/** A 429 is counted this long after it was sent: the peers' usage up to it has been heard of by then. */
export const COUNT_DELAY_MS = 1_000;
/** The peers' usage buckets' width: a 429's count leaves out a bucket that began before its window. */
const PEER_BUCKET_MS = 250;
/** An estimate learnt this close before a peer's refusal is taken to be that refusal's count (clock mapping). */
const SAME_EVIDENCE_MS = 250;

/**
 * The shared count of the key's window-sized 429s: one for a call sent at t — this instance's, or
 * the newest a peer published — is counted COUNT_DELAY_MS later once every peer's calls up to t
 * were heard of (share.silentUntil), else a report interval later as it stands:
 *
 *   lo = own(t − Ŵ, t] + peers' buckets begun in (t − Ŵ, t]         (tokens alike)
 *   hi = own(t − Ŵ, t] + peers' buckets meeting (t − Ŵ, t]
 *   every peer heard of:  R̂ ← hi if R̂ > hi;  lo if lo > (1 + RAISE_BY)·R̂;  else R̂
 *   a peer silent:        R̂ ← lo if lo > (1 + RAISE_BY)·R̂;  else R̂   (never lower)
 *
 * (key-count.ts; a count missing calls is a lower bound, and so is R̂ set by one: `floor`) and
 * published: the estimate is of the whole key, not of this instance's part. A peer's count is
 * published only when no estimate learnt at t − SAME_EVIDENCE_MS or later is known (the refused
 * peer counts its own only at its next call, which its breaker holds until its hint has passed),
 * and kept either way for what it finds: a silent count that kept R̂ above hi found R̂ − hi calls
 * no one heard of (unheard-calls.ts).
 */
export class RefusalCounter {
  /** This instance's window-sized 429 waiting to be counted. */
  private pending: { sent: number; tokens: boolean } | undefined;
  /** The latest `at` of a peer's refusal this instance has dealt with (counted, or found counted). */
  private peerCounted = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly share: QuotaShare,
    private readonly inner: Pacer,
    private readonly own: OwnCalls,
    private readonly quota: KeyQuota,
    private readonly unheard: UnheardCalls,
  ) {}

  /** This instance's window-sized 429 for a call sent at `sent`, while shared (one waits at a time). */
  refused(sent: number, tokens: boolean): void {
    if (this.pending === undefined) this.pending = { sent, tokens };
  }

  /**
   * Counts the pending 429's window once the peers' reports up to it are in, and publishes it; and
   * a peer's newest 429 likewise, unless an estimate learnt from it (or later) is known already —
   * the peer counts its own 429 at its next call, which its pause may hold back past this one's.
   */
  countDue(now: number): void {
    const r = this.share.peerRefusal();
    if (r !== undefined && r.at > this.peerCounted && this.countable(r.at, r.windowMs, now)) {
      this.peerCounted = r.at;
      const last = this.share.newestEstimate();
      // Counted here too when the peer's count is known already, for the calls no one heard of.
      const known = last !== undefined && last.learntAt >= r.at - SAME_EVIDENCE_MS;
      const w = this.quota.at(now)?.windowMs ?? r.windowMs;
      if (isShared(this.share, now, r.windowMs)) this.count(r.at, r.tokens, w, now, !known);
    }
    const p = this.pending;
    const w = this.quota.at(now)?.windowMs ?? this.inner.learnt?.windowMs;
    if (p === undefined || !this.countable(p.sent, w ?? 0, now)) return;
    this.pending = undefined;
    if (w !== undefined) this.count(p.sent, p.tokens, w, now);
  }

  /**
   * A 429 for a call sent at `sent` is counted COUNT_DELAY_MS later once every peer's calls up to
   * it have been heard of, or a report interval after that whatever was heard (then a lower bound).
   */
  private countable(sent: number, windowMs: number, now: number): boolean {
    if (now < sent + COUNT_DELAY_MS) return false;
    if (now >= sent + COUNT_DELAY_MS + LONGEST_REPORT_MS) return true;
    return this.share.silentUntil(sent, windowMs) === undefined;
  }

  /** The key's estimate from a 429 for a call sent at `sent` (its window: own + peers' calls). */
  private count(sent: number, tokens: boolean, w: number, now: number, publish = true): void {
    const last = this.quota.at(now);
    const mine = this.own.heldAt(sent, w);
    // The peers' calls in the window lie between their buckets begun inside it (one begun before
    // may hold calls that had left) and every bucket meeting it (it may hold calls still in) —
    // when every peer's calls were heard of; else the window held more than either.
    const lo = this.share.peersUsage(sent, w - PEER_BUCKET_MS);
    const hi = this.share.peersUsage(sent, w);
    const silent = this.share.silentUntil(sent, w);
    const complete = silent === undefined;
    const estimate: Omit<SharedEstimate, 'by'> = { windowMs: w, learntAt: sent };
    const shape = last?.shape ?? this.inner.learnt?.shape;
    if (shape !== undefined) estimate.shape = shape;
    const floor = last?.floor === true;
    let value: Counted;
    if (tokens) {
      const held = this.own.costOfAll(mine);
      if (held + hi.tokens <= 0) return;
      value = counted(held + lo.tokens, held + hi.tokens, complete, last?.tokens, floor);
      estimate.tokens = Math.round(value.value);
      if (silent !== undefined) this.unheard.found(silent + w, 0, value.value - held - hi.tokens);
      if (last?.requests !== undefined) estimate.requests = last.requests;
    } else {
      value = counted(mine.length + lo.requests, mine.length + hi.requests, complete, last?.requests, floor);
      estimate.requests = Math.max(1, value.value);
      if (silent !== undefined) this.unheard.found(silent + w, value.value - mine.length - hi.requests, 0);
      if (last?.tokens !== undefined) estimate.tokens = last.tokens;
    }
    if (value.floor) estimate.floor = true;
    if (publish) this.share.estimate(estimate);
  }
}
