import { LONGEST_REPORT_MS, type QuotaShare, type QuotaUsage, type SharedEstimate } from './quota-share.js';
import { counted, type Counted } from './key-count.js';
import { overflowShare } from './overflow-share.js';
import { wholeCalls } from './whole-calls.js';
import type { CallOutcome, LearntQuota, Pacer, RefusalReading } from '../pacing/pacer.js';

/** While the share holds a call back, how soon it is asked again (its fraction moves with peers). */
export const RECHECK_MS = 250;
/** While only the peers' usage holds a call back, how soon it is asked again (their buckets age). */
export const PEERS_RECHECK_MS = 50;
/** A 429 is counted this long after it was sent: the peers' usage up to it has been heard by then. */
export const COUNT_DELAY_MS = 1_000;

/** Calls leave the provider's window this share of Ŵ after Ŵ (their send lag): the gate counts over Ŵ·(1 + this). */
export const SEND_MARGIN = 1 / 100;
/** A rise of this instance's fraction is taken this much later (a fall at once): peers hear late. */
export const RISE_DELAY_MS = 1_000;
/** The peers' usage buckets' width: a 429's count leaves out a bucket that began before its window. */
const PEER_BUCKET_MS = 250;
/** An estimate learnt this close before a peer's refusal is taken to be that refusal's count (clock mapping). */
const SAME_EVIDENCE_MS = 250;

interface OwnCall {
  start: number;
  /**
   * From when the provider's window holds it: `start`, or, once the answer says the provider got
   * it later (CallOutcome.arrivedBy: a slow send), that moment.
   */
  at: number;
  /** Estimated prompt tokens at the gate. */
  estimate: number;
  /** Reported tokens, once answered. */
  cost?: number;
  answered?: boolean;
}

/**
 * The pacer of a provider whose key other instances use too (docs/quota.md): the provider's own
 * pacer (`inner`, which learns from this instance's calls) and the key's QuotaShare (what the
 * others use, and this instance's part f of the key).
 *
 *   alone     no live peer and no peer's call in the window: the inner pacer, and each change of
 *             what it learnt is published as the key's estimate (learntAt: now)
 *   refusal   a window-sized 429 (call sent at t, hint h) is published at once, shared or not
 *             (share.refused: the key is full until t_r + h, h ≤ Ŵ), so a peer that joins meanwhile
 *             knows it
 *   estimate  Q = the key's newest estimate (share.newestEstimate(): this instance's or a peer's,
 *             adopted by a joiner before its first call). Shared, a window-sized 429 for a call
 *             sent at t — this instance's, or the newest a peer published (its count published
 *             only when no estimate learnt at t − SAME_EVIDENCE_MS or later is known: the refused
 *             peer counts its own only at its next call, which its breaker holds until h has
 *             passed) — is counted
 *             COUNT_DELAY_MS later once every peer's calls up to t were heard of
 *             (share.silentUntil), else a report interval later as it stands:
 *                 lo = own(t − Ŵ, t] + peers' buckets begun in (t − Ŵ, t]     (tokens alike)
 *                 hi = own(t − Ŵ, t] + peers' buckets meeting (t − Ŵ, t]
 *                 every peer heard of:  R̂ ← hi if R̂ > hi;  lo if lo > (1 + RAISE_BY)·R̂;  else R̂
 *                 a peer silent:        R̂ ← lo if lo > (1 + RAISE_BY)·R̂;  else R̂   (never lower)
 *             (key-count.ts; a count missing calls is a lower bound, and so is R̂ set by one:
 *             `floor`) and published: the estimate is of the whole key, not of this instance's part
 *   unheard   a count missing calls that kept R̂ above it found U = R̂ − hi calls no one heard of,
 *             made by s = share.silentUntil(t, Ŵ): until s + Ŵ they count with the peers' usage,
 *             and each part gives up its share of them, U·f / (f + Σ f_peers)
 *   trial     shared, R̂ a lower bound learnt at t₀ ≤ t − Ŵ, the key full (own + peers + 1 > R̂),
 *             and this instance the claimant with the smallest id (every member computes the same):
 *                 R̂ ← R̂ + 1, a lower bound, learntAt t — published, so one call a window is tried
 *             for the whole key; a 429 past the quota is counted, a reading, and trials stop
 *   gate      shared, a call of e prompt tokens may leave at t when the inner's pause and the
 *             newest peer refusal's (the key's common pause) are over and, with Q known, over
 *             (t − Ŵ′, t], Ŵ′ = Ŵ·(1 + SEND_MARGIN) (a call reaches the provider a little after
 *             the gate let it go, and leaves its window as late), with f the least fraction of
 *             the last RISE_DELAY_MS and cut what peers over their parts take (overflow-share.ts),
 *                 own + 1 ≤ max(1, ⌊whole(f·R̂) − cut − U·f/Σf⌋)   and   own + peers + U + 1 ≤ R̂
 *                 own + k·e ≤ max(k·e, f·T̂ − cut − U·f/Σf)   and   own + peers + U + k·e ≤ T̂
 *             (k: reported tokens per estimated token; whole(f·R̂): f·R̂ in whole calls, the
 *             parts' remainders going to the largest, whole-calls.ts); held, it is asked again when enough of
 *             its own calls leave (t − Ŵ′) — within RECHECK_MS — or within PEERS_RECHECK_MS when
 *             only the peers' usage binds; and, where the provider reports what the key has left
 *             (OpenAI's headers, inner.reportedOpenAt), never before that room holds the call
 *
 * Own calls are counted from the gate's start until the provider refuses them (a 429 is not
 * counted); a call that failed otherwise stays counted (the provider may have counted it).
 */
