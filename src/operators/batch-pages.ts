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
  /** TAG_SPACE_BATCH_SIZE: at most this many pages per prompt (1 = no batching). */
  maxPages: number;
  /** A partial batch is sent this long after its first page arrived. */
  lingerMs: number;
  /** A batch's estimated prompt (overhead + its pages' tokens) stays within this. */
  maxPromptTokens: number;
  scheduler?: SchedulerLike;
  /** False for work that no longer wants tags (PendingPages.isWaiting): dropped, never sent. */
  isLive?: (work: PageWork) => boolean;
  /** Tokens of the prompt around the pages; default PROMPT_OVERHEAD_TOKENS. */
  overheadTokens?: number;
}

/**
 * Packs pages into prompts. A batch is emitted when the first of these holds:
 *
 *   count    |batch| = maxPages
 *   tokens   overhead + Σ tokens + tokens(next) > maxPromptTokens   (emitted before `next` joins)
 *   linger   lingerMs have passed since the batch's first page       (one lone edit is not stuck)
 *   end      the source completed                                    (whatever is left)
 *
 * A page alone over the budget still travels alone (toPageWork has cut it to the per-page budget).
 * Pages that stopped being live while buffered are dropped, and a batch left empty is not emitted.
 * Errors go downstream at once; teardown clears the linger timer.
 */
export function batchPages(opts: BatchOptions): OperatorFunction<PageWork, PageWork[]> {
  const maxPages = Math.max(1, Math.floor(opts.maxPages));
  const scheduler = opts.scheduler ?? asyncScheduler;
  const overhead = opts.overheadTokens ?? PROMPT_OVERHEAD_TOKENS;
  const isLive = opts.isLive ?? (() => true);

  return (source) =>
    new Observable<PageWork[]>((subscriber) => {
      let buffer: PageWork[] = [];
      let tokens = overhead;
      let timer: Subscription | undefined;

      // A throw in a handler (isLive is the caller's code) goes downstream as an error, as in
      // RxJS's own operators, instead of escaping to the unhandled-error hook.
      const guard =
        <A extends unknown[]>(fn: (...args: A) => void) =>
        (...args: A): void => {
          try {
            fn(...args);
          } catch (err) {
            subscriber.error(err);
          }
        };

      const flush = (): void => {
        timer?.unsubscribe();
        timer = undefined;
        const batch = buffer.filter(isLive);
        buffer = [];
        tokens = overhead;
        if (batch.length > 0) subscriber.next(batch);
      };

      const prune = (): void => {
        // Superseded pages must not crowd live ones out of a batch's count or token budget.
        const live = buffer.filter(isLive);
        if (live.length === buffer.length) return;
        buffer = live;
        tokens = live.reduce((sum, w) => sum + w.tokens, overhead);
        if (buffer.length === 0) {
          timer?.unsubscribe();
          timer = undefined;
        }
      };

      const subscription = source.subscribe({
        next: guard((work: PageWork) => {
          prune();
          if (buffer.length > 0 && tokens + work.tokens > opts.maxPromptTokens) flush();
          buffer.push(work);
          tokens += work.tokens;
          if (buffer.length >= maxPages) flush();
          else timer ??= scheduler.schedule(guard(flush), Math.max(0, opts.lingerMs));
        }),
        error: (err: unknown) => subscriber.error(err),
        complete: guard(() => {
          flush();
          subscriber.complete();
        }),
      });

      return () => {
        timer?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
