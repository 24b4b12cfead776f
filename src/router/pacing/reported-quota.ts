import type { BudgetReading, QuotaReading } from '../../model/quota-reading.js';
import type { CallLedger } from './call-ledger.js';
import type { QuotaShape } from './pacer.js';
import { TOLERANCE } from './pending-refusal.js';
import { bucketRoom, fixedRoom, windowRoom, type Ask, type Budget, type Held } from './reading-room.js';

/**
 * The quota as the provider reports it on its answers and 429s (OpenAI's x-ratelimit-* headers,
 * quota-reading.ts), and the room it leaves for a call: evidence the provider gives without a 429.
 * A reading is taken when the provider judged the call it came with, sent at h: it holds that call
 * and every call that reached the provider before. Per budget (requests; tokens), from the newest
 * reading (the latest h; of equal ones, the least remaining — it saw the most of a burst), with
 * limit L, remaining r, reset z (until back to its initial state), a minute M on the clock:
 *
 *   N(s, t]   what our calls started in (s, t] take (1 each, or tokens: c answered, k·e out);
 *             since h: those started after h + m — one sent within the send margin m of h raced
 *             the reading's call to the provider, and is taken as held, as those sent before h
 *   shape     a bucket refilled at L / M (OpenAI's documented model) is full again within
 *             z ≤ (L − r)·M / L (+ 1 % + 2 ms), and its end h + z moves on by what was spent
 *             between two readings (n·M/L). Two readings whose ends agree within ε = M/1000 though
 *             their sends are more than 2ε further apart, and more than that was spent between,
 *             show a boundary: fixed — a 429's send taken as our newest admitted call's before
 *             it, since its reset is the newest admitted call's. A reset longer than a bucket's
 *             shows a window, sliding unless it is fixed (believed until a reading shows
 *             otherwise; a fixed window's next boundary keeps it fixed)
 *   bucket    ρ = L / M, capacity C = r + ρ·z
 *             level(t) = min( r + ρ(t − h) − N(h, t],  min over starts s > h of C + ρ(t − s) − N[s, t] )
 *   fixed     h + z is its boundary b:
 *             level(t) = r − N(h, t] before b;  L − N[b, t] from b
 *   sliding   W = the sliding window the 429s showed (quota-model.ts), else M; our calls the
 *             reading held leave at s + W, the rest at h + z:
 *             level(t) = min(r, L − Σ c over our calls in (h − W, h]) + Σ c of those left by t − N(h, t]
 *             (a remaining count of 0 hides an overdraft); from h + z: L − N(h, t]. A 429's
 *             reading, once N(h, t] holds a call: nothing more before its reading, or h + z + W
 *             (what our calls free may be another user's: one call asks)
 *   openAt    the first t ≥ now with level(t) ≥ n + ρ·m (bucket: at most C; window: a call's
 *             room counts from its leaving + m)   n = 1, or k·e tokens;  m the send margin
 *
 * The remaining count is what the key has left, whoever spent it (another service on the same
 * key). The pacer takes the later of this and the 429-learnt gate (window-pacer.ts), so a reading
 * only ever holds a call longer. Pure: time comes in as arguments.
 */

/** What the 429s showed of the quota's shape, when they did. */
export interface Believed {
  shape?: QuotaShape | undefined;
  windowMs?: number | undefined;
}

export class ReportedQuota {
  private readonly readings: Partial<Record<Budget, Held>> = {};
  /** Budgets whose resets showed a window, not a bucket: sliding, or fixed (on a boundary). */
  private readonly windowed: Partial<Record<Budget, 'sliding' | 'fixed'>> = {};

  constructor(private readonly minuteMs: number) {}

  /** The limits last reported (L per budget), once any was. */
  get limits(): { requests?: number; tokens?: number } {
    const { requests, tokens } = this.readings;
    return {
      ...(requests !== undefined && { requests: requests.limit }),
      ...(tokens !== undefined && { tokens: tokens.limit }),
    };
  }

  /**
   * What the key lets us have in a window, by the newest reading of a budget: what the reading held
   * of our calls and what it left, K = N(f, h − m] + n(h) + r, at most L — f the window's start
   * (sliding: h − W; fixed: the boundary before h + z) plus ε, since a call sent within ε of it may
   * already have left (or belong to the window before); calls answered at their cost and out at
   * k·e; those sent within the send margin m before h may have reached the provider after the
   * reading's own call; of those sent at h, n(h) counts the answered ones (the reading kept, the
   * least remaining among theirs, was judged after them), else the least still out (its own).
   * K is at most what the key has, but for a call whose send outran ε. Undefined for a bucket,
   * whose remaining is its level, not a window's room, and for a reading taken at or before `after`.
   */
  keyLevel(
    ledger: CallLedger,
    budget: Budget,
    believed: Believed = {},
    marginMs = 0,
    after = Number.NEGATIVE_INFINITY,
  ): number | undefined {
    const held = this.readings[budget];
    const kind = this.windowed[budget];
    if (held === undefined || kind === undefined || held.at <= after) return undefined;
    const w = kind === 'sliding' ? this.windowLength(believed) : this.minuteMs;
    const start = kind === 'fixed' ? held.at + held.resetMs - this.minuteMs : held.at - w;
    const from = start + w * TOLERANCE;
    const k = ledger.costPerEstimate;
    const take = (cost: number): number => (budget === 'requests' ? 1 : cost);
    const counted = (start: number): boolean => start > from && start <= held.at - marginMs;
    let ours = 0;
    // Calls sent within the margin before the reading's own may have reached the provider after
    // it. Of those sent with it, at the same instant: the answered ones were held (the reading
    // kept is the least remaining of theirs and its own, so it was judged last), and, if none
    // was answered yet, its own at least (the least of those still out).
    let answeredWith = 0;
    let ownOut = Number.POSITIVE_INFINITY;
    for (const a of ledger.admitted)
      if (counted(a.start)) ours += take(a.cost);
      else if (a.start === held.at) answeredWith += take(a.cost);
    for (const o of ledger.out)
      if (counted(o.start)) ours += take(o.estimate * k);
      else if (o.start === held.at) ownOut = Math.min(ownOut, take(o.estimate * k));
    const own = answeredWith > 0 ? answeredWith : Number.isFinite(ownOut) ? ownOut : 0;
    return Math.min(held.limit, ours + own + held.remaining);
  }

