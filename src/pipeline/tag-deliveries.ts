import {
  asyncScheduler,
  catchError,
  connect,
  defer,
  EMPTY,
  filter,
  from,
  map,
  merge,
  mergeMap,
  Observable,
  tap,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { TagspaceError } from '../model/errors.js';
import { batchPages } from '../operators/batch-pages.js';
import { decodeDelivery, isPageWork } from '../operators/decode-delivery.js';
import { dedupeAndCoalesce } from '../operators/dedupe-and-coalesce.js';
import { mergeMapWithLimit } from '../operators/merge-map-with-limit.js';
import { BatchSignals } from './batch-signals.js';
import { claimBatch, PendingPages } from './pending-pages.js';
import { settleFailed, settleTagged } from './settle-work.js';
import { PROMPT_VERSION } from '../model/prompt.js';
import type { PageTagResult, Router, RouterPage } from '../router/router.js';
import type { RunStats } from '../run/run-stats.js';
import type { TagCache } from './tag-cache.js';
import type { BatchObserver, TaggingObserver } from '../telemetry/tagging-observer.js';
import { buildTagRecord, type TagRecord } from '../model/tag-record.js';
import type { DedupeDecision, Delivery, Outcome, PageWork } from '../model/work.js';
import { logger } from '../telemetry/log.js';
import { OWNS_EVERYTHING, type WorkOwnership } from './work-ownership.js';
import { OwnedWork, type BatchOut } from './owned-work.js';

const log = logger('pipeline');

/** How pages are packed into calls (batch-pages.ts) and cut to size (page-work.ts). */
export interface BatchSettings {
  /** Pages per call at most (TAG_SPACE_BATCH_SIZE). */
  size: number;
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
 * The concurrency of the LLM stage is the router's limit$, driven by call outcomes.
 *
 * When the consumer loses partitions (ownership.lost$), their pages that have not gone out are
 * dropped at once, with no outcome: waiting ones are taken back from PendingPages (the batcher and
 * the dispatcher then skip them), a batch all of whose pages are lost stops waiting (at the gate,
 * or between retries), and the router leaves lost pages out of any call that has yet to leave.
 */
export function tagDeliveries(deps: TaggingDeps): OperatorFunction<Delivery, Outcome> {
  const { router, cache, stats, batch, scheduler = asyncScheduler, signal, observer } = deps;
  const ownership = deps.ownership ?? OWNS_EVERYTHING;

  const callRouter =
    (pending: PendingPages, owned: OwnedWork, signals: BatchSignals | undefined) =>
    (pages: PageWork[]): Observable<Outcome> =>
      defer(() => {
        // A page superseded while its batch queued was already reported as coalesced; one whose
        // partition moved meanwhile was taken back by the sweep.
        const live = claimBatch(pending, pages);
        if (live.length === 0) return EMPTY;
        stats.batch();
        const byId = new Map(live.map((w) => [w.event.pageId, w]));
        const request = live.map((w) => ({ pageId: w.event.pageId, title: w.event.title, text: w.text }));
        const batchOut = owned.send(live);
        // A shutdown reaches the batch through its own signal: the run's signal carries one listener.
        const own = signals?.batch();
        own?.signal.addEventListener('abort', () => batchOut.drop.abort(own.signal.reason), { once: true });
        if (own?.signal.aborted === true) batchOut.drop.abort(own.signal.reason);
        const answered = observed(request, observer?.batch?.(live), batchOut).finally(() => {
          batchOut.done();
          own?.close();
        });
        return from(answered).pipe(
          mergeMap((results) => {
            // One result per page is the router's contract; a page without one would never be
            // committed, so a gap is a bug to stop on, not something to paper over.
            const answered = new Set(results.map((r) => r.pageId));
            const missing = live.filter((w) => !answered.has(w.event.pageId));
            if (missing.length > 0) {
              throw new TagspaceError(
                'internal',
                `router returned no result for page(s) ${missing.map((w) => w.event.pageId).join(', ')}`,
              );
            }
            return results.map((r) => settle(pending, owned, r, byId));
          }),
          filter((o): o is Outcome => o !== undefined),
          catchError((err: unknown) => {
            // Its wait ended because none of its pages is ours any more, not for a shutdown.
            if (!dropped(batchOut)) throw err;
            owned.release(live);
            return EMPTY;
          }),
        );
      });

  /** The batch's wait ended because none of its pages is this consumer's any more, not for a shutdown. */
  const dropped = (batchOut: BatchOut) => batchOut.drop.signal.aborted && signal?.aborted !== true;

  const observed = (
    request: RouterPage[],
    watch: BatchObserver | undefined,
    batchOut: BatchOut,
  ): Promise<PageTagResult[]> => {
    const opts = { signal: batchOut.drop.signal, wanted: batchOut.wanted };
    if (watch === undefined) return router.tagBatch(request, opts);
    return router.tagBatch(request, { ...opts, onEvent: (e) => watch.event(e) }).then(
      (results) => {
        watch.end();
        return results;
      },
      (err: unknown) => {
        watch.end(dropped(batchOut) ? undefined : err);
        throw err;
      },
    );
  };

  const settle = (
    pending: PendingPages,
    owned: OwnedWork,
    result: PageTagResult,
    byId: Map<string, PageWork>,
  ): Outcome | undefined => {
    const work = byId.get(result.pageId);
    if (work === undefined) return undefined;
    if ('dropped' in result) {
      owned.release([work]);
      return undefined;
    }
    if (!result.ok) return settleFailed(pending, work, result.error, result.attempts);
    return settleTagged(cache, pending, work, toRecord(work, result, scheduler.now()));
  };

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
                    maxPages: batch.size,
                    lingerMs: batch.lingerMs,
                    maxPromptTokens: batch.maxPromptTokens,
                    scheduler,
                    isLive: (w) => pending.isWaiting(w),
                  }),
                  mergeMapWithLimit(callRouter(pending, owned, signals), router.limit$),
                ),
              ),
            ),
          ),
        );
      }),
    );
  }
}

function toRecord(work: PageWork, result: Extract<PageTagResult, { ok: true }>, now: number): TagRecord {
  const source = {
    tags: result.tags,
    provider: result.provider,
    model: result.model,
    promptVersion: PROMPT_VERSION,
  };
  return buildTagRecord(work, source, { cached: false, taggedAt: new Date(now).toISOString() });
}
