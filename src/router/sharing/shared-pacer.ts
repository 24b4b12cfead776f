import type { QuotaShare, SharedEstimate } from './quota-share.js';
import { isShared } from './is-shared.js';
import { KeyQuota } from './key-quota.js';
import { keyTrial } from './key-trial.js';
import { LaggedFraction } from './lagged-fraction.js';
import { overflowShare } from './overflow-share.js';
import { OwnCalls, type OwnCall } from './own-calls.js';
import { COUNT_DELAY_MS, RefusalCounter } from './refusal-counter.js';
import { UnheardCalls } from './unheard-calls.js';
import { wholeCalls } from './whole-calls.js';
import type { CallOutcome, LearntQuota, Pacer, RefusalReading } from '../pacing/pacer.js';

export { COUNT_DELAY_MS } from './refusal-counter.js';
export { RISE_DELAY_MS } from './lagged-fraction.js';

/** While the share holds a call back, how soon it is asked again (its fraction moves with peers). */
export const RECHECK_MS = 250;
/** While only the peers' usage holds a call back, how soon it is asked again (their buckets age). */
export const PEERS_RECHECK_MS = 50;
/** Calls leave the provider's window this share of Ŵ after Ŵ (their send lag): the gate counts over Ŵ·(1 + this). */
export const SEND_MARGIN = 1 / 100;

/**
 * The pacer of a provider whose key other instances use too (docs/quota.md): the provider's own
 * pacer (`inner`, which learns from this instance's calls) and the key's QuotaShare (what the
 * others use, and this instance's part f of the key).
 *
 *   alone     no live peer and no peer's call in the window (is-shared.ts): the inner pacer, and
 *             each change of what it learnt is published as the key's estimate (learntAt: now)
 *   refusal   a window-sized 429 (call sent at t, hint h) is published at once, shared or not
 *             (share.refused: the key is full until t_r + h, h ≤ Ŵ), so a peer that joins meanwhile
 *             knows it
 *   estimate  Q = the key's newest estimate (this instance's or a peer's, adopted by a joiner
 *             before its first call), else the limits the provider reports (key-quota.ts).
 *             Shared, a window-sized 429 — this instance's or a peer's — is counted and
 *             published (refusal-counter.ts); a count missing calls finds U calls no one heard
 *             of, which count with the peers' usage while they may be in the window
 *             (unheard-calls.ts); R̂ a lower bound and the key full, one member tries R̂ + 1 a
 *             window (key-trial.ts)
 *   gate      shared, a call of e prompt tokens may leave at t when the inner's pause and the
 *             newest peer refusal's (the key's common pause) are over and, with Q known, over
 *             (t − Ŵ′, t], Ŵ′ = Ŵ·(1 + SEND_MARGIN) (a call reaches the provider a little after
 *             the gate let it go, and leaves its window as late), with f the least fraction of
 *             the last RISE_DELAY_MS (lagged-fraction.ts) and cut what peers over their parts take
 *             (overflow-share.ts),
 *                 own + 1 ≤ max(1, ⌊whole(f·R̂) − cut − U·f/Σf⌋)   and   own + peers + U + 1 ≤ R̂
 *                 own + k·e ≤ max(k·e, f·T̂ − cut − U·f/Σf)   and   own + peers + U + k·e ≤ T̂
 *             (own: this instance's calls and k, reported tokens per estimated token,
 *             own-calls.ts; whole(f·R̂): f·R̂ in whole calls, the parts' remainders going to the
 *             largest, whole-calls.ts); held, it is asked again when enough of its own calls
 *             leave (t − Ŵ′) — within RECHECK_MS — or within PEERS_RECHECK_MS when only the
 *             peers' usage binds; and, where the provider reports what the key has left (OpenAI's
 *             headers, inner.reportedOpenAt), never before that room holds the call
 */
