import type { RateLimitQuota } from '../../model/errors.js';
import type { Bucket } from './bucket-room.js';
import type { QuotaShape } from './pacer.js';

/**
 * A 429 the quota model has read the shape of and will count once the calls out when it was sent
 * have reported (what its window held) — the shared record of quota-model.ts, refusal-count.ts,
 * window-readings.ts and bucket-book.ts.
 */
export interface PendingRefusal {
  /** When the 429 came back. */
  at: number;
  /** When the refused call was sent, and when its room frees (a = t + h). */
  sent: number;
  release: number;
  /** When its pause ends. */
  until: number;
  quota: RateLimitQuota;
  shape: QuotaShape;
  /** The refused call's prompt estimate. */
  estimate: number;
  /** Its bucket anchor, for a bucket. */
  anchor?: Bucket;
  /** It ended a trial: the level before the trial is not known to be too high. */
  afterTrial?: boolean;
  /** No quota was known for its budget yet. */
  firstReading?: boolean;
  /**
   * Read as a sliding window's although none of our calls started where its room frees (a − W):
   * only a call that reached the provider later than stamped explains it — an assumption.
   */
  lateLeaver?: boolean;
}

/** ε of the shapes' tests, as a share of the window. */
export const TOLERANCE = 1 / 300;
/**
 * The first margins for send lags, as a share of the unit (fixed: after each boundary; bucket:
 * ρ·W/600; a reported quota's, window-pacer.ts).
 */
export const MARGIN = 1 / 600;
/** A reading below this share of the estimate is a quota that dropped, not noise. */
export const DROP = 0.8;