export class SharedPacer implements Pacer {
  private readonly own: OwnCall[] = [];
  private reported = 0;
  private estimated = 0;
  private published = '';
  private pending: { sent: number; tokens: boolean } | undefined;
  /** Calls of silent peers a count found the key held, no one having heard of them, and until when. */
  private unheard: (QuotaUsage & { until: number }) | undefined;
  /** The latest `at` of a peer's refusal this instance has dealt with (counted, or found counted). */
  private peerCounted = Number.NEGATIVE_INFINITY;
  /** This instance's fraction as the share gave it over the last RISE_DELAY_MS, oldest first. */
  private readonly fractions: { at: number; f: number }[] = [];
  /** The latest time the gate told this pacer (for `learnt`, which takes none). */
  private lastNow = Number.NEGATIVE_INFINITY;
  /** When the gate first paced by the limits the provider reports (keyQuota). */
  private reportedAt: number | undefined;

  constructor(
    private readonly inner: Pacer,
    private readonly share: QuotaShare,
  ) {}

  get pausedUntil(): number {
    return this.inner.pausedUntil;
  }

  /** The key's estimate while shared, else what the inner pacer learnt. */
  get learnt(): LearntQuota | undefined {
    const q = this.share.newestEstimate();
    if (q === undefined || this.share.instances(this.lastNow) <= 1) return this.inner.learnt;
    const quota: LearntQuota = { windowMs: q.windowMs };
    if (q.requests !== undefined) quota.requests = q.requests;
    if (q.tokens !== undefined) quota.tokens = q.tokens;
    if (q.shape !== undefined) quota.shape = q.shape;
    const reported = this.inner.learnt?.reported;
    if (reported !== undefined) quota.reported = reported;
    return quota;
  }

  openAt(now: number, tokens: number): number {
    this.lastNow = now;
    this.countDue(now);
    const q = this.keyQuota(now);
    if (!this.shared(now, q?.windowMs)) return this.inner.openAt(now, tokens);
    // A peer's window-sized 429 says the key is full until its hint passes: for everyone on it.
    const keyPause = this.share.peerRefusal()?.until ?? 0;
    if (q === undefined) return Math.max(keyPause, this.inner.openAt(now, tokens));
    // What the provider reports the key has left counts every user's calls: it holds ours too.
    const reported = this.inner.reportedOpenAt?.(now, tokens) ?? 0;
    return Math.max(this.inner.pausedUntil, keyPause, this.gate(now, tokens, q), reported);
  }

