import type { RouterEvent } from '../model/router-event.js';
import type { Delivery, Outcome, PageWork } from '../model/work.js';

/**
 * What the tagging pipeline tells whoever watches a run (traces, metrics, the run report). Every
 * hook is optional and the pipeline calls none when no observer is given, so a run that watches
 * nothing pays nothing.
 *
 *   received(d)     an event entered the pipeline
 *   batch(pages)    a batch goes to the router; its hooks hear the router's events and its end
 *   written(o)      an outcome is durable (called by the command, after the sink confirmed it)
 */
export interface TaggingObserver {
  received?(delivery: Delivery): void;
  batch?(pages: readonly PageWork[]): BatchObserver;
  written?(outcome: Outcome): void;
}

export interface BatchObserver {
  event(e: RouterEvent): void;
  /** The router answered the batch (error: it rejected, e.g. on shutdown). Called exactly once. */
  end(error?: unknown): void;
}

/** One observer that tells each of `observers` in turn; undefined when there is none. */
export function combineObservers(
  observers: readonly (TaggingObserver | undefined)[],
): TaggingObserver | undefined {
  const all = observers.filter((o): o is TaggingObserver => o !== undefined);
  if (all.length === 0) return undefined;
  if (all.length === 1) return all[0];
  const receivers = all.filter((o) => o.received !== undefined);
  const batchers = all.filter((o) => o.batch !== undefined);
  const writers = all.filter((o) => o.written !== undefined);
  return {
    received: (d) => {
      for (const o of receivers) o.received?.(d);
    },
    batch: (pages) => {
      const each = batchers.map((o) => o.batch?.(pages) as BatchObserver);
      return {
        event: (e) => {
          for (const b of each) b.event(e);
        },
        end: (error) => {
          for (const b of each) b.end(error);
        },
      };
    },
    written: (outcome) => {
      for (const o of writers) o.written?.(outcome);
    },
  };
}