export class SharedPacer implements Pacer {
  private readonly own = new OwnCalls();
  private readonly quota: KeyQuota;
  private readonly unheard = new UnheardCalls();
  private readonly counter: RefusalCounter;
  private readonly fraction = new LaggedFraction();
  private published = '';
  /** The latest time the gate told this pacer (for `learnt`, which takes none). */
  private lastNow = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly inner: Pacer,
    private readonly share: QuotaShare,
  ) {
    this.quota = new KeyQuota(share, inner);
    this.counter = new RefusalCounter(share, inner, this.own, this.quota, this.unheard);
  }

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
    this.counter.countDue(now);
    const q = this.quota.at(now);
    if (!isShared(this.share, now, q?.windowMs)) return this.inner.openAt(now, tokens);
    // A peer's window-sized 429 says the key is full until its hint passes: for everyone on it.
    const keyPause = this.share.peerRefusal()?.until ?? 0;
    if (q === undefined) return Math.max(keyPause, this.inner.openAt(now, tokens));
    // What the provider reports the key has left counts every user's calls: it holds ours too.
    const reported = this.inner.reportedOpenAt?.(now, tokens) ?? 0;
    return Math.max(this.inner.pausedUntil, keyPause, this.gate(now, tokens, q), reported);
  }

  started(now: number, tokens: number): void {
    this.inner.started(now, tokens);
    this.own.started(now, tokens);
  }

  record(outcome: CallOutcome, now: number): RefusalReading | undefined {
    this.lastNow = now;
    const reading = this.inner.record(outcome, now);
    this.own.record(outcome, now);
    const q = this.quota.at(now);
    const windowMs = q?.windowMs ?? this.inner.learnt?.windowMs;
    const windowSized = reading === 'metered' || reading === 'window';
    if (outcome.kind === 'rate_limited' && windowSized && windowMs !== undefined) {
      // Told at once, shared or not: a peer that joins before the hint passes pauses too.
      // A window-sized hint frees room within a window; a longer one is not this quota's to share.
      const hint = Math.min(windowMs, Math.max(0, outcome.retryAfterMs ?? 0));
      const tokens = outcome.quota === 'tokens';
      this.share.refused({ at: outcome.startedAt ?? now, until: now + hint, windowMs, tokens });
    }
    if (isShared(this.share, now, windowMs)) {
      if (outcome.kind === 'rate_limited' && windowSized)
        this.counter.refused(outcome.startedAt ?? now, outcome.quota === 'tokens');
    } else this.publishInner(now);
    this.counter.countDue(now);
    // Forgets own calls no window can hold any more (nor a 429's count, COUNT_DELAY_MS on).
    this.own.prune(now, 2 * (q?.windowMs ?? 60_000) + COUNT_DELAY_MS);
    return reading;
  }

  private gate(now: number, tokens: number, q: SharedEstimate): number {
    // A call reaches the provider a little after the gate let it go (more so on a loaded host), and
    // leaves its window as late: the gate counts over a window longer by the send lag, own calls
    // and the peers' alike (a 429's count stays over Ŵ: a call counted there was in the window).
    const w = q.windowMs * (1 + SEND_MARGIN);
    const f = this.fraction.at(now, this.share.fraction(now));
    const peers = this.unheard.addedTo(this.share.peersUsage(now, w), now);
    const claims = this.share.peerClaims(now, w);
    const mine = this.own.inWindow(now, w);
    const need = this.own.k * tokens;
    // Calls no one heard of take room from every part, in proportion (as a peer's overflow does).
    const unheard = this.unheard.at(now);
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
      const raised = peersBind ? keyTrial(now, q, self, fractions) : undefined;
      if (raised !== undefined) {
        // The key is full at a level that is only a lower bound, and a window has passed at it:
        // the key's trial (one a window, by one member) raises it by a call, for everyone.
        this.share.estimate(raised);
        return now + 1;
      }
    }
    if (q.tokens !== undefined) {
      let held = this.own.costOfAll(mine);
      let n = 0;
      const over = overflowShare(f, claims, q.tokens, need, (u) => u.tokens);
      const cap = Math.max(need, f * q.tokens - over - (unheard?.tokens ?? 0) * ofUnheard);
      while (held + need > cap && n < mine.length) {
        held -= this.own.costOf(mine[n] as OwnCall);
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

  /** Alone, what the inner pacer learnt is the key's estimate: published when it changes. */
  private publishInner(now: number): void {
    const l = this.inner.learnt;
    if (l?.windowMs === undefined || (l.requests === undefined && l.tokens === undefined)) return;
    const key = JSON.stringify(l);
    if (key === this.published) return;
    this.published = key;
    this.share.estimate({ ...l, windowMs: l.windowMs, learntAt: now });
  }
}
