/**
 * How long one call of a provider may take before the router gives up on it and asks again: a
 * deadline from the latencies the provider has shown, so that a hung call (real providers do hang)
 * costs a few of its usual round trips instead of the whole provider timeout on the run's
 * critical path. Like TCP's retransmission timeout it follows the measured round trip and backs
 * off when it fires:
 *
 *   L̂(n)        = max{ Lᵢ · max(1, n / nᵢ) : i among the last 20 answers, nᵢ ≥ n / 2 }
 *   deadline(n) = clamp(k · L̂(n), minMs, maxMs)        k = 3 · 2^e
 *               = maxMs                                 while fewer than 3 answers of ≥ n / 2 pages are known
 *
 * n: the call's pages; Lᵢ, nᵢ: an answered call's latency and pages (the latency grows with the
 * answer, so a larger call is allowed proportionally more, and only calls at least half its size
 * say anything about it); e: deadlines passed since the last answer (each doubles k, an answer
 * resets it, so a provider that really slowed down is not asked again and again). One answer does
 * not show what is usual: a run that had ten calls out on one answer at half the median latency
 * gave a call up at 1.75 × the median while it was still on its way, and spent a request and a
 * round trip asking again. maxMs is the
 * configured provider timeout, which stays the ceiling; minMs keeps fast answers from making the
 * deadline hair-trigger. Pure: it is fed samples and knows no clock.
 */
export interface CallDeadlineOptions {
  /** The shortest deadline (--min-call-deadline-ms). */
  minMs: number;
  /** The ceiling: the provider's own timeout (--provider-timeout-ms). */
  maxMs: number;
}

/** How many of the latest answers the deadline remembers. */
const KEEP = 20;
/** k₀: how many of the slowest recent round trips a call may take. */
const MULTIPLIER = 3;
/** Answers of a call's size it takes before the deadline goes below the provider's timeout. */
const MIN_ANSWERS = 3;

export class CallDeadline {
  private readonly answers: { latencyMs: number; pages: number }[] = [];
  private expiries = 0;

  constructor(private readonly opts: CallDeadlineOptions) {}

  /** The provider's own timeout: a deadline this long is no deadline of the router's. */
  get ceilingMs(): number {
    return this.opts.maxMs;
  }

  /** The deadline of a call of `pages` pages, in ms (maxMs: wait the whole provider timeout). */
  deadlineMs(pages: number): number {
    const { minMs, maxMs } = this.opts;
    const n = Math.max(1, pages);
    let slowest = 0;
    let known = 0;
    for (const a of this.answers) {
      if (a.pages < n / 2) continue;
      known += 1;
      slowest = Math.max(slowest, a.latencyMs * Math.max(1, n / a.pages));
    }
    if (known < MIN_ANSWERS) return maxMs;
    const k = MULTIPLIER * 2 ** this.expiries;
    return Math.min(maxMs, Math.max(minMs, k * slowest));
  }

  /** An answered call (HTTP 200, usable or not) of `pages` pages took `latencyMs`. */
  answered(latencyMs: number, pages: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0 || !(pages >= 1)) return;
    this.answers.push({ latencyMs, pages });
    if (this.answers.length > KEEP) this.answers.shift();
    this.expiries = 0;
  }

  /** A call passed its deadline and was given up on. */
  expired(): void {
    // Beyond a few doublings the ceiling binds anyway; the cap keeps 2^e finite.
    this.expiries = Math.min(this.expiries + 1, 16);
  }
}
