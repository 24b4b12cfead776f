import type { BucketBook } from './bucket-book.js';
import type { CallLedger } from './call-ledger.js';
import type { PendingRefusal } from './pending-refusal.js';
import type { QuotaEstimates } from './quota-estimates.js';
import type { WindowLength } from './window-length.js';
import { readFixed, readSliding } from './window-readings.js';

/**
 * When the window a 429 refused from is counted — what it held says what the quota is
 * (window-readings.ts, bucket-book.ts):
 *
 *   sliding        once the calls out when it was sent have reported and its pause is over
 *   fixed, bucket  at once, the calls out taken as admitted (they were sent before the refused
 *                  one, and the gate needs the reading now), and again then
 *
 * One 429 awaits its count at a time: a later one takes its place. Pure: time comes in as arguments;
 * the calls, the quotas, Ŵ and the buckets are the quota model's, shared.
 */
export class RefusalCount {
  private pending: PendingRefusal | undefined;

  constructor(
    private readonly ledger: CallLedger,
    private readonly quota: QuotaEstimates,
    private readonly length: WindowLength,
    private readonly buckets: BucketBook,
  ) {}

  /** When the 429 awaiting its count came back: the calls of the window before it are still needed. */
  get since(): number | undefined {
    return this.pending?.at;
  }

  /** A 429 to count; `firstStart`: when our first call started. */
  refused(refusal: PendingRefusal, now: number, firstStart: number | undefined): void {
    // A bucket's or a fixed window's wait is short or ends on a boundary: it is read now as well.
    if (refusal.shape !== 'sliding') this.read(refusal, true, now, firstStart);
    this.pending = refusal;
  }

  /** Counts the window of the last 429, once everything it held has reported and its pause is over. */
  settle(now: number, firstStart: number | undefined): void {
    const refusal = this.pending;
    if (refusal === undefined || now < refusal.until) return;
    if (this.ledger.out.some((call) => call.start <= refusal.sent)) return;
    this.pending = undefined;
    if (refusal.shape === 'sliding') {
      const w = this.length.ms;
      if (w !== undefined) readSliding(this.ledger, this.quota, w, this.length.unitMs, refusal, now);
    } else this.read(refusal, false, now, firstStart);
  }

  /** What a fixed window's or a bucket's 429 says the quota is; `early`: calls out count as admitted. */
  private read(refusal: PendingRefusal, early: boolean, now: number, firstStart: number | undefined): void {
    const unit = this.length.unitMs;
    if (unit === undefined) return;
    if (refusal.shape === 'fixed_window') readFixed(this.ledger, this.quota, unit, refusal, early, now);
    if (refusal.shape === 'token_bucket')
      this.buckets.read(refusal, early, this.quota, unit, firstStart, now);
  }
}
