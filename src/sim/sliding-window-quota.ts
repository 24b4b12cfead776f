import {
  ADMITTED,
  refusal,
  type QuotaLimits,
  type QuotaSnapshot,
  type QuotaVerdict,
  type RateQuota,
} from './rate-quota.js';
import { SampleQueue } from './sample-queue.js';

/**
 * Requests and tokens admitted over a sliding window of `windowMs`, the way the providers meter
 * requests/min and tokens/min:
 *
 *   R(t) = number of requests admitted in (t − windowMs, t]
 *   T(t) = tokens charged in (t − windowMs, t]
 *   admit(t, c)  ⇔  R(t) + 1 ≤ rpm  ∧  T(t) + c ≤ tpm
 *
 * A refusal carries the wait until enough of the window has expired for the same request to pass:
 * the (R + 1 − rpm)-th oldest request, or the oldest samples holding T + c − tpm tokens, must leave,
 * and a sample admitted at s leaves at s + windowMs. A request whose cost alone exceeds tpm can never
 * pass (`tooLarge`); its wait is a full window. The snapshot's reset is OpenAI's "until the rate
 * limit resets to its initial state": until the newest sample leaves.
 */
export class SlidingWindowQuota implements RateQuota {
  private readonly requests = new SampleQueue();
  private readonly tokens = new SampleQueue();
  private limits: QuotaLimits;
  private readonly now: () => number;

  constructor(limits: QuotaLimits, now: () => number = Date.now) {
    this.limits = { ...limits };
    this.now = now;
  }

  setLimits(limits: QuotaLimits): void {
    this.limits = { ...limits };
  }

  /** Admits and charges one request costing `tokens`, or says how long until it would pass. */
  tryAdmit(tokens: number): QuotaVerdict {
    const t = this.now();
    this.prune(t);
    const { rpm, tpm, windowMs } = this.limits;
    const used = this.requests.count;
    if (used + 1 > rpm) {
      const leaving = this.requests.timeWhenReleased(used + 1 - rpm) ?? t;
      return refusal('requests', leaving + windowMs - t, rpm, used, 1, false);
    }
    const held = this.tokens.total;
    if (tokens > tpm) return refusal('tokens', windowMs, tpm, held, tokens, true);
    if (held + tokens > tpm) {
      const leaving = this.tokens.timeWhenReleased(held + tokens - tpm) ?? t;
      return refusal('tokens', leaving + windowMs - t, tpm, held, tokens, false);
    }
    this.requests.push(t, 1);
    if (tokens > 0) this.tokens.push(t, tokens);
    return ADMITTED;
  }

  /** Charges tokens known only after the answer (output tokens) to the window, unconditionally. */
  charge(tokens: number): void {
    if (tokens <= 0) return;
    const t = this.now();
    this.prune(t);
    this.tokens.push(t, tokens);
  }

  snapshot(): QuotaSnapshot {
    const t = this.now();
    this.prune(t);
    const { rpm, tpm, windowMs } = this.limits;
    // Back to its initial state (nothing held) once the newest sample leaves.
    const newestRequest = this.requests.newestTime();
    const newestTokens = this.tokens.newestTime();
    return {
      requestsRemaining: Math.max(0, rpm - this.requests.count),
      tokensRemaining: Math.max(0, tpm - this.tokens.total),
      requestsResetMs: newestRequest === undefined ? 0 : newestRequest + windowMs - t,
      tokensResetMs: newestTokens === undefined ? 0 : newestTokens + windowMs - t,
    };
  }

  clear(): void {
    this.requests.clear();
    this.tokens.clear();
  }

  private prune(t: number): void {
    const cutoff = t - this.limits.windowMs;
    this.requests.pruneThrough(cutoff);
    this.tokens.pruneThrough(cutoff);
  }
}
