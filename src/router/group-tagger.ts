import { defer, lastValueFrom, Observable, race } from 'rxjs';
import { abortedError, asTagspaceError, TagspaceError, type ErrorKind } from '../model/errors.js';
import { retryWithBackoff } from '../operators/retry-with-backoff.js';
import type { Accepted, BatchContext, GroupState, GroupTaggerDeps } from './group-state.js';
import type { ProviderSlot } from './provider-slot.js';
import { callProvider, emitTransitions } from './provider-call.js';

/**
 * Gets one answer for a group of pages: one retry loop (retryWithBackoff) owns every attempt, and
 * an attempt moves on to the next provider at once when the one it called is done for this group:
 *
 *   done(p) ⇔ p unusable (auth, config) ∨ breaker(p) not closed ∨ failures(p) > backoff.maxRetries
 *
 *   rate_limited, overloaded, timeout, quota_exhausted, no provider now → retry after
 *       max(backoff(attempt), hint) — unbounded: a group waits for a provider, it is not failed
 *   malformed, truncated, nothing attributed → retry once (a lone page: maxRetries times)
 *   anything else → no retry: the caller splits the group or fails the page
 *
 * An answer is accepted page by page (answer-validation.ts); what it leaves out comes back as
 * `unanswered` (ask again together) and `suspects` (ask again one by one).
 */
/** Malformed, truncated or unattributed answers: retried this often before the group is split. */
const QUALITY_RETRIES = 1;
const TRANSIENT = new Set<ErrorKind>([
  'rate_limited',
  'overloaded',
  'timeout',
  'unavailable',
  'quota_exhausted',
]);
const QUALITY = new Set<ErrorKind>(['malformed_output', 'truncated_output', 'attribution']);

export class GroupTagger {
  constructor(private readonly deps: GroupTaggerDeps) {}

  tag(group: GroupState, ctx: BatchContext): Promise<Accepted> {
    const { backoff, random, scheduler, accounting, fallbackLog } = this.deps;
    const attempts$ = defer(() => this.attempt(group, ctx)).pipe(
      retryWithBackoff<Accepted>({
        // Unbounded: per-provider budgets end a provider's turn; a hold ends when one serves.
        policy: { ...backoff, maxRetries: Number.POSITIVE_INFINITY },
        shouldRetry: (err) => this.shouldRetry(err, group, ctx),
        hintMs: (err) => (err instanceof TagspaceError ? err.retryAfterMs : undefined),
        random,
        scheduler,
        onRetry: ({ attempt, delayMs, error }) => {
          const e = asTagspaceError(error);
          accounting.recordRetry();
          const provider = e.provider === 'gemini' || e.provider === 'openai' ? e.provider : undefined;
          ctx.emit({ type: 'retry', attempt, delayMs, kind: e.kind, provider, retryAfterMs: e.retryAfterMs });
          if (e.kind === 'unavailable' || this.everyProviderDone(group)) {
            ctx.emit({ type: 'hold', waitMs: delayMs, reason: e.message, pages: group.pages.length });
            // Once per group: a long hold is one line, not one per probe.
            if (!group.holding) {
              fallbackLog.warn(
                { waitMs: delayMs, pages: group.pages.length },
                'no provider can serve; holding batch',
              );
            }
            group.holding = true;
          }
        },
      }),
    );
    return lastValueFrom(abortable(attempts$, ctx.signal));
  }

  private shouldRetry(err: unknown, group: GroupState, ctx: BatchContext): boolean {
    if (ctx.signal?.aborted === true || !(err instanceof TagspaceError)) return false;
    // Nothing of the group is wanted any more: no retry, however retriable the error.
    if (!group.pages.some((p) => ctx.wanted(p.pageId))) return false;
    if (TRANSIENT.has(err.kind)) return true;
    // A lone page cannot be split: it gets the whole budget before it counts as failed.
    const budget =
      group.pages.length === 1 ? Math.max(QUALITY_RETRIES, this.deps.backoff.maxRetries) : QUALITY_RETRIES;
    return QUALITY.has(err.kind) && group.quality <= budget;
  }

