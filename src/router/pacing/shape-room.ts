import type { RateLimitQuota } from '../../model/errors.js';
import { bucketRoom, type Bucket } from './bucket-room.js';
import type { CallLedger } from './call-ledger.js';
import type { FixedBoundary } from './fixed-boundary.js';
import { fixedWindowRoom } from './fixed-window-room.js';
import type { QuotaShape } from './pacer.js';
import { MARGIN } from './pending-refusal.js';
import { slidingRoom } from './sliding-room.js';
import type { WindowLength } from './window-length.js';

/** What the room of each shape is read from: the model's ledger, window, boundary and buckets. */
export interface ShapeRoomParts {
  ledger: CallLedger;
  length: WindowLength;
  fixed: FixedBoundary;
  /** A budget's bucket as the gate sees it (undefined until its unit is known). */
  bucket: (budget: RateLimitQuota, now: number) => Bucket | undefined;
}

/**
 * The first moment t ≥ now a call of estimate e may start under R̂ and T̂ (either may be unknown),
 * by the shape believed:
 *
 *   nothing known, or no shape    now
 *   sliding        slidingRoom over Ŵ                          (now while Ŵ is unknown)
 *   fixed_window   fixedWindowRoom from the boundary φ, margin  (now while the unit or φ is unknown)
 *   token_bucket   max over budgets of bucketRoom(need),  need = 1 request or k·e tokens,
 *                  margin W/600 of the unit
 *
 * `edge`: t is the moment an admitted call leaves a sliding window (sliding-room.ts).
 */
export function shapeRoom(
  shape: QuotaShape | undefined,
  parts: ShapeRoomParts,
  { requests, tokens }: { requests?: number | undefined; tokens?: number | undefined },
  now: number,
  estimate: number,
): { at: number; edge: boolean } {
  if (requests === undefined && tokens === undefined) return { at: now, edge: false };
  const quota = { ...(requests !== undefined && { requests }), ...(tokens !== undefined && { tokens }) };
  const { ledger, length, fixed } = parts;
  const unit = length.unitMs;
  switch (shape) {
    case undefined:
      return { at: now, edge: false };
    case 'sliding':
      return length.ms === undefined
        ? { at: now, edge: false }
        : slidingRoom(ledger, length.ms, quota, now, estimate);
    case 'fixed_window':
      return unit === undefined || fixed.at === undefined
        ? { at: now, edge: false }
        : fixedWindowRoom(ledger, unit, fixed.at, fixed.margin, quota, now, estimate);
    case 'token_bucket': {
      let at = now;
      for (const budget of ['requests', 'tokens'] as const) {
        const bucket = parts.bucket(budget, now);
        if (bucket === undefined) continue;
        const need = budget === 'requests' ? 1 : estimate * ledger.costPerEstimate;
        at = Math.max(at, bucketRoom(ledger, bucket, budget, need, (unit ?? 0) * MARGIN, now));
      }
      return { at, edge: false };
    }
  }
}
