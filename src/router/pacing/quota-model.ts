import type { RateLimitQuota } from '../../model/errors.js';
import { BucketBook } from './bucket-book.js';
import { bucketRoom, type Bucket } from './bucket-room.js';
import { CallLedger, type CallOut } from './call-ledger.js';
import { FixedBoundary } from './fixed-boundary.js';
import { fixedWindowRoom } from './fixed-window-room.js';
import { restampLate } from './late-calls.js';
import type { QuotaShape } from './pacer.js';
import { MARGIN, TOLERANCE, type PendingRefusal } from './pending-refusal.js';
import { QuotaEstimates, type KeyLevel } from './quota-estimates.js';
import { hintGrain } from './refusal-shape.js';
import { ShapeBelief } from './shape-belief.js';
import { slidingRoom } from './sliding-room.js';
import { StaleCeiling } from './stale-ceiling.js';
import { MAX_WINDOW_MS, WindowLength } from './window-length.js';
import { readFixed, readSliding } from './window-readings.js';

export { MAX_WINDOW_MS } from './window-length.js';

/**
 * Learns a provider's quotas — the shape that meters them (refusal-shape.ts), the window W, R̂
 * requests and T̂ tokens per window — from its 429s, and lets each call start only when the quota
 * has room for it (sliding-room.ts, fixed-window-room.ts, bucket-room.ts): the pacing half of the
 * adaptive policy. A 429 for a call sent at t with hint h says the room frees at a = t + h.
 *
 *   unit      a 429 that names its unit: W is that unit, a prior, and which shape meters it is
 *             believed, switched, proven or doubted by the rules of shape-belief.ts ("unit",
 *             "shape", "rival"). Without a unit, W is learnt from window-sized hints and the window
 *             taken for sliding (window-length.ts, and the old rules of quota-estimates.ts)
 *   read      sliding: once the calls out at t have reported and the pause is over; fixed and
 *             bucket: at once, the calls out taken as admitted, and again once they have reported
 *             (window-readings.ts, bucket-book.ts)
 *   late      calls stamped before a − W (a connection's start-up, a busy event loop) reached a
 *             sliding window later: they are taken as started there, within W/20 (late-calls.ts)
 *   edge      a 429 for a call let go as a hold ended: sliding, when the calls it waited for were
 *             all sent before the first answer came back (start-up), news about timing alone
 *             however long its wait (they are late, nothing is counted); else, waiting W/120 at
 *             most, a send that lagged: its late calls restamped, else Ŵ lengthens
 *             (window-length.ts); or, a trial's gain kept, half of it goes. Fixed (on the
 *             boundary): its margin doubles, W/60 at most (fixed-boundary.ts)
 *   momentary a 429 that names no unit and is not window-sized: one call less
 *   kept gain a window-sized 429 that names no unit while a kept trial's gain paces: back to the
 *             count (no 429 refused it), and no count lowers it further
 *   ceiling   a sliding or fixed token 429 bounds T: U ← min(U, Σ c + Σ ĉ(out) + ĉ(refused)) over
 *             the last Ŵ — a fixed window's over its own, from a − W less the send margin
 *   trial     q windows after the last 429 and min(1, q) after the last change, the gate holding
 *             calls: back to the peak, one step up, or (a bucket's rate) half again
 *             (quota-estimates.ts); at once when the provider reports a larger limit than before
 *             (window-pacer.ts); while it reports the key full, a step to what it holds at most,
 *             on the steps' own q (quota-estimates.ts, "key full"); full or not, no higher than
 *             what the readings show the key holds (K̄). A token ceiling within half a call of T̂
 *             bars trials until max(q, 8) quiet windows have passed, then one goes a call past it —
 *             the quota may have grown — unless the provider reports its limits; a bucket's rate
 *             read as exact likewise, half again past it, after max(q, s) with s = 8 doubling to 64
 *             as such trials fail (stale-ceiling.ts). The gate wakes for it. Under a window, a call only
 *             the trial's level lets go is a probe, one out at a time (a 429 comes back far sooner
 *             than an answer: a probe out three 429 round trips has passed), so a trial that fails
 *             costs one 429; any 429 within a window of it undoes it
 *   gate      the shape's room for a call of estimate e, first come first served; nothing held
 *             before R̂ or T̂ is known. Margins for send lags: W/600 (sliding: in Ŵ; fixed: after
 *             each boundary; bucket: the need plus ρ·W/600)
 *
 * Pure: time comes in as arguments.
 */