  /** The window a budget's resets showed (sliding or fixed), once they showed one. */
  windowOf(budget: Budget): QuotaShape | undefined {
    const kind = this.windowed[budget];
    return kind === 'fixed' ? 'fixed_window' : kind === 'sliding' ? 'sliding' : undefined;
  }

  /** The shape the resets show (tokens' first, the budget that binds OpenAI's calls): a bucket unless a window. */
  get shape(): QuotaShape {
    const kind = this.windowed.tokens ?? this.windowed.requests;
    return kind === 'fixed' ? 'fixed_window' : kind === 'sliding' ? 'sliding' : 'token_bucket';
  }

  /** The sliding window's length: the one the 429s showed, else the minute. */
  private windowLength({ shape, windowMs }: Believed): number {
    return shape === 'sliding' && windowMs !== undefined ? windowMs : this.minuteMs;
  }

  /**
   * A reading that came with the call sent at `at`: an answer's, or a 429's (`refused`, with the
   * start of our newest call the provider admitted before it, undefined if none).
   */
  read(reading: QuotaReading, at: number, refused?: { newest: number | undefined }): void {
    const anchor = refused === undefined ? at : refused.newest;
    for (const budget of ['requests', 'tokens'] as const) {
      const next = reading[budget];
      if (next === undefined) continue;
      const held = this.readings[budget];
      if (held !== undefined && (held.at > at || (held.at === at && held.remaining <= next.remaining)))
        continue;
      this.readings[budget] = { ...next, at, anchor, refused: refused !== undefined };
      this.classify(budget, next, at, anchor, held);
    }
  }

  /**
   * A bucket's reset is what refills L − r at L / M; a window's is not. Two readings whose resets
   * end together (within ε = M/1000, a send's jitter) while their sends moved on by more than 2ε
   * beyond that show a boundary; a window whose resets moved on with their readings, a sliding
   * one. Sends only just over ε apart were not enough: an answer's reset on a sliding window is
   * the window from its own arrival, so its end moves on with its send, and two answers 7 ms apart
   * whose resets differed by a millisecond's rounding read as a boundary at ε = 6 ms (free tier,
   * × 0.1). A 429's reset is the newest admitted call's and stays put while calls are refused, so
   * its send is taken as our newest admitted call's before it (its anchor): measured from its own,
   * a burst and the 429 after it read as a boundary (free tier, × 0.1: OpenAI held up to a window
   * with room in it), and a call still out may yet be refused. A fixed window's next boundary, a
   * whole window later, keeps it fixed.
   */
  private classify(
    budget: Budget,
    next: BudgetReading,
    at: number,
    anchor: number | undefined,
    held: Held | undefined,
  ): void {
    const perUnit = this.minuteMs / next.limit;
    const tolerance = this.minuteMs / 1_000;
    const moved =
      held === undefined || held.resetMs === 0 || next.resetMs === 0
        ? undefined
        : at + next.resetMs - (held.at + held.resetMs);
    // A bucket's end moves on by what was spent between (n·M/L); a boundary stays put however much.
    const fell = held === undefined ? 0 : (held.remaining - next.remaining) * perUnit;
    if (
      moved !== undefined &&
      Math.abs(moved) <= tolerance &&
      anchor !== undefined &&
      held?.anchor !== undefined &&
      anchor - held.anchor > 2 * tolerance + Math.abs(moved) &&
      fell > 2 * tolerance + Math.abs(moved)
    ) {
      this.windowed[budget] = 'fixed';
      return;
    }
    // A bucket holding less than L (a burst allowance under a minute's) is full sooner.
    if (next.resetMs <= (next.limit - next.remaining) * perUnit * 1.01 + 2) return;
    const onBoundary =
      moved !== undefined && Math.abs(moved - Math.round(moved / this.minuteMs) * this.minuteMs) <= tolerance;
    if (this.windowed[budget] !== 'fixed' || !onBoundary) this.windowed[budget] = 'sliding';
  }

  /** The earliest a call of `estimate` prompt tokens fits what the provider reported (now: at once). */
  openAt(
    ledger: CallLedger,
    now: number,
    estimate: number,
    marginMs: number,
    believed: Believed = {},
  ): number {
    let at = now;
    for (const budget of ['requests', 'tokens'] as const) {
      const held = this.readings[budget];
      if (held === undefined) continue;
      const need = budget === 'requests' ? 1 : Math.max(0, estimate) * ledger.costPerEstimate;
      const ask: Ask = { ledger, held, budget, need, marginMs, now };
      const { shape, windowMs } = believed;
      const kind = this.windowed[budget];
      const room =
        kind === 'fixed'
          ? fixedRoom(ask)
          : kind === 'sliding'
            ? windowRoom(ask, this.windowLength({ shape, windowMs }))
            : bucketRoom(ask, this.minuteMs);
      at = Math.max(at, room);
    }
    return at;
  }
}
