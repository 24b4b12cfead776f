import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { PageWork } from '../model/work.js';
import { PROMPT_OVERHEAD_TOKENS } from '../model/estimate-tokens.js';

export interface BatchOptions {
  /**
   * TAG_SPACE_BATCH_SIZE: at most this many pages per prompt (1 = no batching). A function is
   * asked each time a batch is cut, with how many pages wait to be cut, so the size can follow
   * what the calls meet and the backlog.
   */
  maxPages: number | ((waiting: number) => number);
  /** A partial batch is sent this long after its first page arrived. */
  lingerMs: number;
  /** A batch's estimated prompt (overhead + its pages' tokens) stays within this. */
  maxPromptTokens: number;
  scheduler?: SchedulerLike;
  /** False for work that no longer wants tags (PendingPages.isWaiting): dropped, never sent. */
  isLive?: (work: PageWork) => boolean;
  /** Tokens of the prompt around the pages; default PROMPT_OVERHEAD_TOKENS. */
  overheadTokens?: number;
  /**
   * How many batches the consumer would take now (mergeMapWithLimit's free slots); absent =
   * always. While it is 0 the pages wait here, so a batch is cut when it can leave, at the size
   * of that moment — not queued downstream at the size of when its pages came.
   */
  demand$?: Observable<number>;
  /** Told of every batch cut: its pages, and how many pages still wait behind it. */
  onCut?: (pages: number, waiting: number) => void;
}

/**
 * Packs pages into prompts. While the consumer wants a batch (demand > 0), one is cut from the
 * oldest waiting pages when the first of these holds:
 *
 *   count    the oldest live pages fill maxPages()
 *   tokens   overhead + Σ tokens + tokens(next) > maxPromptTokens   (`next` waits for the next batch)
 *   linger   lingerMs have passed since the oldest page arrived       (one lone edit is not stuck)
 *   end      the source completed                                    (whatever is left)
 *
 * A page alone over the budget still travels alone (toPageWork has cut it to the per-page budget).
 * Pages that stopped being live while waiting are dropped, and a batch left empty is not emitted.
 * Pages that arrive together are looked at once the burst is in (a zero-delay task), so `onCut`
 * sees the backlog behind each batch.
 * It completes once the source has and every page has gone. Errors go downstream at once, a throw
 * in a handler too; teardown clears the linger timer.
 */
export function batchPages(opts: BatchOptions): OperatorFunction<PageWork, PageWork[]> {
  const { maxPages } = opts;
  const size = typeof maxPages === 'function' ? maxPages : () => maxPages;
  const scheduler = opts.scheduler ?? asyncScheduler;
  const overhead = opts.overheadTokens ?? PROMPT_OVERHEAD_TOKENS;
  const isLive = opts.isLive ?? (() => true);

  return (source) =>
    new Observable<PageWork[]>((subscriber) => {
      let queue: { work: PageWork; at: number }[] = [];
      let head = 0;
      let demand = opts.demand$ === undefined ? Number.POSITIVE_INFINITY : 0;
      let ended = false;
      let timer: { at: number; sub: Subscription } | undefined;
      let soon: Subscription | undefined;
      let pumping = false;

      // A throw in a handler (isLive and maxPages are the caller's code) goes downstream as an
      // error, as in RxJS's own operators, instead of escaping to the unhandled-error hook.
      const guard =
        <A extends unknown[]>(fn: (...args: A) => void) =>
        (...args: A): void => {
          try {
            fn(...args);
          } catch (err) {
            subscriber.error(err);
          }
        };

      /** The next batch from the oldest page on, and whether count or tokens say it is full. */
      const nextBatch = (): { batch: PageWork[]; end: number; full: boolean } => {
        const max = Math.max(1, Math.floor(size(queue.length - head)));
        const batch: PageWork[] = [];
        let tokens = overhead;
        let i = head;
        for (; i < queue.length && batch.length < max; i++) {
          const { work } = queue[i] as { work: PageWork };
          // Superseded pages must not crowd live ones out of a batch's count or token budget.
          if (!isLive(work)) continue;
          if (batch.length > 0 && tokens + work.tokens > opts.maxPromptTokens) {
            return { batch, end: i, full: true };
          }
          batch.push(work);
          tokens += work.tokens;
        }
        return { batch, end: i, full: batch.length >= max };
      };

      const take = (end: number): void => {
        head = end;
        if (head >= queue.length) {
          queue = [];
          head = 0;
        } else if (head > 1024 && head * 2 > queue.length) {
          queue = queue.slice(head);
          head = 0;
        }
      };

      const pump = (): void => {
        if (pumping) return;
        pumping = true;
        try {
          while (!subscriber.closed && demand > 0 && head < queue.length) {
            const { batch, end, full } = nextBatch();
            const oldest = queue[head] as { at: number };
            if (!full && !ended && batch.length > 0 && scheduler.now() - oldest.at < opts.lingerMs) break;
            take(end);
            if (batch.length === 0) continue;
            demand -= 1;
            opts.onCut?.(batch.length, queue.length - head);
            subscriber.next(batch);
          }
        } finally {
          pumping = false;
        }
        if (subscriber.closed) return;
        if (ended && head >= queue.length) {
          timer?.sub.unsubscribe();
          subscriber.complete();
          return;
        }
        arm();
      };

      /** The linger timer of the oldest page, while a batch could leave. */
      const arm = (): void => {
        const oldest = queue[head];
        const at = demand > 0 && oldest !== undefined ? oldest.at + Math.max(0, opts.lingerMs) : undefined;
        if (timer !== undefined && timer.at === at) return;
        timer?.sub.unsubscribe();
        timer = undefined;
        if (at === undefined) return;
        const sub = scheduler.schedule(
          guard(() => {
            timer = undefined;
            pump();
          }),
          Math.max(0, at - scheduler.now()),
        );
        timer = { at, sub };
      };

      const demandSub = opts.demand$?.subscribe({
        next: guard((wanted: number) => {
          demand = wanted;
          pump();
        }),
        error: (err: unknown) => subscriber.error(err),
      });

      const subscription = source.subscribe({
        // Pages that come together (a fetched batch of messages) are looked at together, once the
        // burst is in: a batch cut then sees how many pages wait behind it.
        next: guard((work: PageWork) => {
          queue.push({ work, at: scheduler.now() });
          soon ??= scheduler.schedule(
            guard(() => {
              soon = undefined;
              pump();
            }),
          );
        }),
        error: (err: unknown) => subscriber.error(err),
        complete: guard(() => {
          ended = true;
          pump();
        }),
      });

      return () => {
        timer?.sub.unsubscribe();
        soon?.unsubscribe();
        demandSub?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
