import type { PageWork } from '../model/work.js';
import type { PendingPages } from './pending-pages.js';
import type { WorkOwnership } from './work-ownership.js';

/** A batch handed to the router and not yet answered. */
export interface BatchOut {
  /** Aborted when none of its pages is this consumer's any more (or on shutdown, by the caller). */
  readonly drop: AbortController;
  /** Whether a page of the batch is still wanted: its partition is still this consumer's. */
  wanted(pageId: string): boolean;
  /** The router answered (or gave up): the batch is no longer out. */
  done(): void;
}

/**
 * One pipeline subscription's work as its consumer owns it: what waits (PendingPages) and the
 * batches out at the router. When partitions are lost, `sweep` drops their work that has not gone
 * to a provider:
 *
 *   waiting pages          taken back (the batcher and dispatcher skip them), released at once
 *   a batch out            whose every page is lost: its wait (gate, retry) is aborted, and its
 *                          pages are released when the router gives up (`release`)
 *   a mixed batch out      the router leaves the lost pages out of the call (`wanted`)
 *
 * Released work has no outcome: `ownership.dropped` tells the source it is over.
 */
export class OwnedWork {
  /** Each batch out, with its pages. */
  private readonly out = new Map<BatchOut, readonly PageWork[]>();

  constructor(
    private readonly pending: PendingPages,
    private readonly ownership: WorkOwnership,
  ) {}

  owns(work: PageWork): boolean {
    return this.ownership.owns(work.delivery);
  }

  /** Registers a batch going to the router. */
  send(works: readonly PageWork[]): BatchOut {
    const byId = new Map(works.map((w) => [w.event.pageId, w]));
    const batch: BatchOut = {
      drop: new AbortController(),
      wanted: (pageId) => {
        const w = byId.get(pageId);
        return w !== undefined && this.owns(w);
      },
      done: () => this.out.delete(batch),
    };
    this.out.set(batch, works);
    return batch;
  }

  /** Drops what lost partitions have not sent; returns how many pages and batches. */
  sweep(): { waiting: number; batches: number } {
    const waiting = this.pending.withdrawWhere((w) => !this.owns(w));
    for (const w of waiting) this.ownership.dropped(w.delivery);
    let batches = 0;
    for (const [b, works] of this.out) {
      if (b.drop.signal.aborted || works.some((w) => this.owns(w))) continue;
      b.drop.abort();
      batches += 1;
    }
    return { waiting: waiting.length, batches };
  }

  /** Pages in flight that will have no outcome: their partitions moved before a call took them. */
  release(works: readonly PageWork[]): void {
    for (const w of works) {
      this.pending.settle(w);
      this.ownership.dropped(w.delivery);
    }
  }
}
