import {
  asyncScheduler,
  BehaviorSubject,
  connect,
  filter,
  map,
  merge,
  Observable,
  tap,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { batchPages } from '../operators/batch-pages.js';
import { decodeDelivery, isPageWork } from '../operators/decode-delivery.js';
import { dedupeAndCoalesce } from '../operators/dedupe-and-coalesce.js';
import { mergeMapWithLimit } from '../operators/merge-map-with-limit.js';
import { BatchSignals } from './batch-signals.js';
import { PendingPages } from './pending-pages.js';
import type { Router } from '../router/router.js';
import type { RunStats } from '../run/run-stats.js';
import type { TagCache } from './tag-cache.js';
import type { TaggingObserver } from '../telemetry/tagging-observer.js';
import type { DedupeDecision, Delivery, Outcome } from '../model/work.js';
import { logger } from '../telemetry/log.js';
import { OWNS_EVERYTHING, type WorkOwnership } from './work-ownership.js';
import { OwnedWork } from './owned-work.js';
import { sendBatch } from './send-batch.js';
import { sizeWatch, type SizeWatch } from './size-watch.js';

const log = logger('pipeline');

/** How pages are packed into calls (batch-pages.ts) and cut to size (page-work.ts). */
export interface BatchSettings {
  /** Pages per call (TAG_SPACE_BATCH_SIZE): the size to start from; 1 pins it (rollback switch). */
  size: number;
  /** fixed keeps `size`; adaptive follows the quota that binds (batch-size-rule.ts). Absent: fixed. */
  policy?: 'fixed' | 'adaptive';
  /** The most pages an adaptive batch grows to (--max-batch-size). */
  maxSize?: number;
  /** How long a batch waits for more pages before it goes anyway. */
  lingerMs: number;
  /** Estimated prompt tokens per call at most. */
  maxPromptTokens: number;
  /** A page's text is cut to this many estimated tokens. */
  maxPageTokens: number;
}

export interface TaggingDeps {
  router: Router;
  cache: TagCache;
  stats: RunStats;
  batch: BatchSettings;
  scheduler?: SchedulerLike;
  /** Aborts calls that are holding for a provider (shutdown). */
  signal?: AbortSignal;
  /** Traces, metrics, the run report (telemetry/telemetry.ts); absent = nothing is observed. */
  observer?: TaggingObserver;
  /** Which deliveries are still this consumer's (work-ownership.ts); default: all of them, always. */
  ownership?: WorkOwnership;
}

/**
 * The tagging pipeline, edges excluded (docs/design.md, "Shape"):
 *
 *   decode+validate ─▶ dedupe/coalesce ─▶ batch (count | linger | tokens) ─▶ mergeMap(limit$) ─▶ router
 *        │ bad ▶ dead letter   │ skip / cached / tombstone                          │
 *        ▼                     ▼                                                   ▼
 *   Outcome stream (every delivery ends as exactly one Outcome; the sink writes them)
 *
 * The concurrency of the LLM stage is the router's limit$, driven by call outcomes. Batches are
 * cut only when the dispatch has a free slot (its demand), at the size the batch-size rule gives
 * then (size-watch.ts, batch-size-rule.ts, fed with every batch's router events).
 *
 * When the consumer loses partitions (ownership.lost$), their pages that have not gone out are
 * dropped at once, with no outcome: waiting ones are taken back from PendingPages (the batcher and
 * the dispatcher then skip them), a batch all of whose pages are lost stops waiting (at the gate,
 * or between retries), and the router leaves lost pages out of any call that has yet to leave.
 */
export function tagDeliveries(deps: TaggingDeps): OperatorFunction<Delivery, Outcome> {
  const { router, cache, stats, batch, scheduler = asyncScheduler, signal, observer } = deps;
  const ownership = deps.ownership ?? OWNS_EVERYTHING;

  const send = (
    pending: PendingPages,
    owned: OwnedWork,
    signals: BatchSignals | undefined,
    sizer: SizeWatch,
  ) => sendBatch({ router, cache, stats, scheduler, signal, observer }, pending, owned, signals, sizer);

  // Each subscription gets its own registry of waiting pages and batches out: two runs of one
  // pipeline never share them.
  return (deliveries) =>
    new Observable<Outcome>((subscriber) => {
      const pending = new PendingPages();
      const owned = new OwnedWork(pending, ownership);
      const signals = signal === undefined ? undefined : new BatchSignals(signal);
      const subscription = outcomes(deliveries, pending, owned, signals).subscribe(subscriber);
      subscription.add(() => signals?.dispose());
      subscription.add(
        ownership.lost$.subscribe(() => {
          try {
            const { waiting, batches } = owned.sweep();
            if (waiting + batches > 0)
              log.info({ waiting, batches }, 'dropped unsent work of lost partitions');
          } catch (err) {
            subscriber.error(err);
          }
        }),
      );
      return subscription;
    });

  function outcomes(
    deliveries: Observable<Delivery>,
    pending: PendingPages,
    owned: OwnedWork,
    signals: BatchSignals | undefined,
  ): Observable<Outcome> {
    const sizer = sizeWatch(batch, router, scheduler);
    // How many batches the dispatch would start now: batches are cut only into a free slot.
    const demand$ = new BehaviorSubject(0);
    return deliveries.pipe(
      tap((d) => {
        stats.received();
        observer?.received?.(d);
      }),
      map((d) => decodeDelivery(d, { maxPageTokens: batch.maxPageTokens })),
      connect((decoded$) => {
        const invalid$ = decoded$.pipe(filter((x): x is Outcome => !isPageWork(x)));
        const decided$ = decoded$.pipe(filter(isPageWork), dedupeAndCoalesce(cache, { pending, scheduler }));
        return merge(
          invalid$,
          decided$.pipe(
            connect((decisions$) =>
              merge(
                decisions$.pipe(filter((d): d is Outcome => d.kind !== 'needs_tags')),
                decisions$.pipe(
                  filter(
                    (d): d is Extract<DedupeDecision, { kind: 'needs_tags' }> => d.kind === 'needs_tags',
                  ),
                  map((d) => d.work),
                  batchPages({
                    maxPages: (waiting) => sizer.size(waiting),
                    lingerMs: batch.lingerMs,
                    maxPromptTokens: batch.maxPromptTokens,
                    scheduler,
                    isLive: (w) => pending.isWaiting(w),
                    demand$,
                    onCut: (pages, waiting) => sizer.cut(pages, waiting),
                  }),
                  mergeMapWithLimit(send(pending, owned, signals, sizer), router.limit$, {
                    demand: (wanted) => demand$.next(wanted),
                  }),
                ),
              ),
            ),
          ),
        );
      }),
    );
  }
}
