import { DistinctCount } from './distinct-count.js';
import type { Outcome } from '../model/work.js';

/** Counts of what happened to the events of one run; the source of the summary's numbers. */
export class RunStats {
  readonly startedAt = Date.now();
  events = 0;
  tagged = 0;
  cached = 0;
  tombstones = 0;
  dlq = 0;
  skipped = { stale: 0, duplicate: 0, coalesced: 0 };
  truncated = 0;
  batches = 0;
  /** Distinct pages with an outcome: exact up to 100 000, estimated (±1 %) beyond. */
  readonly pages = new DistinctCount();
  private editToTagMs: number[] = [];

  received(): void {
    this.events++;
  }

  batch(): void {
    this.batches++;
  }

  /** Counts an outcome once it is written. */
  written(outcome: Outcome, now = Date.now()): void {
    switch (outcome.kind) {
      case 'tagged':
        this.pages.add(outcome.record.pageId);
        if (outcome.record.cached) this.cached++;
        else this.tagged++;
        if (outcome.record.truncated === true) this.truncated++;
        if (this.editToTagMs.length < 100_000) this.editToTagMs.push(now - outcome.delivery.receivedAt);
        break;
      case 'tombstone':
        this.pages.add(outcome.pageId);
        this.tombstones++;
        break;
      case 'skipped':
        this.pages.add(outcome.pageId);
        this.skipped[outcome.reason]++;
        break;
      case 'dead_letter':
        this.dlq++;
        break;
    }
  }

  get skippedTotal(): number {
    return this.skipped.stale + this.skipped.duplicate + this.skipped.coalesced;
  }

  /** Outcomes written so far: equals `events` once a run has drained. */
  get accounted(): number {
    return this.tagged + this.cached + this.tombstones + this.dlq + this.skippedTotal;
  }

  latencyPercentiles(): { p50: number; p95: number; p99: number } | undefined {
    if (this.editToTagMs.length === 0) return undefined;
    const sorted = [...this.editToTagMs].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}
