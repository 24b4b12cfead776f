import { from, mergeMap, type Observable } from 'rxjs';
import { asTagspaceError, TagspaceError } from '../model/errors.js';
import type { Delivery } from '../model/work.js';
import { logger } from '../telemetry/log.js';
import type { ConfluenceApi } from './confluence-api.js';
import type { LabelOwnership, LabelTarget } from './label-ownership.js';
import type { LabelPlan } from './label-plan.js';
import { syncPageLabels } from './label-writer.js';

const log = logger('labels');

/**
 * The labels job's core, without its Kafka edges: each tags-topic message (decoded to a target,
 * or the error that makes it a dead letter) ends as exactly one of
 *
 *   superseded    a newer message of its page arrived before it started (only the newest is written)
 *   settled       nothing to do (label-ownership.ts), no call made
 *   trashed       the page is in the trash: nothing written
 *   synced        labels written (or already right), then the new ownership recorded
 *   dead letter   the page is gone or forbidden, or the message is not a TagRecord
 *
 * and only then is it `finished` (its offset may be committed). Messages of one page are handled
 * in order, one at a time; pages in parallel up to `concurrency` (the gate paces the calls).
 * Confluence being unavailable, even after the client's retries, is waited out page by page;
 * refused credentials end the stream with that error.
 */
export interface LabelMessage {
  delivery: Delivery;
  target: LabelTarget | TagspaceError;
}

export interface LabelSyncPorts {
  api: ConfluenceApi;
  /** What tagspace owns, by pageId (restored from the labels state topic). */
  ownership: Map<string, LabelOwnership>;
  /** Records the ownership (null: forget the page); resolves once durable. */
  record(pageId: string, ownership: LabelOwnership | null): Promise<void>;
  deadLetter(delivery: Delivery, error: TagspaceError): Promise<void>;
  finished(delivery: Delivery): void;
}

export interface LabelSyncOptions {
  dryRun: boolean;
  concurrency: number;
  now?: () => number;
  signal?: AbortSignal;
  /** Hears each planned change (the dry run prints them). */
  onPlan?: (target: LabelTarget, plan: LabelPlan) => void;
  /** How long to wait before trying a page again while Confluence is unavailable. */
  unavailableWaitMs?: number;
}

export interface LabelStats {
  messages: number;
  superseded: number;
  settled: number;
  trashed: number;
  synced: number;
  pagesWritten: number;
  labelsAdded: number;
  labelsRemoved: number;
  personalKept: number;
  deadLettered: number;
}

export function newLabelStats(): LabelStats {
  return {
    messages: 0,
    superseded: 0,
    settled: 0,
    trashed: 0,
    synced: 0,
    pagesWritten: 0,
    labelsAdded: 0,
    labelsRemoved: 0,
    personalKept: 0,
    deadLettered: 0,
  };
}

export function syncLabels(
  messages$: Observable<LabelMessage>,
  ports: LabelSyncPorts,
  opts: LabelSyncOptions,
  stats: LabelStats = newLabelStats(),
): Observable<LabelMessage> {
  const now = opts.now ?? Date.now;
  const chains = new Map<string, Promise<void>>();
  const newest = new Map<string, Delivery>();

  const handle = async (m: LabelMessage): Promise<void> => {
    stats.messages++;
    const { target } = m;
    if (target instanceof TagspaceError) {
      stats.deadLettered++;
      await ports.deadLetter(m.delivery, target);
      return;
    }
    if (newest.get(target.pageId) !== m.delivery) {
      stats.superseded++;
      return;
    }
    for (;;) {
      try {
        await apply(target);
        return;
      } catch (err) {
        const e = asTagspaceError(err);
        if (e.kind === 'not_found' || e.kind === 'forbidden' || e.kind === 'bad_request') {
          stats.deadLettered++;
          log.warn({ pageId: target.pageId, kind: e.kind, err: e.message }, 'page dead-lettered');
          await ports.deadLetter(m.delivery, e);
          return;
        }
        if (!e.retriable || opts.signal?.aborted === true) throw e;
        log.warn(
          { pageId: target.pageId, kind: e.kind, err: e.message },
          'confluence unavailable; trying the page again',
        );
        await wait(opts.unavailableWaitMs ?? 5_000, opts.signal);
      }
    }
  };

  const apply = async (target: LabelTarget): Promise<void> => {
    const owned = ports.ownership.get(target.pageId);
    const result = await syncPageLabels(ports.api, owned, target, {
      dryRun: opts.dryRun,
      now,
      ...(opts.signal && { signal: opts.signal }),
    });
    if (result.kind === 'settled') stats.settled++;
    else if (result.kind === 'trashed') stats.trashed++;
    else {
      stats.synced++;
      const { plan } = result;
      stats.personalKept += plan.personal.length;
      if (plan.add.length > 0 || plan.remove.length > 0) opts.onPlan?.(target, plan);
      if (opts.dryRun) return;
      if (result.wrote) {
        stats.pagesWritten++;
        stats.labelsAdded += plan.add.length;
        stats.labelsRemoved += plan.remove.length;
        log.debug({ pageId: target.pageId, add: plan.add, remove: plan.remove }, 'labels written');
      }
      await ports.record(target.pageId, result.ownership);
      if (result.ownership === null) ports.ownership.delete(target.pageId);
      else ports.ownership.set(target.pageId, result.ownership);
    }
  };

  return (messages$ as Observable<LabelMessage>).pipe(
    mergeMap(
      (m) => {
        const pageId = m.target instanceof TagspaceError ? undefined : m.target.pageId;
        if (pageId !== undefined) newest.set(pageId, m.delivery);
        const before = pageId === undefined ? Promise.resolve() : (chains.get(pageId) ?? Promise.resolve());
        const run = before.then(() => handle(m));
        if (pageId !== undefined) {
          const settled = run.catch(() => undefined);
          chains.set(pageId, settled);
          void settled.then(() => {
            if (chains.get(pageId) === settled) chains.delete(pageId);
            if (newest.get(pageId) === m.delivery) newest.delete(pageId);
          });
        }
        return from(
          run.then(() => {
            ports.finished(m.delivery);
            return m;
          }),
        );
      },
      Math.max(1, opts.concurrency),
    ),
  );
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
