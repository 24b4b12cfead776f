import type { QuotaShape } from './pacer.js';

/**
 * What a 429 says about the shape of the quota that refused it. A call sent at t, told to come back
 * in h, could start at a = t + h — in the sender's own time: a call sent at a reaches the provider
 * as its room frees, whatever the (shared) send lag. Over the window W (the unit the provider
 * named), each shape frees room its own way:
 *
 *   fixed_window  on the window's boundary:     a ≡ φ (mod W) for a boundary φ seen before — or
 *                 φ′, the a of a first 429 read as a bucket's: a fixed window explains any first
 *                 429 (its wait ends on a boundary), so a later one the shape believed cannot
 *                 explain, freed a whole number of windows after it, is the window's
 *   sliding       as one of the window's calls leaves it:   oldest − ε − r ≤ a − W ≤ t — and, before
 *                 any shape is believed (no quota seen to drop), what the window's calls answered
 *                 by a − W − g − ε took is less than the refused call's need: those calls were
 *                 counted before the ones that leave by a, the window held them with the others
 *                 (it admitted them all), so had they taken as much the call would have fitted
 *                 (g: the hint's rounding, hintGrain; r: the 429's own round trip — the provider
 *                 reckoned h from when the call reached it, up to r after t, so a − W may fall
 *                 up to r before the leaving call's stamp)
 *   token_bucket  as the bucket refills a call's need:       h ≤ 2 · need / ρ
 *                 (ρ the believed rate, else the pace the window held: (held + need) / W)
 *   fixed_window  otherwise: a is the window's boundary, φ ← a

 *
 * The shape believed so far is tried first: a refusal it explains keeps it (a bucket's calls,
 * spread over the window, would also pass for sliding; a sliding window's edge for a bucket).
 * ε absorbs the jitter of send lags. Pure.
 */
export interface RefusalEvidence {
  /** t: when the refused call was sent. */
  sentAt: number;
  /** h. */
  hintMs: number;
  /** r: how long the 429 took to come back (the refused call reached the provider within it). */
  roundTripMs?: number;
  /** W. */
  windowMs: number;
  /** The oldest call of ours in (t − W, t], if any. */
  oldest: number | undefined;
  /** What the window (t − W, t] held, and what the refused call needed, in the quota's unit. */
  held: number;
  need: number;
  /** ρ, the refill rate believed (per ms), when a bucket is believed. */
  rate?: number;
  /** Our calls of (t − W, t] that were answered: when, and what each took of the quota (1 a request). */
  answered?: readonly { at: number; took: number }[];
  /** φ, a boundary seen before, when a fixed window is believed or suspected. */
  boundary?: number;
  /** ε. */
  toleranceMs: number;
  believed?: QuotaShape;
}

export function refusalShape(e: RefusalEvidence): QuotaShape {
  return explainingShape(e) ?? 'fixed_window';
}

/**
 * The shape whose rule above explains the refusal, or undefined when only the last one, a fixed
 * window with a boundary never seen, does (as it explains any refusal).
 */
export function explainingShape(e: RefusalEvidence): QuotaShape | undefined {
  const order: QuotaShape[] = ['fixed_window', 'sliding', 'token_bucket'];
  if (e.believed !== undefined) order.unshift(e.believed);
  return order.find((shape) => explains(shape, e));
}

function explains(shape: QuotaShape, e: RefusalEvidence): boolean {
  const release = e.sentAt + e.hintMs;
  switch (shape) {
    case 'fixed_window':
      return e.boundary !== undefined && offBoundary(release - e.boundary, e.windowMs) <= e.toleranceMs;
    case 'sliding': {
      const leaves = release - e.windowMs;
      const slack = hintGrain(e.hintMs, e.windowMs) + e.toleranceMs;
      return (
        e.oldest !== undefined &&
        leaves + (e.roundTripMs ?? 0) >= e.oldest - e.toleranceMs &&
        leaves <= e.sentAt &&
        (e.believed !== undefined || takenBefore(e.answered, leaves - slack) < e.need)
      );
    }
    case 'token_bucket': {
      const rate = e.rate ?? (e.held + e.need) / e.windowMs;
      return rate > 0 && e.hintMs <= (2 * e.need) / rate;
    }
  }
}

function takenBefore(answered: RefusalEvidence['answered'], time: number): number {
  return (answered ?? []).reduce((sum, a) => sum + (a.at < time ? a.took : 0), 0);
}

/**
 * How much a hint may have been rounded, on a clock whose minute is `minuteMs`: a whole number of
 * seconds (Gemini's retryDelay, OpenAI's reset headers) by a second, of tenths ("try again in
 * 1.2s") by a tenth, else (milliseconds) by nothing.
 */
export function hintGrain(hintMs: number, minuteMs: number): number {
  const second = minuteMs / 60;
  const whole = (grain: number): boolean => Math.abs(hintMs / grain - Math.round(hintMs / grain)) < 1e-6;
  if (whole(second)) return second;
  return whole(second / 10) ? second / 10 : 0;
}

/** How far `offset` lies from the nearest multiple of `period`. */
export function offBoundary(offset: number, period: number): number {
  const r = ((offset % period) + period) % period;
  return Math.min(r, period - r);
}
