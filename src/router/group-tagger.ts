import { defer, lastValueFrom, Observable, race } from 'rxjs';
import { abortedError, asTagspaceError, TagspaceError, type ErrorKind } from '../model/errors.js';
import { retryWithBackoff } from '../operators/retry-with-backoff.js';
import type { Accepted, BatchContext, GroupState, GroupTaggerDeps } from './group-state.js';
import type { ProviderSlot } from './provider-slot.js';
import type { ProviderName } from '../model/provider-name.js';
import { callProvider, emitTransitions } from './provider-call.js';
import { admitOrSpill, type Admission, type LeftGate } from './spill-over.js';

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
 *
 * A call waits at its provider's gate — or, spill-over on, goes to another provider that can
 * start it now when its own would hold it longer than `spill.afterMs` (spill-over.ts). A move
 * that is not a failure's is a spill, counted apart from fallbacks: the gate or pause held the
 * call, or the breaker is open on the provider's own retry hint and this group did not fail there.
 * A spill leaves the provider it left untried (waited on, never called): should the other refuse
 * the call, the group goes back to it at once.
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
    const { backoff, random, scheduler, accounting, fallbackLog, pool } = this.deps;
    const attempts$ = defer(() => this.attempt(group, ctx)).pipe(
      retryWithBackoff<Accepted>({
        // Unbounded: per-provider budgets end a provider's turn; a hold ends when one serves.
        policy: { ...backoff, maxRetries: Number.POSITIVE_INFINITY },
        shouldRetry: (err) => this.shouldRetry(err, group, ctx),
        hintMs: (err) => (err instanceof TagspaceError ? err.retryAfterMs : undefined),
        random,
        scheduler,
        // A hold (every provider done for the group) ends as soon as a breaker reopens, on the
        // clock, not at its own timer's jitter.
        wake: (err) =>
          (err instanceof TagspaceError && err.kind === 'unavailable') || this.everyProviderDone(group)
            ? pool.reopened$
            : undefined,
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
      tried.add(picked.slot);
      const spilledHere = this.noteSwitch(picked.slot, group, ctx);
      let slot = picked.slot;
      try {
        const admission = await this.admit(slot, group, ctx, tried);
        // Its breaker opened while the call waited at its gate: unsent, the call goes where the
        // pick sends it now (tried keeps it from this provider, as after a failure).
        if ('left' in admission) continue;
        slot = admission.slot;
        if (admission.spilled) {
          tried.add(slot);
          // The call left p's gate, not p: p was never called, so it takes the group back at once
          // should q refuse it. Held as tried, a batch spilled to OpenAI and refused there waited out
          // OpenAI's 4.8 s hint while Gemini, one request short of its window, served nothing.
          tried.delete(picked.slot);
          this.noteSpill(picked.slot.name, slot.name, 'held by its gate', group, ctx);
        }
        const accepted = await callProvider(this.deps, slot, group, ctx, admission.estimatedTokens);
        return admission.spilled || spilledHere ? { ...accepted, spilled: true } : accepted;
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

  /** Passes the slot's gate, or another's by spill-over (spill-over.ts). */
  private admit(
    slot: ProviderSlot,
    group: GroupState,
    ctx: BatchContext,
    tried: ReadonlySet<ProviderSlot>,
  ): Promise<Admission | LeftGate> {
    const { pool, spill, scheduler } = this.deps;
    return admitOrSpill(slot, group.pages, {
      spill,
      // A provider this group's retries gave up on may serve again once its breaker lets calls
      // through: canStartNow asks the breaker, not the group's budget.
      candidates: () => pool.slots.filter((s) => s !== slot && !tried.has(s)),
      scheduler,
      changes$: pool.changes$,
      signal: ctx.signal,
    });
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

  /**
   * Counts the move of a group to `slot` from the provider it was on: a spill when that one is
   * only waiting out its own retry hint (spill-over on, and this group did not fail there), else
   * a fallback. Returns true for a spill.
   */
  private noteSwitch(slot: ProviderSlot, group: GroupState, ctx: BatchContext): boolean {
    const from = ctx.lastProvider;
    if (slot.name === from) return false;
    const previous = this.deps.pool.slots.find((s) => s.name === from);
    if (
      this.deps.spill !== undefined &&
      previous !== undefined &&
      previous.unusable === undefined &&
      previous.breaker.heldByHint &&
      this.failuresOn(group, previous) === 0
    ) {
      // The group stays on its provider: its next call goes back there without a switch.
      this.noteSpill(from, slot.name, 'held by its retry hint', group, ctx);
      return true;
    }
    ctx.lastProvider = slot.name;
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
    return false;
  }

  private noteSpill(
    from: ProviderName,
    to: ProviderName,
    why: string,
    group: GroupState,
    ctx: BatchContext,
  ): void {
    const reason = `${from} ${why}`;
    this.deps.accounting.recordSpill();
    ctx.emit({ type: 'spill', from, to, reason, pages: group.pages.length });
    this.deps.fallbackLog.debug({ from, to, reason, pages: group.pages.length }, 'batch spilled over');
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
