import {
  LONGEST_REPORT_MS,
  type KeyRefusal,
  type PeerClaim,
  type QuotaShare,
  type QuotaUsage,
  type SharedEstimate,
} from './quota-share.js';
import { newerEstimate, PeerView } from './peer-view.js';
import { sharesOfKey, type Claimant } from './share-of-key.js';
import { SHARE_RECORD_VERSION, type ShareRecord } from './share-record.js';
import { sumOverlap, UsageBuckets } from './usage-buckets.js';

/**
 * One API key as this instance sees it: its own admitted usage and demand, and the other
 * instances on it (peer-view.ts). Pure: every time is an argument.
 *
 *   fraction  this instance's part of the key (share-of-key.ts), the capacity being the newest
 *             estimate known, its own or a peer's
 *   demand    the most calls that waited at the gate since the last record; at least 1 while any
 *             waited within the hold H = min(1 s, Ŵ/10) (1 s while no window is known), or until H
 *             after the end of a refusal of the key that came while they waited: a backlog
 *             between two calls, or paused, waits nowhere for a moment and is still a backlog. Longer (a whole
 *             window, as it was) kept a finished backlog's equal part for a window after its last
 *             call, unused while the others' backlogs waited for it (bench/quota, 3 instances)
 *   active    a claimant admitted a call within H (its own buckets, or a peer's published ones)
 *             keeps headroom on its usage (share-of-key.ts); one that stopped keeps what it holds
 *   report    every `everyMs`, `soonestMs` after the last when calls were admitted or began to
 *             wait meanwhile, and at once when a window-sized 429 came (reportDue); it carries this
 *             instance's own estimate only, so an estimate is never echoed back looking newer than
 *             it is, and its newest window-sized 429 while it is less than a window old
 */
export interface KeyShareOptions {
  /** This instance's sharing id. */
  self: string;
  provider: string;
  /** A peer silent longer than this is gone (the consumer group's session timeout). */
  sessionTimeoutMs: number;
  /** Width of this instance's usage buckets (default 250 ms). */
  bucketMs?: number;
  /** How far back usage is kept and published before any window is known (default 60 s). */
  horizonMs?: number;
  /** g: how much more than its last window's usage a claimant without a backlog may grow to (default 0.5). */
  headroom?: number;
}

/** H: how long a demand (and a call, for `active`) is remembered, at most; Ŵ/10 when shorter. */
export const DEMAND_HOLD_MS = 1_000;

/** The longest window kept: five minutes. */
const MAX_HORIZON_MS = 300_000;

export class KeyShare implements QuotaShare {
  readonly self: string;
  readonly provider: string;
  private readonly own: UsageBuckets;
  private readonly peers: PeerView;
  private readonly headroom: number;
  private horizon: number;
  private waitingNow = 0;
  private waitingSinceReport = 0;
  /** When calls last waited at the gate. */
  private lastWaitingAt = Number.NEGATIVE_INFINITY;
  private ownEstimate: SharedEstimate | undefined;
  private ownRefusal: KeyRefusal | undefined;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  /** Something the peers should hear soon happened since the last report: usage, or demand began. */
  private news = false;
  /** A window-sized 429 came since the last report: the peers should hear it at once. */
  private refusalNews = false;
  /** Told when a record changed how many instances are on the key. */
  private readonly listeners = new Set<() => void>();

  constructor(opts: KeyShareOptions) {
    this.self = opts.self;
    this.provider = opts.provider;
    this.peers = new PeerView(opts.sessionTimeoutMs);
    this.own = new UsageBuckets(opts.bucketMs ?? 250);
    this.horizon = Math.min(MAX_HORIZON_MS, opts.horizonMs ?? 60_000);
    this.headroom = opts.headroom ?? 0.5;
  }

  peersUsage(now: number, windowMs: number): QuotaUsage {
    this.widen(windowMs);
    return this.peers.usage(now, windowMs);
  }

  fraction(now: number): number {
    return this.allocation(now).get(this.self) ?? Number.MIN_VALUE;
  }

  peerClaims(now: number, windowMs: number): PeerClaim[] {
    this.widen(windowMs);
    const parts = this.allocation(now);
    return [...this.peers.usages(now, windowMs)]
      .filter(([, peer]) => this.peers.isLive(peer, now))
      .map(([id, , usage]) => ({ id, usage, fraction: parts.get(id) ?? 0 }));
  }

  silentUntil(at: number, windowMs: number): number | undefined {
    return this.peers.silentUntil(at, windowMs, LONGEST_REPORT_MS);
  }

  peerRefusal(): KeyRefusal | undefined {
    return this.peers.newestRefusal();
  }

  refused(r: Omit<KeyRefusal, 'by'>): void {
    this.ownRefusal = { ...r, by: this.self };
    this.news = true;
    this.refusalNews = true;
  }

