import type { RateLimitQuota } from '../../model/errors.js';
import { BucketBook } from './bucket-book.js';
import type { Bucket } from './bucket-room.js';
import { CallLedger, type CallOut } from './call-ledger.js';
import { FixedBoundary } from './fixed-boundary.js';
import { restampLate } from './late-calls.js';
import type { QuotaShape } from './pacer.js';
import { MARGIN, TOLERANCE, type PendingRefusal } from './pending-refusal.js';
import { QuotaEstimates, type KeyLevel } from './quota-estimates.js';
import { RefusalCount } from './refusal-count.js';
import { hintGrain } from './refusal-shape.js';
import { ShapeBelief } from './shape-belief.js';
import { shapeRoom, type ShapeRoomParts } from './shape-room.js';
import { TrialProbe } from './trial-probe.js';
import { TrialSchedule } from './trial-schedule.js';
import { refusedUnnamed } from './unnamed-refusal.js';
import { MAX_WINDOW_MS, WindowLength } from './window-length.js';
import { WindowTrial } from './window-trial.js';

export { MAX_WINDOW_MS } from './window-length.js';

/**
 * Learns a provider's quotas — the shape that meters them (refusal-shape.ts), the window W, R̂
 * requests and T̂ tokens per window — from its 429s, and lets each call start only when the quota
 * has room for it (shape-room.ts): the pacing half of the adaptive policy. A 429 for a call sent
 * at t with hint h says the room frees at a = t + h.
 *
 *   unit      a 429 that names its unit: W is that unit, a prior, and which shape meters it is
 *             believed, switched, proven or doubted by the rules of shape-belief.ts ("unit",
 *             "shape", "rival"). Without a unit, W is learnt from window-sized hints and the window
 *             taken for sliding (window-length.ts, and the old rules of quota-estimates.ts)
 *   read      sliding: once the calls out at t have reported and the pause is over; fixed and
 *             bucket: at once as well (refusal-count.ts)
 *   late      calls stamped before a − W (a connection's start-up, a busy event loop) reached a
 *             sliding window later: they are taken as started there, within W/20 (late-calls.ts)
 *   edge      a 429 for a call let go as a hold ended: sliding, when the calls it waited for were
 *             all sent before the first answer came back (start-up), news about timing alone
 *             however long its wait (they are late, nothing is counted); else, waiting W/120 at
 *             most, a send that lagged: its late calls restamped, else Ŵ lengthens
 *             (window-length.ts); or, a trial's gain kept, half of it goes. Fixed (on the
 *             boundary): its margin doubles, W/60 at most (fixed-boundary.ts)
 *   momentary a 429 that names no unit and is not window-sized: one call less (unnamed-refusal.ts)
 *   kept gain a window-sized 429 that names no unit while a kept trial's gain paces: back to the
 *             count (no 429 refused it), and no count lowers it further
 *   spent     a call that met a 5xx or a hang holds its place in the window, at its estimate: the
 *             provider's quota let it in before its model failed it
 *   ceiling   a sliding or fixed token 429 bounds T: U ← min(U, Σ c + Σ ĉ(out) + ĉ(refused)) over
 *             the last Ŵ — a fixed window's over its own, from a − W less the send margin
 *   trial     when it is due (trial-schedule.ts): back to the peak, one step up, or (a bucket's
 *             rate) half again (quota-estimates.ts); at once when the provider reports a larger
 *             limit than before (window-pacer.ts). The gate wakes for it. Under a window, a call only
 *             the trial's level lets go is a probe, one out at a time (trial-probe.ts), so a trial
 *             that fails costs one 429; any 429 within a window of it undoes it. A window in doubt
 *             (shape-belief.ts) paces every other call at the level before the trial, and its
 *             holds keep no trial: only a window held at the trial's level does
 *   window trial  hints rounded up to a grain the caller names (Confluence's whole seconds) read a
 *             learnt Ŵ long by up to that grain: it is tried shorter by halves while the gap is
 *             worth it; a 429 during a trial is news of timing alone, and undoes it (window-trial.ts)
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
  /** The 429 whose window is still to be counted. */
  private readonly counts: RefusalCount;
  /** When the last window hold openAt announced ends. */
  private holdUntil = Number.NEGATIVE_INFINITY;
  /** The window each budget's reported resets show, once they show one (reported-quota.ts). */
  private reportedWindows: Partial<Record<RateLimitQuota, QuotaShape | undefined>> = {};
  /** When the next trial goes. */
  private readonly trials = new TrialSchedule(this.quota);
  /** Its calls, one probe out at a time. */
  private readonly probe = new TrialProbe();
  /** What the believed shape's room is read from (shape-room.ts). */
  private readonly roomParts: ShapeRoomParts;
  /** A learnt Ŵ tried shorter, when hints are rounded (window-trial.ts). */
  private readonly windowTrial: WindowTrial;

  /**
   * `windowMs` fixes Ŵ instead of learning it; `minuteMs` is how long a minute lasts on the
   * caller's clock (60 000, less when a bench shrinks time), for 429s that name a per-minute quota;
   * `hintGrainMs` how far the provider rounds its hints up (0: exact).
   */
  constructor(
    windowMs?: number,
    private readonly minuteMs = 60_000,
    hintGrainMs = 0,
  ) {
    this.length = new WindowLength(windowMs, hintGrainMs);
    this.windowTrial = new WindowTrial(this.length);
    this.belief = new ShapeBelief(this.ledger, this.length, this.fixed);
    this.counts = new RefusalCount(this.ledger, this.quota, this.length, this.buckets);
    const { ledger, length, fixed } = this;
    this.roomParts = { ledger, length, fixed, bucket: (budget, now) => this.bucket(budget, now) };
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
    const probe = this.probe.started(now);
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
    // The outcome carries the caller's clock, a tick from the gate's at most: a test is told by the
    // start the ledger matches, or its verdict is missed and the test stays out for good.
    const start = this.ledger.match(startedAt, cost, estimate)?.start ?? startedAt;
    // It proved W′, the sliding window that rivalled a fixed one.
    if (this.belief.admitted(start)) this.adopt('sliding');
    this.ledger.admit(startedAt, cost, now, estimate);
    this.firstAnswerAt ??= now;
    this.firstStart = Math.min(this.firstStart ?? startedAt, startedAt);
    this.settle(now);
  }

  /**
   * The call started at `startedAt` failed after the quota let it in (a 5xx, a hang given up): it
   * holds its place in the window as an answered call does, at its estimated cost, but proves
   * nothing of the shape. A 503 comes from behind the quota check; leaving it out read Gemini's
   * fifteen requests as fourteen for the rest of a run that met one.
   */
  spent(startedAt: number | undefined, now: number, estimate?: number): void {
    const call = this.ledger.match(startedAt, undefined, estimate);
    const start = call?.start ?? startedAt;
    if (start === undefined) return;
    this.ledger.admit(start, undefined, undefined, estimate);
    this.belief.finished(start);
    this.settle(now);
  }

  /** The call started at `startedAt` ended without being counted (failed, abandoned). */
  finished(startedAt: number | undefined, estimate?: number): void {
    const call = this.ledger.finished(startedAt, undefined, estimate);
    if (startedAt !== undefined) this.belief.finished(call?.start ?? startedAt);
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
    const sent = call?.start ?? startedAt ?? now;
    this.probe.refusedAfter(now - sent);
    const trialFailed = this.windowTrial.refused(now, sent);
    if (!this.length.isNamed) {
      // A shorter Ŵ was on trial (or let this call go): W is longer than it tried, and the
      // quota's counts stand.
      if (trialFailed) {
        this.trials.refused(now);
        this.quota.undoTrial(now, sent, this.length.ms);
        return 'window_edge';
      }
      // A call let go as a hold ended was refused: the learnt Ŵ was short (window-length.ts).
      if (call?.edge === true && !this.quota.trialRunning) {
        this.length.refusedAtEdge(retryAfterMs);
        return 'window_edge';
      }
      this.trials.refused(now);
      const { firstStart } = this;
      const refusal = {
        now,
        retryAfterMs,
        windowFull,
        quota,
        sent,
        estimate: call?.estimate ?? 0,
        firstStart,
      };
      const ceiling = () => this.lowerCeiling(now, quota, call);
      const pending = refusedUnnamed(this.ledger, this.length, this.quota, refusal, ceiling);
      if (pending !== undefined) this.counts.refused(pending, now, firstStart);
      return undefined;
    }
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
      at: now,
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
    this.trials.refused(now);
    this.lowerCeiling(now, quota, call, release);
    // A trial that ran into a 429 is undone; what the 429 reads then says what holds.
    const afterTrial = this.quota.undoTrial(now, sent, this.windowMs);
    // A rate's trial past its stale ceiling failed: the rate held, and the next waits twice as long.
    if (afterTrial) this.trials.trialRefused(this.trialGrowth() !== undefined);
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
    this.counts.refused(pending, now, this.firstStart);
    return 'metered';
  }

  /** The provider reports its limits with its answers: a growth shows there, and no trial need find it. */
  reportsLimits(windows: Partial<Record<RateLimitQuota, QuotaShape | undefined>> = {}): void {
    this.trials.reportsLimits();
    this.reportedWindows = windows;
  }

  /**
   * What the provider's readings show a sliding window's key holds for us (K̄), full or not: no
   * trial goes past it — past it is what the key's other user takes.
   */
  keyShows(holds: KeyLevel | undefined): void {
    this.trials.keyShows(holds);
  }

  /**
   * What the provider reports left shows the key holding no more than the level and a call (its
   * other user is still there; undefined when it shows more): a trial back to the peak would ask
   * what the readings answer, and a step goes no higher than what they show.
   */
  keyFull(holds: KeyLevel | undefined): void {
    this.trials.keyFull(holds);
  }

  /**
   * The provider reported a larger limit than before (per minute): the trial that asks whether the
   * quota grew goes now, up to that limit per Ŵ — past ceilings the 429s of the smaller quota set.
   */
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
    const room = this.room(now, estimate);
    // A trial's level is a question to the believed shape, asked by one probe at a time: a window
    // in doubt paces every other call at the level before the trial. Asked at the trial's level,
    // it let a fixed window's burst go at a boundary another service's 429 had shown.
    const trial = this.quota.beforeTrial;
    const level = trial === undefined || this.probe.lettingGo(now) ? this.quota : trial;
    const { at, edge } = this.belief.room(level, room, now, estimate);
    if (at > now) this.windowTrial.held(now);
    // A shorter Ŵ tried, kept or set back changes the room: read it again.
    if (this.windowTrial.settle(now, this.quota.trialRunning)) return this.openAt(now, estimate);
    if (at <= now) return now;
    // A trial is kept when the gate held calls at its level; a hold the doubt made proves nothing.
    if (trial === undefined || room.at > now) this.trials.held(now);
    // A trial due before the room frees may free it sooner: ask again then.
    const due = this.windowTrial.unsettled
      ? undefined
      : this.trials.dueAt(this.windowMs, this.ledger.meanCost(), this.trialGrowth());
    if (due !== undefined && due < at) return Math.max(due, now + 1);
    if (edge) this.holdUntil = at;
    return at;
  }

  /** The shape's room for a call; during a trial of a window's quota, one probe at a time (trial-probe.ts). */
  private room(now: number, estimate: number): { at: number; edge: boolean } {
    const before = this.quota.beforeTrial;
    if (before === undefined || this.shape === 'token_bucket') return this.roomFor(this.quota, now, estimate);
    const tried = () => this.roomFor(this.quota, now, estimate);
    return this.probe.room(this.ledger, this.roomFor(before, now, estimate), tried, now);
  }

  private roomFor(
    quota: { requests?: number | undefined; tokens?: number | undefined },
    now: number,
    estimate: number,
  ): { at: number; edge: boolean } {
    return shapeRoom(this.shape, this.roomParts, quota, now, estimate);
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
          this.trials.refused(now);
        } else if (!this.restampLate(call.start, call.start + hint - unit)) this.length.refusedAtEdge(hint);
        return true;
      case 'fixed_window':
        return this.fixed.refusedAtEdge(call.start, hint, unit);
      default:
        return false;
    }
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
    const keepFrom = Math.min(now - 2 * w, (this.counts.since ?? now) - w);
    const unit = this.length.unitMs;
    if (unit !== undefined) this.buckets.forget(keepFrom, now, (budget) => this.perUnit(budget), unit);
    this.ledger.prune(keepFrom);
    this.counts.settle(now, this.firstStart);
    // A window that may be shorter is tried first: a 429 could not tell which trial was wrong.
    const mayStart = !this.windowTrial.unsettled;
    this.trials.settle(now, this.windowMs, this.ledger.meanCost(), this.trialGrowth(), mayStart);
  }

  /** A bucket's rate is tried by half again (then half way to what failed); windows' quotas by a call. */
  private trialGrowth(): number | undefined {
    return this.belief.believed === 'token_bucket' ? 0.5 : undefined;
  }

  /** Calls stamped before `leaves` reached the provider late: taken as started there (late-calls.ts). */
  private restampLate(sent: number, leaves: number, startUp = false): boolean {
    return restampLate(this.ledger, this.length, this.firstAnswerAt, sent, leaves, startUp);
  }
}
