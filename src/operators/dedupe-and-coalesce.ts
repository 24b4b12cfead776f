import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { buildTagRecord, type TagRecord, type TagSource } from '../model/tag-record.js';
import type { DedupeDecision, Outcome, PageWork } from '../model/work.js';

/** What is known of a page version: older or equal to one tagged, content already tagged, or new. */
export type CacheLookup =
  | { kind: 'stale'; lastVersion: number }
  | { kind: 'duplicate'; lastVersion: number }
  | { kind: 'hit'; record: TagSource; source: 'page' | 'content' }
  | { kind: 'miss' };

/** What the operator needs of the tag cache (pipeline/tag-cache.ts). */
export interface TagMemory {
  lookup(work: PageWork): CacheLookup;
  /** Remembers a record; false when a newer version of the page is already known. */
  remember(work: PageWork, record: TagRecord): boolean;
  remove(pageId: string, version: number): void;
}

/** What the operator needs of the registry of waiting work (pipeline/pending-pages.ts). */
export interface WaitingPages {
  newestVersion(pageId: string): number | undefined;
  /** Registers `work` as its page's waiting version; returns the waiting version it replaces. */
  enqueue(work: PageWork): PageWork | undefined;
  /** Takes back the waiting version of a page; returns it, if one waited. */
  withdraw(pageId: string): PageWork | undefined;
}

export interface DedupeOptions {
  /** The registry of waiting work, shared with the batcher and the dispatcher. */
  pending: WaitingPages;
  /** Clock for the `taggedAt` of cached records. */
  scheduler?: SchedulerLike;
}

/**
 * Decides, for each page version, whether it needs the LLM, in arrival order:
 *
 *   page_removed                        → tombstone (the page leaves the cache; a waiting version
 *                                         of it is skipped as coalesced)
 *   version < newest waiting/in flight  → skipped: stale        = that version  → skipped: duplicate
 *   cache: stale | duplicate            → skipped: stale | duplicate
 *   cache: hit (same content known)     → tagged from the cache, cached: true, no LLM call
 *   cache: miss                         → needs_tags; it becomes its page's waiting version
 *
 * and whenever a newer version replaces a waiting one (needs_tags, a cache hit or a removal), the
 * replaced one is emitted at once as skipped: coalesced — with its own delivery, so its offset can
 * be committed — and the batcher and dispatcher drop it when they meet it (PendingPages). So every
 * input ends as exactly one Outcome, and of a burst of versions only the newest costs an LLM slot.
 * Cached records are remembered at once, so a redelivery of them is a duplicate.
 */
export function dedupeAndCoalesce(
  cache: TagMemory,
  opts: DedupeOptions,
): OperatorFunction<PageWork, DedupeDecision> {
  const { pending } = opts;
  const scheduler = opts.scheduler ?? asyncScheduler;

  const coalesced = (work: PageWork | undefined): Outcome[] =>
    work === undefined ? [] : [skipped(work, 'coalesced')];

  const decide = (work: PageWork): DedupeDecision[] => {
    const { pageId, version } = work.event;
    if (work.event.type === 'page_removed') {
      const withdrawn = pending.withdraw(pageId);
      cache.remove(pageId, version);
      return [...coalesced(withdrawn), { kind: 'tombstone', delivery: work.delivery, pageId }];
    }
    const newest = pending.newestVersion(pageId);
    if (newest !== undefined && version <= newest)
      return [skipped(work, version < newest ? 'stale' : 'duplicate')];
    const found = cache.lookup(work);
    switch (found.kind) {
      case 'stale':
      case 'duplicate':
        return [skipped(work, found.kind)];
      case 'hit': {
        const taggedAt = new Date(scheduler.now()).toISOString();
        const record = buildTagRecord(work, found.record, { cached: true, taggedAt });
        cache.remember(work, record);
        return [...coalesced(pending.withdraw(pageId)), { kind: 'tagged', delivery: work.delivery, record }];
      }
      case 'miss':
        return [...coalesced(pending.enqueue(work)), { kind: 'needs_tags', work }];
    }
  };

  return (source) =>
    new Observable<DedupeDecision>((subscriber) =>
      source.subscribe({
        next: (work) => {
          let decisions: DedupeDecision[];
          try {
            decisions = decide(work);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          for (const decision of decisions) subscriber.next(decision);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}

function skipped(work: PageWork, reason: 'stale' | 'duplicate' | 'coalesced'): Outcome {
  return { kind: 'skipped', delivery: work.delivery, pageId: work.event.pageId, reason };
}
