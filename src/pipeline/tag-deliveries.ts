import {
  asyncScheduler,
  connect,
  defer,
  EMPTY,
  filter,
  finalize,
  from,
  map,
  merge,
  mergeMap,
  tap,
  type Observable,
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
 */
export function tagDeliveries(deps: TaggingDeps): OperatorFunction<Delivery, Outcome> {
  const { router, cache, stats, batch, scheduler = asyncScheduler, signal, observer } = deps;
  const callRouter =
    (pending: PendingPages, signals: BatchSignals | undefined) =>
    (pages: PageWork[]): Observable<Outcome> =>
      defer(() => {
        // A page superseded while its batch queued was already reported as coalesced.
        const live = claimBatch(pending, pages);
        if (live.length === 0) return EMPTY;
        stats.batch();
        const byId = new Map(live.map((w) => [w.event.pageId, w]));
        const request = live.map((w) => ({ pageId: w.event.pageId, title: w.event.title, text: w.text }));
        const own = signals?.batch();
        return from(observed(request, own?.signal, observer?.batch?.(live))).pipe(
          finalize(() => own?.close()),
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
            return results.map((r) => settle(pending, r, byId));
          }),
          filter((o): o is Outcome => o !== undefined),
        );
      });

  const observed = (
    request: RouterPage[],
    signal: AbortSignal | undefined,
    watch: BatchObserver | undefined,
  ): Promise<PageTagResult[]> => {
    if (watch === undefined) return router.tagBatch(request, signal === undefined ? {} : { signal });
    return router.tagBatch(request, { signal, onEvent: (e) => watch.event(e) }).then(
      (results) => {
        watch.end();
        return results;
      },
      (err: unknown) => {
        watch.end(err);
        throw err;
      },
    );
  };

  const settle = (
    pending: PendingPages,
    result: PageTagResult,
    byId: Map<string, PageWork>,
  ): Outcome | undefined => {
    const work = byId.get(result.pageId);
    if (work === undefined) return undefined;
    if (!result.ok) return settleFailed(pending, work, result.error, result.attempts);
    return settleTagged(cache, pending, work, toRecord(work, result, scheduler.now()));
  };

  // Each subscription gets its own registry of waiting pages: two runs of one pipeline never share it.
  return (deliveries) =>
    defer(() => {
      const pending = new PendingPages();
      const signals = signal === undefined ? undefined : new BatchSignals(signal);
      return deliveries.pipe(
        finalize(() => signals?.dispose()),
        tap((d) => {
          stats.received();
          observer?.received?.(d);
        }),
        map((d) => decodeDelivery(d, { maxPageTokens: batch.maxPageTokens })),
        connect((decoded$) => {
          const invalid$ = decoded$.pipe(filter((x): x is Outcome => !isPageWork(x)));
          const decided$ = decoded$.pipe(
            filter(isPageWork),
            dedupeAndCoalesce(cache, { pending, scheduler }),
          );
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
                    mergeMapWithLimit(callRouter(pending, signals), router.limit$),
                  ),
                ),
              ),
            ),
          );
        }),
      );
    });
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
