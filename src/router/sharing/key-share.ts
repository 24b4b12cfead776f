import type { QuotaShare, QuotaUsage, SharedEstimate } from './quota-share.js';
import { SHARE_RECORD_VERSION, type ShareRecord } from './share-record.js';
import { sumOverlap, UsageBuckets, type SpanBucket } from './usage-buckets.js';
import { waterFill } from './water-fill.js';

/**
 * One API key as this instance sees it: its own admitted usage, and what the other instances on
 * the key last published (share-record.ts). Pure: every time is an argument.
 *
 *   clock     a record is heard at h = now when tailing; while catching up on the topic's past,
 *             h = min(now, sentAt) (its age by the sender's clock, never in the future). Each of
 *             its times x maps to h − (sentAt − x): one offset per record, so clock skew between
 *             instances only matters for records read while catching up
 *   live      a peer is live while now − h ≤ sessionTimeout and it has not left (tombstone)
 *   usage     peersUsage(now, W) = Σ over peers, live or not, of their buckets in (now − W, now]
 *             (usage-buckets.ts): a departed peer's calls count until they leave the window
 *   fraction  capacity C = R̂ of the newest estimate (else T̂, with usage in tokens); among this
 *             instance and the live peers with demand (waiting > 0, or usage in the last Ŵ > 0),
 *                 d_i = ∞                           if waiting_i > 0
 *                     = (u_i·(1 + g) + unit) / C    otherwise (room to grow by g per report)
 *             f = waterFill(d)[self] · (C − D) / C   (water-fill.ts), D = what departed peers'
 *             calls still hold of the last Ŵ: the live share what is free, so a departure never
 *             lets them race for the same slot; with no estimate, f = 1 / |claimants|
 *   demand    the most calls that waited at the gate since the last record; at least 1 while any
 *             waited within the last Ŵ (10 s while no window is known)
 *   report    every `everyMs`, and `soonestMs` after the last when calls were admitted or began
 *             to wait meanwhile (reportDue)
 *   estimate  newest = the estimate with the latest mapped learntAt among this instance's own
 *             and every peer's last one (ties: the smaller instance id); each instance publishes
 *             only its own, so an estimate is never echoed back newer than it is
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

interface Peer {
  heardAt: number;
  left: boolean;
  waiting: number;
  buckets: SpanBucket[];
  estimate?: SharedEstimate;
}

/** How long a demand is remembered while no window is known. */
const DEFAULT_STICKY_MS = 10_000;

/** The longest window kept: five minutes. */
const MAX_HORIZON_MS = 300_000;

export class KeyShare implements QuotaShare {
  readonly self: string;
  readonly provider: string;
  private readonly own: UsageBuckets;
  private readonly peers = new Map<string, Peer>();
  private readonly sessionTimeoutMs: number;
  private readonly headroom: number;
  private horizon: number;
  private waitingNow = 0;
  private waitingSinceReport = 0;
  /** When calls last waited at the gate. */
  private lastWaitingAt = Number.NEGATIVE_INFINITY;
  private ownEstimate: SharedEstimate | undefined;
  /** The newest estimate of peers no longer in `peers`. */
  private retired: SharedEstimate | undefined;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  /** Something the peers should hear soon happened since the last report: usage, or demand began. */
  private news = false;

  constructor(opts: KeyShareOptions) {
    this.self = opts.self;
    this.provider = opts.provider;
    this.sessionTimeoutMs = opts.sessionTimeoutMs;
    this.own = new UsageBuckets(opts.bucketMs ?? 250);
    this.horizon = Math.min(MAX_HORIZON_MS, opts.horizonMs ?? 60_000);
    this.headroom = opts.headroom ?? 0.5;
  }

  peersUsage(now: number, windowMs: number): QuotaUsage {
    this.widen(windowMs);
    const total = { requests: 0, tokens: 0 };
    for (const peer of this.peers.values()) {
      const u = sumOverlap(peer.buckets, now - windowMs, now);
      total.requests += u.requests;
      total.tokens += u.tokens;
    }
    return total;
  }

  fraction(now: number): number {
    const newest = this.newestEstimate();
    const windowMs = newest?.windowMs ?? this.horizon;
    const claimants: { id: string; waiting: number; usage: QuotaUsage }[] = [
      {
        id: this.self,
        waiting: this.waitingOf(now),
        usage: this.own.usage(now - windowMs, now),
      },
    ];
    for (const [id, peer] of this.peers) {
      if (!this.isLive(peer, now)) continue;
      const usage = sumOverlap(peer.buckets, now - windowMs, now);
      if (peer.waiting > 0 || usage.requests > 0) claimants.push({ id, waiting: peer.waiting, usage });
    }
    const byTokens = newest?.requests === undefined && newest?.tokens !== undefined;
    const capacity = byTokens ? newest?.tokens : newest?.requests;
    if (capacity === undefined) return 1 / claimants.length;
    // What departed peers' calls still hold of the window is nobody's to share yet.
    const departed = this.departedUsage(now, windowMs);
    const free = Math.max(0, capacity - (byTokens ? departed.tokens : departed.requests)) / capacity;
    if (claimants.length === 1) return Math.max(free, Number.MIN_VALUE);
    const demands = claimants.map(({ id, waiting, usage }) => {
      if (waiting > 0) return { id, demand: Number.POSITIVE_INFINITY };
      const used = byTokens ? usage.tokens : usage.requests;
      const unit = byTokens ? usage.tokens / Math.max(1, usage.requests) : 1;
      return { id, demand: (used * (1 + this.headroom) + unit) / capacity };
    });
    const f = Math.min(1, waterFill(demands).get(this.self) ?? 1) * free;
    return Math.max(f, Number.MIN_VALUE);
  }

