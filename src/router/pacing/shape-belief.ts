import type { RateLimitQuota } from '../../model/errors.js';
import type { CallLedger } from './call-ledger.js';
import type { FixedBoundary } from './fixed-boundary.js';
import { shorterThanUnit, slidingOver } from './first-window.js';
import { oldestHeld } from './late-calls.js';
import type { QuotaShape } from './pacer.js';
import { MARGIN, TOLERANCE } from './pending-refusal.js';
import { explainingShape } from './refusal-shape.js';
import { RivalWindow } from './rival-window.js';
import { UnprovenShape } from './unproven-shape.js';
import type { WindowLength } from './window-length.js';

/**
 * Which shape meters a quota whose 429s name their unit, and the rules that change it. A 429 for
 * a call sent at t with hint h says the room frees at a = t + h (refusal-shape.ts says which
 * shapes explain that).
 *
 *   unit      a 429 that names its unit (Gemini's quotaId "…PerMinute…", OpenAI's "per min"): W is
 *             that unit, a prior — unless nothing it allows explains a later 429 (but a boundary
 *             never seen or, a switch, a bucket) and a sliding window as long as the first (from
 *             empty: a − s₀, its call sent within a unit of s₀) does, shorter by a quarter or more
 *             (first-window.ts): W ← a − s₀
 *   shape     each 429 the shape believed explains keeps it; one it cannot switches to the shape
 *             that does, and what was learnt of the old one's timing goes. A first 429 with a wait
 *             short enough for a bucket's is read as one, and its a = t + h is kept as a boundary
 *             φ′ a fixed window would have there: a later 429 with a ≡ φ′ (mod W) is a fixed window's.
 *             Where the provider's resets show a sliding window (OpenAI's headers), every 429 is
 *             that window's: a wait none of our calls explains is another user's call leaving it.
 *             Without them, a wait only a sliding window explains (longer than a bucket refills the
 *             call) proves one for the run (proven), and a later wait only a bucket explains is such
 *             a call too (held). A shape read from one 429 while a sliding window is believed paces
 *             with it until a call proves it, and a 429 it does not explain meanwhile keeps the
 *             sliding window (doubted, unproven-shape.ts)
 *   rival     a fixed window read from the first request 429, which a sliding window W′ = a − s₀
 *             (shorter than the unit by a quarter or more, first-window.ts) explains too: calls go
 *             when both have room; when only W′ has, one call tests it — admitted, W′ replaces the
 *             unit; refused, fixed stands (rival-window.ts)
 *
 * Pure: time comes in as arguments; the calls, Ŵ and the fixed window's boundary (fixed-boundary.ts)
 * are the quota model's, shared.
 */

/** A 429 that named its unit, as the quota model saw it. */
export interface NamedRefusal {
  /** t and h, and when the 429 came back. */
  sent: number;
  hint: number;
  at: number;
  /** The unit, without the send margin. */
  unit: number;
  quota: RateLimitQuota;
  /** What the refused call needed of the quota (1 a request). */
  need: number;
  /** R̂ or T̂ of its budget, once learnt. */
  perUnit: number | undefined;
  /** When the first answer came back (late-calls.ts). */
  firstAnswerAt: number | undefined;
  /** The provider's resets show a sliding window for its budget. */
  reportsSliding: boolean;
}

export class ShapeBelief {
  private shape: QuotaShape | undefined;
  /** φ′: the release of the first 429, read as a bucket's — a fixed window's boundary, if it is one. */
  private firstRelease: number | undefined;
  /** W′: while one 429 alone showed the fixed window, the sliding window (a − s₀) that explains it too. */
  private readonly rival = new RivalWindow();
  /** A shape read from one 429 where a sliding window was believed, until a call proves it. */
  private readonly unproven = new UnprovenShape();
  /** A 429 only a sliding window explained was seen: the provider meters by one. */
  private slidingProven = false;
  /**
   * a − s₀ at the first 429: how long the first window, which began empty, held its first call —
   * taken only when that 429's call went within a unit of s₀ (else the window did not begin empty).
   */
  private firstWindow: number | undefined;

  constructor(
    private readonly ledger: CallLedger,
    private readonly length: WindowLength,
    private readonly fixed: FixedBoundary,
  ) {}

  /** The shape believed, once a named 429 showed one. */
  get believed(): QuotaShape | undefined {
    return this.shape;
  }

  /** A call started at `now`: a test, if the gate let it go for a doubted shape. */
  started(now: number): void {
    this.rival.started(now);
    this.unproven.started(now);
  }

  /**
   * The call started at `startedAt` was answered. Returns true when it was W′'s test: W′ is the
   * quota's (Ŵ is W′ now), and the sliding window is to be adopted.
   */
  admitted(startedAt: number): boolean {
    // The test of a shape read from one 429 was admitted: it is the quota's.
    if (this.unproven.tested(startedAt)) this.unproven.clear();
    const rival = this.rival.admitted(startedAt);
    if (rival === undefined) return false;
    // A fixed window that held its R̂ would have refused it: the sliding window W′ is the quota's.
    this.length.overturn(rival);
    return true;
  }

  /** The call started at `startedAt` ended without being counted: a test that proved nothing. */
  finished(startedAt: number | undefined): void {
    this.rival.finished(startedAt);
    this.unproven.finished(startedAt);
  }

  /** Whether the call sent at `sent` tested a shape read from one 429 (refused, the sliding window stands). */
  refuted(sent: number): boolean {
    return this.unproven.tested(sent);
  }