  started(now: number, tokens: number): void {
    this.inner.started(now, tokens);
    this.own.push({ start: now, at: now, estimate: Math.max(0, tokens) });
  }

  record(outcome: CallOutcome, now: number): RefusalReading | undefined {
    this.lastNow = now;
    const reading = this.inner.record(outcome, now);
    const call = this.take(outcome.startedAt, outcome.kind === 'rate_limited');
    if (outcome.kind === 'success' && call !== undefined) {
      call.answered = true;
      // A slow send (a process's first calls: 100–350 ms measured on a loaded host) puts the call
      // in the provider's window later than the gate let it go, and it leaves as late.
      if (outcome.arrivedBy !== undefined) call.at = Math.max(call.at, Math.min(outcome.arrivedBy, now));
      const cost = (outcome.inputTokens ?? 0) + (outcome.outputTokens ?? 0);
      if (cost > 0) {
        call.cost = cost;
        if (call.estimate > 0) {
          this.reported += cost;
          this.estimated += call.estimate;
        }
      }
    }
    const q = this.keyQuota(now);
    const windowMs = q?.windowMs ?? this.inner.learnt?.windowMs;
    const windowSized = reading === 'metered' || reading === 'window';
    if (outcome.kind === 'rate_limited' && windowSized && windowMs !== undefined) {
      // Told at once, shared or not: a peer that joins before the hint passes pauses too.
      // A window-sized hint frees room within a window; a longer one is not this quota's to share.
      const hint = Math.min(windowMs, Math.max(0, outcome.retryAfterMs ?? 0));
      const tokens = outcome.quota === 'tokens';
      this.share.refused({ at: outcome.startedAt ?? now, until: now + hint, windowMs, tokens });
    }
    if (this.shared(now, windowMs)) {
      if (outcome.kind === 'rate_limited' && windowSized && this.pending === undefined)
        this.pending = { sent: outcome.startedAt ?? now, tokens: outcome.quota === 'tokens' };
    } else this.publishInner(now);
    this.countDue(now);
    this.prune(now, q?.windowMs);
    return reading;
  }

  /**
   * The key's quota to gate by: its newest estimate (learnt from 429s, this instance's or a
   * peer's), else the limits the provider reports on its answers (OpenAI's x-ratelimit-limit-*:
   * the key's, per minute), first read at `reportedAt`. Not published: every instance on the key
   * reads the same limits on its own first answer, and the batch-size rule keeps reading what
   * 429s taught (`learnt`).
   */
  private keyQuota(now: number): SharedEstimate | undefined {
    const q = this.share.newestEstimate();
    if (q !== undefined) return q;
    const r = this.inner.learnt?.reported;
    if (r?.windowMs === undefined || (r.requests === undefined && r.tokens === undefined)) return undefined;
    this.reportedAt ??= now;
    return {
      windowMs: r.windowMs,
      ...(r.requests !== undefined && { requests: r.requests }),
      ...(r.tokens !== undefined && { tokens: r.tokens }),
      ...(r.shape !== undefined && { shape: r.shape }),
      learntAt: this.reportedAt,
      by: this.share.self ?? '',
    };
  }

  /** k: reported tokens per estimated prompt token (1 before any answer). */
  private get k(): number {
    return this.estimated > 0 && this.reported > 0 ? this.reported / this.estimated : 1;
  }

  private shared(now: number, windowMs: number | undefined): boolean {
    if (this.share.instances(now) > 1) return true;
    return windowMs !== undefined && this.share.peersUsage(now, windowMs).requests > 0;
  }