  /** Usage in (now − W, now] of peers that are no longer live. */
  private departedUsage(now: number, windowMs: number): QuotaUsage {
    const total = { requests: 0, tokens: 0 };
    for (const peer of this.peers.values()) {
      if (this.isLive(peer, now)) continue;
      const u = sumOverlap(peer.buckets, now - windowMs, now);
      total.requests += u.requests;
      total.tokens += u.tokens;
    }
    return total;
  }

  instances(now: number): number {
    let live = 1;
    for (const peer of this.peers.values()) if (this.isLive(peer, now)) live += 1;
    return live;
  }

  newestEstimate(): SharedEstimate | undefined {
    let newest = newer(this.ownEstimate, this.retired);
    for (const peer of this.peers.values()) newest = newer(newest, peer.estimate);
    return newest;
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

  /** Whether this instance has calls waiting, or has made any within the horizon. */
  active(now: number): boolean {
    return (
      this.waitingNow > 0 ||
      this.waitingSinceReport > 0 ||
      this.own.usage(now - this.horizon, now).requests > 0
    );
  }

  /**
   * Whether a record is due: `everyMs` after the last one, or `soonestMs` after it when there is
   * news (calls admitted or revised, or calls began to wait), so peers hear of usage quickly.
   */
  reportDue(now: number, everyMs: number, soonestMs: number): boolean {
    const since = now - this.lastReportAt;
    return since >= everyMs || (this.news && since >= soonestMs);
  }

  /** This instance's record for the key now; the demand it reports starts over from here. */
  report(now: number): ShareRecord {
    this.lastReportAt = now;
    this.news = false;
    this.prune(now);
    const usage = this.own
      .since(now - this.horizon)
      .map((b): [number, number, number] => [now - b.start, b.requests, b.tokens]);
    const record: ShareRecord = {
      v: SHARE_RECORD_VERSION,
      provider: this.provider,
      sentAt: now,
      bucketMs: this.own.bucketMs,
      usage,
      waiting: this.waitingOf(now),
      ...(this.ownEstimate !== undefined && { estimate: this.ownEstimate }),
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
    if (record === undefined) {
      const peer = this.peers.get(instance);
      if (peer !== undefined) peer.left = true;
      return;
    }
    const heardAt = catchingUp ? Math.min(now, record.sentAt) : now;
    const offset = heardAt - record.sentAt;
    const { estimate } = record;
    this.peers.set(instance, {
      heardAt,
      left: false,
      waiting: record.waiting,
      // The bucket still filling when the record was sent spans only up to sentAt.
      buckets: record.usage.map(([ago, requests, tokens]) => ({
        start: heardAt - ago,
        width: Math.min(record.bucketMs, ago),
        requests,
        tokens,
      })),
      ...(estimate !== undefined && { estimate: { ...estimate, learntAt: estimate.learntAt + offset } }),
    });
    if (estimate !== undefined) this.widen(estimate.windowMs);
    this.prune(now);
  }

  /** Forgets usage older than the horizon, and peers that are gone with nothing left in it. */
  prune(now: number): void {
    const before = now - this.horizon;
    this.own.prune(before);
    for (const [id, peer] of this.peers) {
      peer.buckets = peer.buckets.filter((b) => b.start + b.width >= before);
      if (!this.isLive(peer, now) && peer.buckets.length === 0) {
        this.retired = newer(this.retired, peer.estimate);
        this.peers.delete(id);
      }
    }
  }

  /**
   * The demand this instance reports: the most calls that waited since its last record — or, if
   * calls waited at all within the last window, at least one. A backlog paused for a retry hint,
   * or between two calls, waits nowhere for a moment; it is still a backlog.
   */
  private waitingOf(now: number): number {
    const stickyMs = this.newestEstimate()?.windowMs ?? DEFAULT_STICKY_MS;
    const recent = now - this.lastWaitingAt <= stickyMs ? 1 : 0;
    return Math.max(this.waitingNow, this.waitingSinceReport, recent);
  }

  private isLive(peer: Peer, now: number): boolean {
    return !peer.left && now - peer.heardAt <= this.sessionTimeoutMs;
  }

  private widen(windowMs: number): void {
    if (windowMs > this.horizon) this.horizon = Math.min(MAX_HORIZON_MS, windowMs);
  }
}

/** The later of two estimates by learntAt; on a tie, the one learnt by the smaller instance id. */
function newer(a: SharedEstimate | undefined, b: SharedEstimate | undefined): SharedEstimate | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.learntAt !== b.learntAt) return a.learntAt > b.learntAt ? a : b;
  return a.by <= b.by ? a : b;
}
