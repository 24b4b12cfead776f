import type { QuietWindows } from './quiet-windows.js';
import type { QuotaCeilings } from './quota-ceilings.js';
import type { QuotaPeaks } from './quota-peaks.js';
import { RequestSearch } from './request-search.js';
import { trialLevels, type Levels, type TrialHow } from './trial-levels.js';

interface Trial extends Levels {
  at: number;
  /** The mean cost of a call when it started. */
  call: number;
  /** Tried by a share of the level (a rate): a failure bounds the level from above. */
  growth?: number;
  /** Back to a peak (the quota may have come back): a yes-or-no question, not a step of a search. */
  toPeak: boolean;
  /** A step taken instead of a trial back to the peak, the key reported full below it. */
  keyFull: boolean;
}

/**
 * The trials of the quota, one at a time, from their start at a to their end, and what each end
 * teaches the ceilings U (quota-ceilings.ts), the peaks P (quota-peaks.ts), q (quiet-windows.ts)
 * and the request search (request-search.ts):
 *
 *   start    to the levels of trial-levels.ts
 *   settle   at t ≥ a + w: kept if the gate held calls after a, else back to before it. Kept, a
 *            token level past U lifts it, and the levels are a peak (not a rate's: a bucket that
 *            had filled lets a faster rate pass for a while); a request step kept halves q
 *   undo     a 429 at t < a + w: back to before it, U ← min(U, the level tried: any token level,
 *            a rate's requests); q doubles unless the trial was a step of a search with steps
 *            left (a request search's, or a token step that halved a gap to U wider than a call) —
 *            a trial back to the peak is no step; a step while the key was full doubles its own q.
 *            A 429 for a call sent by the time a trial was undone was that trial's
 *   abandon  a larger question (a raised limit reported) replaces it: back to before it, q unchanged
 */
export class QuotaTrials {
  private trial: Trial | undefined;
  private undoneAt = Number.NEGATIVE_INFINITY;
  private readonly search = new RequestSearch();

  constructor(
    private readonly ceilings: QuotaCeilings,
    private readonly peaks: QuotaPeaks,
    private readonly quiet: QuietWindows,
  ) {}

  /** R̂ and T̂ as they were before the running trial, if one runs. */
  get before(): Levels | undefined {
    return this.trial === undefined ? undefined : levelsOf(this.trial);
  }

  /** A trial from `level` starts at `now`: the levels it tries (see QuotaEstimates.startTrial). */
  start(now: number, level: Levels, call: number, how: TrialHow): Levels {
    const step = this.search.step(level.requests ?? 0);
    const to = trialLevels(level, this.ceilings, this.peaks, call, step, how);
    const { growth } = how;
    const keyFull = growth === undefined && how.key !== undefined;
    this.trial = {
      at: now,
      ...level,
      call,
      ...(growth !== undefined && { growth }),
      toPeak: to.toPeak,
      keyFull,
    };
    return { requests: to.requests, tokens: to.tokens };
  }

  /** The levels before the running trial, which ends with nothing learnt. */
  abandon(): Levels | undefined {
    const trial = this.trial;
    this.trial = undefined;
    return trial === undefined ? undefined : levelsOf(trial);
  }

  /**
   * A window of `w` has passed since the trial, now at `level`: the levels it leaves (its own if
   * the gate held calls after it started, else those before it).
   */
  settle(now: number, w: number, lastHeldAt: number, level: Levels): Levels | undefined {
    const trial = this.trial;
    if (trial === undefined || now - trial.at < w) return undefined;
    this.trial = undefined;
    if (lastHeldAt <= trial.at) return levelsOf(trial);
    // Held a window at the trial level: the quota has it. A token level past the ceiling lifts it.
    // (A rate's is no peak: a bucket that had filled lets a faster rate pass for a while.)
    if (level.tokens !== undefined && level.tokens > this.ceilings.tokens) this.ceilings.lift('tokens');
    if (trial.growth === undefined) {
      if (this.peaks.reached(level.requests)) this.quiet.back();
      this.peaks.note(level);
      if (!trial.toPeak && trial.requests !== undefined) {
        // A request level no 429 had shown was held: the quota may have grown by more than a
        // step. The next trial comes sooner, and from the second kept in a row, doubles.
        this.search.kept(level.requests ?? 0);
        this.quiet.kept();
      }
    }
    return level;
  }

  /** Whether a 429 for a call sent at `sent` answers a trial already undone. */
  undone(sent: number): boolean {
    return sent <= this.undoneAt;
  }

  /** A 429 at `now`, the trial at `level`: the levels before it, if it started within a window `w`. */
  undo(now: number, w: number | undefined, level: Levels): Levels | undefined {
    const trial = this.trial;
    if (trial === undefined || w === undefined || now - trial.at >= w) return undefined;
    // What failed bounds the level from above (a token quota's ceiling is lowered by the 429 itself).
    if (trial.growth !== undefined && level.requests !== undefined)
      this.ceilings.lower('requests', level.requests);
    if (level.tokens !== undefined) this.ceilings.lower('tokens', level.tokens);
    this.search.failed(trial.growth === undefined && !trial.toPeak ? level.requests : undefined);
    this.trial = undefined;
    this.undoneAt = now;
    // A token trial that halved a wide gap to its ceiling was a step of a search, not a sign that
    // the quota is tight: the next may follow as soon; once the gap is narrow, trials slow down.
    const gap = trial.tokens === undefined ? 0 : this.ceilings.tokens - trial.tokens;
    // A trial back to the peak is a question (has the quota come back?), not a step of a search.
    // While the quota may come back, the answer is asked for again within a window: found within two.
    const stepsLeft = this.search.stepsLeft(trial.requests ?? 0);
    // A step while the key was full backs off on its own q: once the key shows room again, the
    // trials back to the peak go at the dropped quota's pace.
    if (trial.keyFull) this.quiet.keyFullFailed();
    else if (trial.toPeak || !((trial.requests === undefined && gap > trial.call) || stepsLeft))
      this.quiet.failed();
    return levelsOf(trial);
  }
}

function levelsOf({ requests, tokens }: Levels): Levels {
  return { requests, tokens };
}