/** Under a named window, a refusal at the edge waits this share of it at most (a send that lagged). */
const EDGE_HINT = 1 / 120;

export class QuotaModel {
  private readonly ledger = new CallLedger();
  private readonly length: WindowLength;
  private readonly quota = new QuotaEstimates();
  /** A fixed window's boundary φ and its margin. */
  private readonly fixed = new FixedBoundary();
  /** Which shape meters a named unit's quota. */
  private readonly belief: ShapeBelief;
  private readonly buckets = new BucketBook(this.ledger);
  private firstStart: number | undefined;
  /** When the first answer came back: calls sent before it may have waited for a connection. */
  private firstAnswerAt: number | undefined;
  /** When openAt let a trial's probe go: the call started then is it. */
  private probeAt: number | undefined;
  /** How soon a 429 comes back after its call left (EWMA). */
  private refusalLatency: number | undefined;
  private pendingRefusal: PendingRefusal | undefined;
  private lastRefusalAt = Number.NEGATIVE_INFINITY;
  private lastHeldAt = Number.NEGATIVE_INFINITY;
  /** When the last window hold openAt announced ends. */
  private holdUntil = Number.NEGATIVE_INFINITY;
  /** The provider reports its limits with its answers (OpenAI's headers). */
  private limitsReported = false;
  /** The window each budget's reported resets show, once they show one (reported-quota.ts). */
  private reportedWindows: Partial<Record<RateLimitQuota, QuotaShape | undefined>> = {};
  /** When a ceiling that bars the trials is stale. */
  private readonly stale = new StaleCeiling();
  /** What the provider's readings show the key holds for us, full or not: no trial goes past it. */
  private keyCap: KeyLevel | undefined;
  /** What the provider's readings show the key holds for us, while no more than the level (window-pacer.ts). */
  private keyHolds: KeyLevel | undefined;

  /**
   * `windowMs` fixes Ŵ instead of learning it; `minuteMs` is how long a minute lasts on the
   * caller's clock (60 000, less when a bench shrinks time), for 429s that name a per-minute quota.
   */
  constructor(
    windowMs?: number,
    private readonly minuteMs = 60_000,
  ) {
    this.length = new WindowLength(windowMs);
    this.belief = new ShapeBelief(this.ledger, this.length, this.fixed);
  }

  /** Ŵ, once known. */
  get windowMs(): number | undefined {
    return this.belief.believed === 'sliding' || !this.length.isNamed ? this.length.ms : this.length.unitMs;
  }

  /** R̂, once learnt. */
  get requests(): number | undefined {
    return this.quota.requests;
  }

  /** T̂ in reported tokens (input + output), once learnt. */
  get tokens(): number | undefined {
    return this.quota.tokens;
  }

  /** The shape believed, once a 429 showed one (a learnt window is taken for sliding). */
  get shape(): QuotaShape | undefined {
    return this.belief.believed ?? (this.length.ms !== undefined ? 'sliding' : undefined);
  }

  /** The calls it keeps (started, out, admitted), for gates that read the same calls. */
  get calls(): CallLedger {
    return this.ledger;
  }

  /** k: reported tokens per estimated prompt token (1 until a call with both has been answered). */
  get costPerEstimatedToken(): number {
    return this.ledger.costPerEstimate;
  }

  /** A call whose prompt the caller estimated at `estimate` tokens starts now. */
  started(now: number, estimate: number): void {
    const edge = now >= this.holdUntil && now - this.holdUntil <= this.length.edgeMs;
    const probe = this.probeAt === now;
    this.probeAt = undefined;
    this.belief.started(now);
    this.ledger.started({ start: now, estimate: Math.max(0, estimate), edge, ...(probe && { probe }) });
    this.firstStart ??= now;
  }

  /**
   * The call started at `startedAt` (with `estimate`, when the caller says: calls the gate let go
   * at one instant are told apart by it) was answered: the provider counted it, `cost` tokens if
   * known.
   */
  admitted(startedAt: number, now: number, cost?: number, estimate?: number): void {
    // It proved W′, the sliding window that rivalled a fixed one.
    if (this.belief.admitted(startedAt)) this.adopt('sliding');
    this.ledger.admit(startedAt, cost, now, estimate);
    this.firstAnswerAt ??= now;
    this.firstStart = Math.min(this.firstStart ?? startedAt, startedAt);
    this.settle(now);
  }