  /** One attempt: the best provider for the group, and the next at once if that one is done. */
  private async attempt(group: GroupState, ctx: BatchContext): Promise<Accepted> {
    const { pool } = this.deps;
    const tried = new Set<ProviderSlot>();
    let lastError: TagspaceError | undefined;
    for (;;) {
      let picked;
      try {
        picked = pool.pick((s) => this.failuresOn(group, s) <= this.deps.backoff.maxRetries, tried);
      } finally {
        emitTransitions(pool, ctx);
      }
      if (!('slot' in picked)) throw lastError ?? this.holdError(picked.reopenAt);
      const { slot } = picked;
      tried.add(slot);
      this.noteSwitch(slot, group, ctx);
      try {
        return await callProvider(this.deps, slot, group, ctx);
      } catch (err) {
        const error = asTagspaceError(err);
        if (ctx.signal?.aborted === true) throw error;
        if (TRANSIENT.has(error.kind)) group.failures.set(slot.name, this.failuresOn(group, slot) + 1);
        if (QUALITY.has(error.kind)) group.quality += 1;
        const switchable = TRANSIENT.has(error.kind) || error.kind === 'auth' || error.kind === 'config';
        if (!switchable || !this.isDone(slot, group)) throw error;
        lastError = error;
      }
    }
  }

  private holdError(reopenAt: number | undefined): TagspaceError {
    const waitMs = reopenAt === undefined ? undefined : Math.max(0, reopenAt - this.deps.now());
    const retryAfterMs = waitMs === undefined ? undefined : Math.min(waitMs, this.deps.holdMaxDelayMs);
    return new TagspaceError('unavailable', 'no provider can serve now', { retryAfterMs });
  }

  private failuresOn(group: GroupState, slot: ProviderSlot): number {
    return group.failures.get(slot.name) ?? 0;
  }

  private everyProviderDone(group: GroupState): boolean {
    return this.deps.pool.slots.every((s) => this.isDone(s, group));
  }

  private isDone(slot: ProviderSlot, group: GroupState): boolean {
    return (
      slot.unusable !== undefined ||
      slot.breaker.state !== 'closed' ||
      this.failuresOn(group, slot) > this.deps.backoff.maxRetries
    );
  }

  private noteSwitch(slot: ProviderSlot, group: GroupState, ctx: BatchContext): void {
    const from = ctx.lastProvider;
    if (slot.name === from) return;
    ctx.lastProvider = slot.name;
    const previous = this.deps.pool.slots.find((s) => s.name === from);
    let reason = `${slot.name} preferred again`;
    if (previous?.unusable !== undefined) reason = `${from} unusable (${previous.unusable.kind})`;
    else if (previous !== undefined && previous.breaker.state !== 'closed') {
      reason = `${from} breaker ${previous.breaker.state}`;
    } else if (previous !== undefined && this.failuresOn(group, previous) > this.deps.backoff.maxRetries) {
      reason = `${from} retries spent`;
    }
    this.deps.accounting.recordFallback();
    ctx.emit({ type: 'fallback', from, to: slot.name, reason, pages: group.pages.length });
    this.deps.fallbacks.note(
      `${from}>${slot.name}:${reason}`,
      { from, to: slot.name, reason },
      group.pages.length,
    );
  }
}

/** The source, or `unavailable` as soon as the signal aborts (a hold must not outlive shutdown). */
function abortable<T>(source: Observable<T>, signal: AbortSignal | undefined): Observable<T> {
  if (signal === undefined) return source;
  const abort$ = new Observable<never>((subscriber) => {
    const onAbort = (): void => subscriber.error(abortedError(signal));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  });
  return race(source, abort$);
}
