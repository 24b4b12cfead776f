import { catchError, defer, EMPTY, filter, from, mergeMap, type Observable, type SchedulerLike } from 'rxjs';
import { TagspaceError } from '../model/errors.js';
import { PROMPT_VERSION } from '../model/prompt.js';
import { buildTagRecord, type TagRecord } from '../model/tag-record.js';
import type { Outcome, PageWork } from '../model/work.js';
import type { PageTagResult, Router, RouterPage } from '../router/router.js';
import type { RunStats } from '../run/run-stats.js';
import type { BatchObserver, TaggingObserver } from '../telemetry/tagging-observer.js';
import type { BatchSignals } from './batch-signals.js';
import type { OwnedWork, BatchOut } from './owned-work.js';
import { claimBatch, type PendingPages } from './pending-pages.js';
import { settleFailed, settleTagged } from './settle-work.js';
import type { TagCache } from './tag-cache.js';
import type { SizeWatch } from './size-watch.js';
import type { RouterEvent } from '../model/router-event.js';

export interface SendDeps {
  router: Router;
  cache: TagCache;
  stats: RunStats;
  scheduler: SchedulerLike;
  /** Aborts calls that are holding for a provider (shutdown); each batch hears it through BatchSignals. */
  signal: AbortSignal | undefined;
  observer: TaggingObserver | undefined;
}

/**
 * Sends a batch of pages to the router (at dispatch, from mergeMapWithLimit) and turns its answer
 * into outcomes, one per page:
 *
 *   claimed     only the pages still waiting go (a superseded one was reported as coalesced; one
 *               whose partition moved was taken back by OwnedWork.sweep)
 *   tags        settleTagged (a TagRecord, or stale when a newer version was tagged meanwhile)
 *   failed      settleFailed (a dead letter)
 *   dropped     no outcome: its partition moved before a call took it (the router left it out, or
 *               the batch's wait was ended because none of its pages is this consumer's)
 *
 * A page without a result is a bug in the router, stopped on as one.
 */
export function sendBatch(
  deps: SendDeps,
  pending: PendingPages,
  owned: OwnedWork,
  signals: BatchSignals | undefined,
  /** The batch-size rule, fed with each batch's router events (tag-deliveries.ts). */
  sizer?: SizeWatch,
): (pages: PageWork[]) => Observable<Outcome> {
  const { router, cache, stats, scheduler, signal, observer } = deps;
  /** The batch's wait ended because none of its pages is this consumer's any more, not for a shutdown. */
  const dropped = (batchOut: BatchOut) => batchOut.drop.signal.aborted && signal?.aborted !== true;

  const observed = (
    request: RouterPage[],
    watch: BatchObserver | undefined,
    batchOut: BatchOut,
  ): Promise<PageTagResult[]> => {
    const sizing = sizer?.listener();
    const onEvent =
      sizing === undefined
        ? watch === undefined
          ? undefined
          : (e: RouterEvent) => watch.event(e)
        : (e: RouterEvent) => {
            sizing(e);
            watch?.event(e);
          };
    const opts = {
      signal: batchOut.drop.signal,
      wanted: batchOut.wanted,
      ...(onEvent !== undefined && { onEvent }),
    };
    if (watch === undefined) return router.tagBatch(request, opts);
    return router.tagBatch(request, opts).then(
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

  function settle(result: PageTagResult, byId: Map<string, PageWork>): Outcome | undefined {
    const work = byId.get(result.pageId);
    if (work === undefined) return undefined;
    if ('dropped' in result) {
      owned.release([work]);
      return undefined;
    }
    if (!result.ok) return settleFailed(pending, work, result.error, result.attempts);
    return settleTagged(cache, pending, work, toRecord(work, result, scheduler.now()));
  }

  return (pages: PageWork[]): Observable<Outcome> =>
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
          return results.map((r) => settle(r, byId));
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
}

function toRecord(work: PageWork, result: Extract<PageTagResult, { ok: true }>, now: number): TagRecord {
  const source = {
    tags: result.tags,
    provider: result.provider,
    model: result.model,
    promptVersion: PROMPT_VERSION,
  };
  const taggedAt = new Date(now).toISOString();
  return buildTagRecord(work, source, { cached: false, taggedAt, spilled: result.spilled === true });
}