  /** The call started at `startedAt` ended without being counted (failed, abandoned). */
  finished(startedAt: number | undefined, estimate?: number): void {
    this.belief.finished(startedAt);
    this.ledger.finished(startedAt, undefined, estimate);
  }

  /**
   * A 429 at `now` for the call started at `startedAt` (with `callEstimate`, when the caller says: the
   * refused call's need is its own, not that of another call sent at the same instant — a bucket's
   * rate read from the wrong one's was off by half). `windowFull`: its hint was long enough to
   * be a window's (not a momentary cap); `quota`: which quota the provider named; `per`: the
   * quota's unit of time, when the provider named it. Returns 'window_edge' when it was news
   * about the window's timing, not the quota; 'metered' when the shape it names is paced here.
   */
  refused(
    now: number,
    retryAfterMs: number,
    windowFull: boolean,
    quota: RateLimitQuota = 'requests',
    startedAt?: number,
    per?: 'minute',
    callEstimate?: number,
  ): 'window_edge' | 'metered' | undefined {
    if (per === 'minute') this.length.named(this.minuteMs);
    const call = this.ledger.finished(startedAt, undefined, callEstimate);
    const took = now - (call?.start ?? startedAt ?? now);
    if (took >= 0)
      this.refusalLatency =
        this.refusalLatency === undefined ? took : this.refusalLatency + 0.3 * (took - this.refusalLatency);
    if (!this.length.isNamed)
      return this.refusedUnnamed(now, retryAfterMs, windowFull, quota, startedAt, call);
    const sent = call?.start ?? startedAt ?? now;
    const hint = Math.max(0, retryAfterMs);
    // The test of a shape read from one 429 was refused: the sliding window believed before stands.
    const refuted = this.belief.refuted(sent);
    if (
      !refuted &&
      call?.edge === true &&
      !this.quota.trialRunning &&
      this.refusedAtEdge(now, hint, quota, call)
    )
      return 'window_edge';
    const estimate = call?.estimate ?? 0;
    const need = quota === 'requests' ? 1 : estimate * this.ledger.costPerEstimate;
    const { shape, unit, suspect } = this.belief.refused({
      sent,
      hint,
      unit: this.length.unitMs ?? this.minuteMs,
      quota,
      need,
      perUnit: this.perUnit(quota),
      firstAnswerAt: this.firstAnswerAt,
      reportsSliding: this.reportedWindows[quota] === 'sliding',
    });
    const release = sent + hint;
    this.adopt(shape);
    if (suspect) this.belief.awaitProof(this.length.ms ?? unit);
    this.lastRefusalAt = now;
    this.lowerCeiling(now, quota, call, release);
    // A trial that ran into a 429 is undone; what the 429 reads then says what holds.
    const afterTrial = this.quota.undoTrial(now, sent, this.windowMs);
    // A rate's trial past its stale ceiling failed: the rate held, and the next waits twice as long.
    if (afterTrial) this.stale.trialRefused(this.trialGrowth() !== undefined);
    const firstReading = (quota === 'requests' ? this.quota.requests : this.quota.tokens) === undefined;
    const pending: PendingRefusal = {
      at: now,
      sent,
      release,
      until: now + hint,
      quota,
      shape,
      estimate,
      afterTrial,
      firstReading,
    };
    if (shape === 'fixed_window') this.fixed.refusedAt(release, unit);
    if (shape === 'token_bucket') pending.anchor = this.buckets.anchor(quota, sent, release, need);
    if (shape === 'sliding') {
      // A sliding window frees room as a call of its leaves. With none of ours starting at a − W,
      // the call that leaves is one that reached the provider late (a connection's start-up) — or
      // the 429 was a fixed window's boundary, and a first count over (t − W, t] holds the window
      // before's calls too: it keeps what it held for certain, the peak if the window proves fixed.
      const grain = hintGrain(hint, unit);
      if (this.ledger.startNear(release - unit - grain / 2, grain / 2 + unit * TOLERANCE, true) === undefined)
        pending.lateLeaver = true;
      this.restampLate(sent, release - unit, true);
    }
    // A bucket's or a fixed window's wait is short or ends on a boundary: the gate needs the
    // reading now, the calls out taken as admitted (they were sent before the refused one);
    // it is read again once they have reported.
    else this.read(pending, true, now);
    this.pendingRefusal = pending;
    return 'metered';
  }

