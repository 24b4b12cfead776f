import type { KeyRefusal, QuotaUsage, SharedEstimate } from './quota-share.js';
import type { ShareRecord } from './share-record.js';
import { sumOverlap, type SpanBucket } from './usage-buckets.js';

/**
 * The other instances on one key, as their records (share-record.ts) describe them. Pure: every
 * time is an argument.
 *
 *   clock    a record is heard at h = now when read live; while catching up on what the topic held
 *            at start, h = min(now, sentAt) (its age by the sender's clock, never in the future).
 *            Each of its times x maps to h − (sentAt − x): one offset per record, so clock skew
 *            between instances only matters for records read while catching up
 *   live     a peer is live while now − h ≤ sessionTimeout and it has not left (tombstone)
 *   usage    Σ over peers (live or departed) of their buckets meeting (now − W, now]
 *            (usage-buckets.ts): a departed peer's calls count until they leave the window, then
 *            the peer is forgotten — all but its estimate
 *   silent   every peer's calls in (at − W, at] were heard of when each was heard at h ≥ at, or at
 *            h ≤ at − W − I (I: the longest report interval); else max(h + I) of the others
 *   newest   the estimate with the latest mapped learntAt among the peers' last ones, departed
 *            peers' included (ties: the smaller instance id); the refusal with the latest mapped
 *            `at` likewise (at = h − ago, until = h + untilIn)
 */
export interface Peer {
  heardAt: number;
  left: boolean;
  /** Its demand: calls waiting at its gate, as it last said. */
  waiting: number;
  buckets: SpanBucket[];
  estimate?: SharedEstimate;
  refusal?: KeyRefusal;
}

export class PeerView {
  private readonly peers = new Map<string, Peer>();
  /** The newest estimate of peers forgotten. */
  private retired: SharedEstimate | undefined;

  constructor(private readonly sessionTimeoutMs: number) {}

  /** A peer's record (undefined: its tombstone) read at `now`. */
  heard(instance: string, record: ShareRecord | undefined, now: number, catchingUp: boolean): void {
    if (record === undefined) {
      const peer = this.peers.get(instance);
      if (peer !== undefined) peer.left = true;
      return;
    }
    const heardAt = catchingUp ? Math.min(now, record.sentAt) : now;
    const offset = heardAt - record.sentAt;
    const { estimate, refusal } = record;
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
      ...(refusal !== undefined && {
        refusal: {
          at: heardAt - refusal.ago,
          until: heardAt + refusal.untilIn,
          windowMs: refusal.windowMs,
          tokens: refusal.tokens,
          by: instance,
        },
      }),
    });
  }

  isLive(peer: Peer, now: number): boolean {
    return !peer.left && now - peer.heardAt <= this.sessionTimeoutMs;
  }

  /** The live peers, by instance id. */
  *live(now: number): Iterable<[string, Peer]> {
    for (const entry of this.peers) if (this.isLive(entry[1], now)) yield entry;
  }

  /** Usage in (now − W, now] of every peer, or of the departed ones only. */
  usage(now: number, windowMs: number, which: 'all' | 'departed' = 'all'): QuotaUsage {
    const total = { requests: 0, tokens: 0 };
    for (const peer of this.peers.values()) {
      if (which === 'departed' && this.isLive(peer, now)) continue;
      const u = sumOverlap(peer.buckets, now - windowMs, now);
      total.requests += u.requests;
      total.tokens += u.tokens;
    }
    return total;
  }

  /**
   * Undefined when every peer's calls in (at − W, at] are in what was heard of it: each peer was
   * heard at or after `at` (its record then holds its calls up to `at`), or last heard at or before
   * at − W − I, I the longest report interval (silent since, it was gone before the window began).
   * Else the latest h + I of the peers heard within the window or the interval before it and silent
   * since (dead, leaving, or the next record still on its way): by then they made every call no one
   * heard of.
   */
  silentUntil(at: number, windowMs: number, intervalMs: number): number | undefined {
    let until: number | undefined;
    for (const peer of this.peers.values())
      if (peer.heardAt < at && peer.heardAt > at - windowMs - intervalMs)
        until = Math.max(until ?? Number.NEGATIVE_INFINITY, peer.heardAt + intervalMs);
    return until;
  }

  newestEstimate(): SharedEstimate | undefined {
    let newest = this.retired;
    for (const peer of this.peers.values()) newest = newerEstimate(newest, peer.estimate);
    return newest;
  }

  newestRefusal(): KeyRefusal | undefined {
    let newest: KeyRefusal | undefined;
    for (const peer of this.peers.values())
      if (peer.refusal !== undefined && (newest === undefined || peer.refusal.at > newest.at))
        newest = peer.refusal;
    return newest;
  }

  /** Each peer (live or departed) with its usage in (now − W, now]. */
  *usages(now: number, windowMs: number): Iterable<[string, Peer, QuotaUsage]> {
    for (const [id, peer] of this.peers) yield [id, peer, sumOverlap(peer.buckets, now - windowMs, now)];
  }

  /** Forgets buckets that end before `before`, and departed peers with none left. */
  prune(before: number, now: number): void {
    for (const [id, peer] of this.peers) {
      peer.buckets = peer.buckets.filter((b) => b.start + b.width >= before);
      if (!this.isLive(peer, now) && peer.buckets.length === 0) {
        this.retired = newerEstimate(this.retired, peer.estimate);
        this.peers.delete(id);
      }
    }
  }
}

/** The later of two estimates by learntAt; on a tie, the one learnt by the smaller instance id. */
export function newerEstimate(
  a: SharedEstimate | undefined,
  b: SharedEstimate | undefined,
): SharedEstimate | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.learntAt !== b.learntAt) return a.learntAt > b.learntAt ? a : b;
  return a.by <= b.by ? a : b;
}