  /**
   * The shape a named 429 says meters the quota ("unit", "shape", "rival"), and the unit after it
   * (W′ when it overturned the named one); `suspect`: read from this 429 alone where a sliding
   * window was believed, it awaits a call's proof once adopted (`awaitProof`).
   */
  refused(r: NamedRefusal): { shape: QuotaShape; unit: number; suspect: boolean } {
    const { sent, hint, quota } = r;
    let unit = r.unit;
    // The test of a shape read from one 429 was refused: the sliding window believed before stands.
    const refuted = this.unproven.tested(sent);
    const window = this.ledger.usage(sent - unit, sent);
    const evidence = {
      sentAt: sent,
      hintMs: hint,
      roundTripMs: Math.max(0, r.at - sent),
      windowMs: unit,
      oldest: oldestHeld(this.ledger, r.firstAnswerAt, sent, unit),
      held: quota === 'requests' ? window.requests : window.tokens,
      need: r.need,
      answered: this.ledger
        .answered(sent - unit, sent)
        .map(({ at, cost }) => ({ at, took: quota === 'requests' ? 1 : cost })),
      ...(this.shape === 'token_bucket' && r.perUnit !== undefined && { rate: r.perUnit / unit }),
      ...((this.fixed.at ?? this.firstRelease) !== undefined && {
        boundary: this.fixed.at ?? this.firstRelease,
      }),
      toleranceMs: unit * TOLERANCE,
    };
    const explained = explainingShape({
      ...evidence,
      ...(this.shape !== undefined && { believed: this.shape }),
    });
    // One of our calls leaving the window freed it, later than a bucket refills the call: no
    // provider changes how it meters mid-run.
    if (
      explained === 'sliding' &&
      explainingShape({ ...evidence, believed: 'token_bucket' }) !== 'token_bucket'
    )
      this.slidingProven = true;
    // The provider's own resets show a sliding window: a wait no call of ours explains is another
    // user's call leaving it (a shared key), not a bucket or a boundary. (A fixed window's resets
    // are read from two readings alone, which a quota dropping between them mimics: not followed.)
    const reportsSliding = r.reportsSliding;
    // A proven sliding window's short wait that none of our calls explains: another user's call left it.
    const held = this.shape === 'sliding' && this.slidingProven && explained === 'token_bucket';
    // A shape awaiting its proof does not explain this 429: the sliding window stands.
    const doubted = this.unproven.pending && explained !== this.shape;
    let shape = reportsSliding || refuted || held || doubted ? 'sliding' : (explained ?? 'fixed_window');
    const release = sent + hint;
    if (this.shape === undefined) {
      if (shape === 'token_bucket') this.firstRelease = release;
      const oldest = this.ledger.admitted[0]?.start;
      // From empty only if the unit's window still holds our first call: a first 429 after more
      // than a unit of calls paced by OpenAI's headers (10 s of a 6 s minute) made a − s₀ a
      // "window" of 10.2 s, which then overturned the minute.
      if (oldest !== undefined && sent - oldest <= unit) this.firstWindow = release - oldest;
      const w = this.firstWindow;
      // A request quota's first count is exact (its next call was refused): a call past it that a
      // fixed window admits refutes that window. A token count is a floor, and tests nothing.
      if (shape === 'fixed_window' && quota === 'requests' && shorterThanUnit(w, unit)) this.rival.suspect(w);
    } else if (shape === 'fixed_window' && this.rival.tested(sent)) {
      // The rival's test was refused on the boundary: the window is fixed.
      this.rival.clear();
    } else if (
      explained !== 'fixed_window' &&
      explained !== this.shape &&
      slidingOver(this.ledger, this.firstWindow, sent, release, unit)
    ) {
      // Nothing the named unit allows explains this 429 as well (a boundary never seen explains
      // any; a bucket, any short wait), and a sliding window as long as the first one showed (from
      // empty) does: the unit was wrong. A release on a boundary seen before is the unit's: the
      // first 429's own release fits the window it showed, so a second refused call of the same
      // burst, read as a bucket's first, overturned a minute for the 1.2 s to its boundary.
      this.length.overturn(this.firstWindow as number);
      unit = this.length.unitMs ?? unit;
      shape = 'sliding';
    }
    // A boundary never seen, or a bucket's short wait, where a sliding window was believed: a shape
    // read from one 429, which another user's call leaving a shared key's window mimics.
    const suspect =
      this.shape === 'sliding' &&
      shape !== 'sliding' &&
      (explained === undefined || explained === 'token_bucket');
    return { shape, unit, suspect };
  }

  /**
   * Believes `shape` from now on; what was learnt of another shape's timing goes. Returns whether
   * it is a change (the quota model's bucket readings then go too).
   */
  adopt(shape: QuotaShape): boolean {
    if (shape === this.shape) return false;
    this.shape = shape;
    this.unproven.clear();
    if (shape !== 'fixed_window') {
      this.fixed.clear();
      this.rival.clear();
    }
    return true;
  }

  /** The shape just adopted was read from one 429 where a sliding window of `w` was believed. */
  awaitProof(w: number): void {
    this.unproven.suspect(w);
  }

  /**
   * While another window may be the quota's, its room too: the sliding window a shape awaiting its
   * proof was read over (unproven-shape.ts), and W′, while it explains what the fixed window was
   * read from as well (rival-window.ts).
   */
  room(
    estimates: { requests: number | undefined; tokens: number | undefined },
    room: { at: number; edge: boolean },
    now: number,
    estimate: number,
  ): { at: number; edge: boolean } {
    if (this.shape !== 'fixed_window' && this.shape !== 'token_bucket') return room;
    const { requests, tokens } = estimates;
    const quota = { ...(requests !== undefined && { requests }), ...(tokens !== undefined && { tokens }) };
    const both = this.unproven.room(this.ledger, quota, room, now, estimate);
    if (this.shape !== 'fixed_window') return both;
    return this.rival.room(this.ledger, quota, both, 2 * this.fixed.margin, MARGIN, now, estimate);
  }
}