  /**
   * The provider reported a larger limit than before (per minute): the trial that asks whether the
   * quota grew goes now, up to that limit per Ŵ — past ceilings the 429s of the smaller quota set.
   */
  /** The provider reports its limits with its answers: a growth shows there, and no trial need find it. */
  reportsLimits(windows: Partial<Record<RateLimitQuota, QuotaShape | undefined>> = {}): void {
    this.limitsReported = true;
    this.reportedWindows = windows;
  }

  /**
   * What the provider's readings show a sliding window's key holds for us (K̄), full or not: no
   * trial goes past it — past it is what the key's other user takes.
   */
  keyShows(holds: KeyLevel | undefined): void {
    this.keyCap = holds;
  }

  /**
   * What the provider reports left shows the key holding no more than the level and a call (its
   * other user is still there; undefined when it shows more): a trial back to the peak would ask
   * what the readings answer, and a step goes no higher than what they show.
   */
  keyFull(holds: KeyLevel | undefined): void {
    this.keyHolds = holds;
  }

  quotaGrew(now: number, limits: { requests?: number; tokens?: number } = {}): void {
    this.settle(now);
    const { quota } = this;
    const perWindow = (this.windowMs ?? this.minuteMs) / this.minuteMs;
    for (const budget of ['requests', 'tokens'] as const) {
      const limit = limits[budget];
      if (limit !== undefined) quota.reportedLimit(budget, limit * perWindow);
    }
    const known = quota.requests !== undefined || quota.tokens !== undefined;
    // A trial already running (a step of a call, say) asked a smaller question: this one replaces it.
    if (known) quota.abandonTrial();
    if (!known || !quota.worthTrying(this.ledger.meanCost(), this.trialGrowth())) return;
    quota.startTrial(now, this.ledger.meanCost(), this.trialGrowth());
  }

  /** The earliest time a call of `estimate` prompt tokens may start without passing the quotas. */
  openAt(now: number, estimate: number): number {
    this.settle(now);
    const { at, edge } = this.belief.room(this.quota, this.room(now, estimate), now, estimate);
    if (at <= now) return now;
    this.lastHeldAt = now;
    // A trial due before the room frees may free it sooner: ask again then.
    const trial = this.trialDueAt();
    if (trial !== undefined && trial < at) return Math.max(trial, now + 1);
    if (edge) this.holdUntil = at;
    return at;
  }

  /**
   * The shape's room for a call. During a trial of a window's quota, a call the level before the
   * trial would hold is a probe, and one probe at a time may be out: a trial that fails costs one
   * 429, not a burst of them.
   */
  private room(now: number, estimate: number): { at: number; edge: boolean } {
    const before = this.quota.beforeTrial;
    if (before === undefined || this.shape === 'token_bucket') return this.roomFor(this.quota, now, estimate);
    const held = this.roomFor(before, now, estimate);
    if (held.at <= now) return held;
    // A 429 comes back far sooner than an answer: a probe out longer than a few of them passed.
    const wait = 3 * (this.refusalLatency ?? 0);
    const probing = this.ledger.out.find((call) => call.probe === true && call.start + wait > now);
    if (probing !== undefined) return { at: Math.min(held.at, probing.start + wait), edge: false };
    const tried = this.roomFor(this.quota, now, estimate);
    if (tried.at <= now) this.probeAt = now;
    return tried.at < held.at ? tried : held;
  }

  private roomFor(
    { requests, tokens }: { requests?: number | undefined; tokens?: number | undefined },
    now: number,
    estimate: number,
  ): { at: number; edge: boolean } {
    if (requests === undefined && tokens === undefined) return { at: now, edge: false };
    const quota = { ...(requests !== undefined && { requests }), ...(tokens !== undefined && { tokens }) };
    const unit = this.length.unitMs;
    switch (this.shape) {
      case undefined:
        return { at: now, edge: false };
      case 'sliding':
        return this.length.ms === undefined
          ? { at: now, edge: false }
          : slidingRoom(this.ledger, this.length.ms, quota, now, estimate);
      case 'fixed_window':
        return unit === undefined || this.fixed.at === undefined
          ? { at: now, edge: false }
          : fixedWindowRoom(this.ledger, unit, this.fixed.at, this.fixed.margin, quota, now, estimate);
      case 'token_bucket': {
        let at = now;
        for (const budget of ['requests', 'tokens'] as const) {
          const bucket = this.bucket(budget, now);
          if (bucket === undefined) continue;
          const need = budget === 'requests' ? 1 : estimate * this.ledger.costPerEstimate;
          at = Math.max(at, bucketRoom(this.ledger, bucket, budget, need, (unit ?? 0) * MARGIN, now));
        }
        return { at, edge: false };
      }
    }
  }

