import { DistinctCount } from './distinct-count.js';
import { LatencyPercentiles, type Percentiles } from './latency-percentiles.js';
import { TopLabels } from './top-labels.js';
import type { Outcome } from '../model/work.js';

/** A page as the summary shows it: what it was tagged with, and by whom. */
export interface SamplePage {
  pageId: string;
  spaceKey: string;
  version: number;
  tags: string[];
  /** The provider that tagged it, or "cache" when no call was made. */
  by: string;
}

/** Pages shown at the end of a run: the first few written, so a rerun shows the same ones. */
const SAMPLE_PAGES = 5;

/**
 * Counts of what happened to the events of one run; the source of the summary's and the progress
 * line's numbers (each counted here once). Bounded whatever the run's length: distinct pages by
 * HyperLogLog past 100 000, edit-to-tag latency by a DDSketch, labels by Space-Saving.
 */
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
  /** From an event's receipt to its TagRecord written. */
  readonly editToTag = new LatencyPercentiles();
  readonly labels = new TopLabels();
  readonly samples: SamplePage[] = [];

  received(): void {
    this.events++;
  }

  batch(): void {
    this.batches++;
  }

  /** Counts an outcome once it is written. */
  written(outcome: Outcome, now = Date.now()): void {
    switch (outcome.kind) {
      case 'tagged': {
        const r = outcome.record;
        this.pages.add(r.pageId);
        if (r.cached) this.cached++;
        else this.tagged++;
        if (r.truncated === true) this.truncated++;
        this.editToTag.add(now - outcome.delivery.receivedAt);
        for (const tag of r.tags) this.labels.seen(tag);
        if (this.samples.length < SAMPLE_PAGES) {
          const by = r.cached ? 'cache' : r.provider;
          this.samples.push({ pageId: r.pageId, spaceKey: r.spaceKey, version: r.version, tags: r.tags, by });
        }
        break;
      }
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

  latencyPercentiles(): Percentiles | undefined {
    return this.editToTag.summary();
  }
}