  private gate(now: number, tokens: number, q: SharedEstimate): number {
    // A call reaches the provider a little after the gate let it go (more so on a loaded host), and
    // leaves its window as late: the gate counts over a window longer by the send lag, own calls
    // and the peers' alike (a 429's count stays over Ŵ: a call counted there was in the window).
    const w = q.windowMs * (1 + SEND_MARGIN);
    const f = this.fraction(now);
    const peers = this.peersIn(now, w);
    const claims = this.share.peerClaims(now, w);
    // Oldest in the provider's window first (a slow send's call entered it after later ones).
    const mine = this.own.filter((c) => c.at > now - w).sort((x, y) => x.at - y.at);
    const need = this.k * tokens;
    // Calls no one heard of take room from every part, in proportion (as a peer's overflow does).
    const unheard = this.unheard !== undefined && now < this.unheard.until ? this.unheard : undefined;
    const ofUnheard = f / (f + claims.reduce((sum, c) => sum + c.fraction, 0));
    // How many of this instance's oldest calls in the window must leave first (0: it may go).
    let leave = 0;
    let peersBind = false;
    if (q.requests !== undefined) {
      // This instance's part in whole calls (whole-calls.ts: the parts add up to the key's R̂).
      const self = this.share.self ?? '';
      const fractions = [{ id: self, fraction: f }, ...claims.filter((c) => c.id !== self)];
      const part =
        wholeCalls(self, fractions, q.requests) -
        overflowShare(f, claims, q.requests, 1, (u) => u.requests) -
        (unheard?.requests ?? 0) * ofUnheard;
      leave = Math.max(leave, mine.length + 1 - Math.max(1, Math.floor(part + 1e-9)));
      if (mine.length + peers.requests + 1 > q.requests) peersBind = true;
      if (peersBind && this.trialDue(now, q, fractions)) {
        // The key is full at a level that is only a lower bound, and a window has passed at it:
        // the key's trial (one a window, by one member) raises it by a call, for everyone.
        this.share.estimate({ ...withoutBy(q), requests: q.requests + 1, floor: true, learntAt: now });
        return now + 1;
      }
    }
    if (q.tokens !== undefined) {
      let held = mine.reduce((sum, c) => sum + this.costOf(c), 0);
      let n = 0;
      const over = overflowShare(f, claims, q.tokens, need, (u) => u.tokens);
      const cap = Math.max(need, f * q.tokens - over - (unheard?.tokens ?? 0) * ofUnheard);
      while (held + need > cap && n < mine.length) {
        held -= this.costOf(mine[n] as OwnCall);
        n += 1;
      }
      leave = Math.max(leave, n);
      if (held + peers.tokens + need > q.tokens) peersBind = true;
    }
    if (leave <= 0 && !peersBind) return now;
    if (leave <= 0) return now + PEERS_RECHECK_MS;
    const ownFrees = (mine[Math.min(leave, mine.length) - 1]?.at ?? now) + w;
    return Math.min(Math.max(ownFrees, now + 1), now + RECHECK_MS);
  }

  /**
   * The key's trial is due: its request estimate is a lower bound, learnt (or last raised) a
   * window ago or more, and this instance is the claimant with the smallest id — every member
   * computes the same from the same records, so one tries for the whole key.
   */
  private trialDue(now: number, q: SharedEstimate, claims: { id: string; fraction: number }[]): boolean {
    if (q.floor !== true || q.requests === undefined || now < q.learntAt + q.windowMs) return false;
    const self = this.share.self ?? '';
    return claims.every((c) => c.id === self || c.fraction <= 0 || self < c.id);
  }

  /**
   * f as the share gives it, but a rise only once it held for RISE_DELAY_MS: the peers whose part
   * shrinks for it hear of the change a report interval later, and till then the parts would add
   * up to more than the key.
   */
  private fraction(now: number): number {
    const f = this.share.fraction(now);
    const history = this.fractions;
    while (history.length > 0 && (history[0]?.at ?? now) < now - RISE_DELAY_MS) history.shift();
    history.push({ at: now, f });
    return Math.min(...history.map((h) => h.f));
  }

  private costOf(c: OwnCall): number {
    return c.cost ?? c.estimate * this.k;
  }

  /**
   * The own call started at `startedAt` (the nearest; of calls let go together, one not answered
   * yet), removed when the provider did not count it.
   */
  private take(startedAt: number | undefined, remove: boolean): OwnCall | undefined {
    if (startedAt === undefined || this.own.length === 0) return undefined;
    const distance = (c: OwnCall | undefined): number =>
      Math.abs((c?.start ?? 0) - startedAt) + (c?.answered === true ? 0.5 : 0);
    let best = 0;
    for (let i = 1; i < this.own.length; i += 1) {
      if (distance(this.own[i]) < distance(this.own[best])) best = i;
    }
    return remove ? this.own.splice(best, 1)[0] : this.own[best];
  }