  /** R̂ or T̂: a budget's quota per window (a bucket's rate per unit). */
  private perUnit(budget: RateLimitQuota): number | undefined {
    return budget === 'requests' ? this.quota.requests : this.quota.tokens;
  }

  /** The bucket of a budget as the gate sees it. */
  private bucket(budget: RateLimitQuota, now: number): Bucket | undefined {
    const unit = this.length.unitMs;
    return unit === undefined ? undefined : this.buckets.gate(budget, this.perUnit(budget), unit, now);
  }

  /**
   * Believes `shape` from now on; what was learnt of another shape's timing goes. The peaks stay:
   * a window's count is one number whatever the shape, and the 429s of a quota that drops can pass
   * for another shape's — forgetting them left the level at the dropped one once the quota came back.
   */
  private adopt(shape: QuotaShape): void {
    if (!this.belief.adopt(shape)) return;
    this.buckets.clear();
    if (shape === 'fixed_window') this.quota.doubtPeaks();
  }

  /** A call let go as a hold ended was refused: returns true when that is news about timing alone. */
  private refusedAtEdge(now: number, hint: number, quota: RateLimitQuota, call: CallOut): boolean {
    const unit = this.length.unitMs ?? this.minuteMs;
    switch (this.belief.believed) {
      case 'sliding':
        // The call it waited for was sent as the run started and reached the window late.
        if (this.restampLate(call.start, call.start + hint - unit, true)) return true;
        // A long wait is no send that lagged: the quota dropped, or was set too high.
        if (hint > unit * EDGE_HINT) return false;
        if (this.quota.aboveCounts()) {
          // The window's length is documented, and a trial's gain was kept: the quota, not the
          // window, was set too high.
          this.lowerCeiling(now, quota, call);
          this.quota.halveTrialGains(now);
          this.lastRefusalAt = now;
        } else if (!this.restampLate(call.start, call.start + hint - unit)) this.length.refusedAtEdge(hint);
        return true;
      case 'fixed_window':
        return this.fixed.refusedAtEdge(call.start, hint, unit);
      default:
        return false;
    }
  }

  /** The learnt-window path, for 429s that name no unit (window-length.ts learns Ŵ from hints). */
  private refusedUnnamed(
    now: number,
    retryAfterMs: number,
    windowFull: boolean,
    quota: RateLimitQuota,
    startedAt: number | undefined,
    call: CallOut | undefined,
  ): 'window_edge' | undefined {
    if (call?.edge === true && !this.quota.trialRunning) {
      this.length.refusedAtEdge(retryAfterMs);
      return 'window_edge';
    }
    this.lastRefusalAt = now;
    const w = this.length.ms;
    if (windowFull) {
      const oldest =
        w === undefined ? this.firstStart : this.ledger.admitted[this.ledger.firstAfter(now - w)]?.start;
      if (oldest !== undefined) this.length.refusedFull(now, retryAfterMs, oldest);
    }
    const shorter = w !== undefined && (this.length.ms ?? w) < w;
    this.lowerCeiling(now, quota, call);
    const undone = this.quota.undoTrial(now, call?.start ?? startedAt ?? now, this.length.ms);
    // A window-sized 429 while a kept trial's gain paces is explained by that gain: the level
    // last counted, which no 429 refused, paces again, and is not lowered by a count as well.
    const gained = windowFull && !undone && this.quota.aboveCounts();
    if (shorter || gained) this.quota.forgetTrialGains();
    if (undone || gained) return undefined;
    if (windowFull) {
      const sent = call?.start ?? startedAt ?? now;
      this.pendingRefusal = {
        at: now,
        sent,
        release: sent + retryAfterMs,
        until: now + retryAfterMs,
        quota,
        shape: 'sliding',
        estimate: call?.estimate ?? 0,
      };
    } else this.quota.shrink(quota, this.ledger.meanCost());
    return undefined;
  }

  /**
   * Every token 429 bounds T from above: what the window held, plus the refused call — a fixed
   * window's own, from its boundary a − W (less the send margin: a call sent just before it may
   * have been counted in it), else the last Ŵ.
   */
  private lowerCeiling(
    now: number,
    quota: RateLimitQuota,
    call: CallOut | undefined,
    release?: number,
  ): void {
    const w = this.windowMs;
    if (quota !== 'tokens' || w === undefined || this.belief.believed === 'token_bucket') return;
    const asked = (call?.estimate ?? 0) * this.ledger.costPerEstimate;
    const unit = this.length.unitMs;
    if (
      this.belief.believed === 'fixed_window' &&
      release !== undefined &&
      unit !== undefined &&
      call !== undefined
    ) {
      const margin = Math.max(this.fixed.margin, unit * MARGIN);
      this.quota.lowerCeiling(this.ledger.usage(release - unit - margin, call.start).tokens + asked);
    } else this.quota.lowerCeiling(this.ledger.held(now, w) + asked);
  }