  /** The fraction of every claimant (this instance and the live peers with demand) by shareOfKey. */
  private allocation(now: number): Map<string, number> {
    const newest = this.newestEstimate();
    const windowMs = newest?.windowMs ?? this.horizon;
    const since = now - windowMs;
    const recent = now - this.hold();
    const claimants: Claimant[] = [
      {
        id: this.self,
        waiting: this.waitingOf(now),
        usage: this.own.usage(since, now),
        active: this.own.usage(recent, now).requests > 0,
      },
    ];
    for (const [id, peer] of this.peers.live(now)) {
      const usage = sumOverlap(peer.buckets, since, now);
      const active = sumOverlap(peer.buckets, recent, now).requests > 0;
      if (peer.waiting > 0 || usage.requests > 0)
        claimants.push({ id, waiting: peer.waiting, usage, active });
    }
    const byTokens = newest?.requests === undefined && newest?.tokens !== undefined;
    const amount = byTokens ? newest?.tokens : newest?.requests;
    if (amount === undefined) return sharesOfKey(claimants, undefined, this.headroom);
    const departed = this.peers.usage(now, windowMs, 'departed');
    const capacity = { amount, byTokens, departed: byTokens ? departed.tokens : departed.requests };
    return sharesOfKey(claimants, capacity, this.headroom);
  }

  instances(now: number): number {
    return 1 + [...this.peers.live(now)].length;
  }

  newestEstimate(): SharedEstimate | undefined {
    return newerEstimate(this.ownEstimate, this.peers.newestEstimate());
  }

  admitted(at: number, tokens: number): void {
    this.own.add(at, 1, tokens);
    this.news = true;
  }

  revise(at: number, requests: number, tokens: number): void {
    this.own.add(at, requests, tokens);
    this.news = true;
  }

  demand(now: number, waiting: number): void {
    if (waiting > 0 && this.waitingSinceReport === 0) this.news = true;
    this.waitingNow = Math.max(0, waiting);
    this.waitingSinceReport = Math.max(this.waitingSinceReport, this.waitingNow);
    if (waiting > 0) this.lastWaitingAt = now;
  }

  estimate(e: Omit<SharedEstimate, 'by'>): void {
    this.ownEstimate = { ...e, by: this.self };
    this.widen(e.windowMs);
  }

  /**
   * Whether a record is due: `everyMs` after the last one, or `soonestMs` after it when there is
   * news (calls admitted or revised, or calls began to wait), so peers hear of usage quickly.
   */
  reportDue(now: number, everyMs: number, soonestMs: number): boolean {
    const since = now - this.lastReportAt;
    return since >= everyMs || this.refusalNews || (this.news && since >= soonestMs);
  }

  /** This instance's record for the key now; the demand it reports starts over from here. */
  report(now: number): ShareRecord {
    this.lastReportAt = now;
    this.news = false;
    this.refusalNews = false;
    this.prune(now);
    const usage = this.own
      .since(now - this.horizon)
      .map((b): [number, number, number] => [now - b.start, b.requests, b.tokens]);
    const refusal = this.ownRefusal;
    const record: ShareRecord = {
      v: SHARE_RECORD_VERSION,
      provider: this.provider,
      sentAt: now,
      bucketMs: this.own.bucketMs,
      usage,
      waiting: this.waitingOf(now),
      ...(this.ownEstimate !== undefined && { estimate: this.ownEstimate }),
      ...(refusal !== undefined &&
        now - refusal.at <= refusal.windowMs && {
          refusal: {
            ago: now - refusal.at,
            untilIn: refusal.until - now,
            windowMs: refusal.windowMs,
            tokens: refusal.tokens,
          },
        }),
    };
    this.waitingSinceReport = this.waitingNow;
    return record;
  }

  /**
   * A peer's record (undefined: its tombstone) read at `now`; `catchingUp` while reading the
   * records the topic held when this instance started.
   */
  heard(instance: string, record: ShareRecord | undefined, now: number, catchingUp: boolean): void {
    if (instance === this.self) return;
    const before = this.instances(now);
    this.peers.heard(instance, record, now, catchingUp);
    if (record?.estimate !== undefined) this.widen(record.estimate.windowMs);
    this.prune(now);
    if (this.instances(now) !== before) for (const listener of this.listeners) listener();
  }

  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets usage older than the horizon, and peers that are gone with nothing left in it. */
  prune(now: number): void {
    this.own.prune(now - this.horizon);
    this.peers.prune(now - this.horizon, now);
  }

  private waitingOf(now: number): number {
    const recent = now <= this.demandHeldUntil() ? 1 : 0;
    return Math.max(this.waitingNow, this.waitingSinceReport, recent);
  }

  /**
   * The last wait plus H — or, when the key was refused while it waited (its own window-sized 429
   * or a peer's), the refusal's end plus H: the router holds its batches off the gate while the
   * key is paused, and a backlog paused is still a backlog (else it restarts at one call, and its
   * part rises only a RISE_DELAY later, as the room frees for everyone).
   */
  private demandHeldUntil(): number {
    const hold = this.hold();
    let until = this.lastWaitingAt + hold;
    for (const r of [this.ownRefusal, this.peers.newestRefusal()])
      if (r !== undefined && r.at <= until && r.until + hold > until) until = r.until + hold;
    return until;
  }

  /** H = min(DEMAND_HOLD_MS, Ŵ/10). */
  private hold(): number {
    const windowMs = this.newestEstimate()?.windowMs;
    return windowMs === undefined ? DEMAND_HOLD_MS : Math.min(DEMAND_HOLD_MS, windowMs / 10);
  }

  private widen(windowMs: number): void {
    if (windowMs > this.horizon) this.horizon = Math.min(MAX_HORIZON_MS, windowMs);
  }
}