  /**
   * Counts the pending 429's window once the peers' reports up to it are in, and publishes it; and
   * a peer's newest 429 likewise, unless an estimate learnt from it (or later) is known already —
   * the peer counts its own 429 at its next call, which its pause may hold back past this one's.
   */
  private countDue(now: number): void {
    const r = this.share.peerRefusal();
    if (r !== undefined && r.at > this.peerCounted && this.countable(r.at, r.windowMs, now)) {
      this.peerCounted = r.at;
      const last = this.share.newestEstimate();
      // Counted here too when the peer's count is known already, for the calls no one heard of.
      const known = last !== undefined && last.learntAt >= r.at - SAME_EVIDENCE_MS;
      const w = this.keyQuota(now)?.windowMs ?? r.windowMs;
      if (this.shared(now, r.windowMs)) this.count(r.at, r.tokens, w, now, !known);
    }
    const p = this.pending;
    const w = this.keyQuota(now)?.windowMs ?? this.inner.learnt?.windowMs;
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
    const last = this.keyQuota(now);
    const mine = this.own.filter((c) => c.at > sent - w && c.at <= sent);
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
      const held = mine.reduce((sum, c) => sum + this.costOf(c), 0);
      if (held + hi.tokens <= 0) return;
      value = counted(held + lo.tokens, held + hi.tokens, complete, last?.tokens, floor);
      estimate.tokens = Math.round(value.value);
      if (silent !== undefined) this.unheardOf(silent + w, 0, value.value - held - hi.tokens);
      if (last?.requests !== undefined) estimate.requests = last.requests;
    } else {
      value = counted(mine.length + lo.requests, mine.length + hi.requests, complete, last?.requests, floor);
      estimate.requests = Math.max(1, value.value);
      if (silent !== undefined) this.unheardOf(silent + w, value.value - mine.length - hi.requests, 0);
      if (last?.tokens !== undefined) estimate.tokens = last.tokens;
    }
    if (value.floor) estimate.floor = true;
    if (publish) this.share.estimate(estimate);
  }

  /**
   * A count that missed a silent peer's calls and kept an estimate above it: the shortfall is
   * calls the key held that no one heard of, made before the silent peer's last possible record,
   * so in the window until `until` at most — counted with the peers' usage till then.
   */
  private unheardOf(until: number, requests: number, tokens: number): void {
    if (requests <= 0 && tokens <= 0) return;
    this.unheard = { until, requests: Math.max(0, requests), tokens: Math.max(0, tokens) };
  }

  /** The peers' usage over (now − w, now], with calls a count found unheard of while they may be in it. */
  private peersIn(now: number, w: number): QuotaUsage {
    const usage = this.share.peersUsage(now, w);
    const u = this.unheard;
    if (u === undefined || now >= u.until) return usage;
    return { requests: usage.requests + u.requests, tokens: usage.tokens + u.tokens };
  }

  /** Alone, what the inner pacer learnt is the key's estimate: published when it changes. */
  private publishInner(now: number): void {
    const l = this.inner.learnt;
    if (l?.windowMs === undefined || (l.requests === undefined && l.tokens === undefined)) return;
    const key = JSON.stringify(l);
    if (key === this.published) return;
    this.published = key;
    this.share.estimate({ ...l, windowMs: l.windowMs, learntAt: now });
  }

  /** Forgets own calls no window can hold any more. */
  private prune(now: number, windowMs: number | undefined): void {
    const keep = 2 * (windowMs ?? 60_000) + COUNT_DELAY_MS;
    let drop = 0;
    while (drop < this.own.length && (this.own[drop]?.start ?? now) <= now - keep) drop += 1;
    if (drop > 0) this.own.splice(0, drop);
  }
}

function withoutBy(e: SharedEstimate): Omit<SharedEstimate, 'by'> {
  const { by: _by, ...rest } = e;
  return rest;
}