  private settle(now: number): void {
    const w = this.windowMs ?? MAX_WINDOW_MS;
    // Keep two windows, and whatever a pending count still needs.
    const keepFrom = Math.min(now - 2 * w, (this.pendingRefusal?.at ?? now) - w);
    const unit = this.length.unitMs;
    if (unit !== undefined) this.buckets.forget(keepFrom, now, (budget) => this.perUnit(budget), unit);
    this.ledger.prune(keepFrom);
    this.countRefusal(now);
    // A window at the trial level without a 429 keeps it — if the gate held calls at that level;
    // a window that never filled to it proved nothing, so it goes back.
    this.quota.settleTrial(now, w, this.lastHeldAt);
    const { quota } = this;
    const due = this.trialDueAt();
    if (due !== undefined && now >= due && now - this.lastHeldAt < w) {
      // Due though none is worth its 429: the ceiling that barred them has gone stale.
      const stale = !quota.worthTrying(this.ledger.meanCost(), this.trialGrowth());
      this.stale.trialStarted(stale);
      quota.startTrial(now, this.ledger.meanCost(), this.trialGrowth(), this.keyHolds, {
        upTo: this.keyCap,
        stale,
      });
    }
  }

  /**
   * When the next trial may start: q quiet windows after the last 429 and a window (q, when less)
   * after the last change; undefined while one runs, or none is worth its 429.
   */
  private trialDueAt(): number | undefined {
    const { quota } = this;
    const w = this.windowMs;
    if (w === undefined || quota.trialRunning) return undefined;
    const q = quota.quietWindowsFor(
      this.trialGrowth() === undefined ? this.keyHolds : undefined,
      this.ledger.meanCost(),
    );
    if (q === undefined) return undefined;
    if (!quota.worthTrying(this.ledger.meanCost(), this.trialGrowth())) {
      // A ceiling is what the quota was when its 429 came: long quiet, a trial past it asks
      // whether the quota grew (the key's other user stopped) — one 429 a long while if not.
      // A provider that reports its limits says when they grow (quotaGrew): no 429 needed.
      if (this.limitsReported || (this.trialGrowth() === undefined && quota.tokens === undefined))
        return undefined;
      return Math.max(this.lastRefusalAt + Math.max(q, this.stale.quietWindows) * w, quota.lastChangeAt + w);
    }
    return Math.max(this.lastRefusalAt + q * w, quota.lastChangeAt + Math.min(1, q) * w);
  }

  /** A bucket's rate is tried by half again (then half way to what failed); windows' quotas by a call. */
  private trialGrowth(): number | undefined {
    return this.belief.believed === 'token_bucket' ? 0.5 : undefined;
  }

  /** Counts the window of the last 429, once everything it held has reported and its pause is over. */
  private countRefusal(now: number): void {
    const refusal = this.pendingRefusal;
    if (refusal === undefined || now < refusal.until) return;
    if (this.ledger.out.some((call) => call.start <= refusal.sent)) return;
    this.pendingRefusal = undefined;
    if (refusal.shape === 'sliding') {
      const w = this.length.ms;
      if (w !== undefined) readSliding(this.ledger, this.quota, w, this.length.unitMs, refusal, now);
    } else this.read(refusal, false, now);
  }

  /** What a fixed window's or a bucket's 429 says the quota is; `early`: calls out count as admitted. */
  private read(refusal: PendingRefusal, early: boolean, now: number): void {
    const unit = this.length.unitMs;
    if (unit === undefined) return;
    if (refusal.shape === 'fixed_window') readFixed(this.ledger, this.quota, unit, refusal, early, now);
    if (refusal.shape === 'token_bucket')
      this.buckets.read(refusal, early, this.quota, unit, this.firstStart, now);
  }

  /** Calls stamped before `leaves` reached the provider late: taken as started there (late-calls.ts). */
  private restampLate(sent: number, leaves: number, startUp = false): boolean {
    return restampLate(this.ledger, this.length, this.firstAnswerAt, sent, leaves, startUp);
  }
}
