import {
  BehaviorSubject,
  distinctUntilChanged,
  map,
  merge,
  startWith,
  Subject,
  switchMap,
  type Observable,
} from 'rxjs';
import { TagspaceError } from '../model/errors.js';
import type { Logger } from '../telemetry/log.js';
import type { BreakerTransition } from './circuit-breaker.js';
import type { Provider } from './provider.js';
import { ProviderSlot, type SlotOptions } from './provider-slot.js';
import type { ProviderName } from '../model/provider-name.js';
import type { QuotaShare } from './sharing/quota-share.js';

/**
 * The configured providers, in preference order (Gemini, then OpenAI), and which of them can take
 * the next call. Two rules:
 *
 *   preferred = first usable slot whose breaker is closed, else the first usable slot
 *   pick      = first untried slot in preference order with budget left (failures ≤ maxRetries)
 *               whose breaker lets the call through; else the first untried slot whose breaker
 *               lets it through (every budget spent: holding, so probe); else no one can serve now
 *
 * `limit$` is the preferred slot's gate's effective limit, so the pipeline dispatches at the pace of
 * the provider its batches will actually reach — or, when batches may spill over to another
 * provider (group-tagger.ts), the sum of every usable provider's share (dispatchLimit below), so
 * the idle provider's share is dispatched too.
 * `changes$` emits after every breaker change, every provider found unusable and every call's end.
 */
export type PoolOptions = Omit<SlotOptions, 'onTransition' | 'share'> & {
  log: Logger;
  /** The QuotaShare of each provider's key, for keys shared with other instances. */
  shares?: Partial<Record<ProviderName, QuotaShare>>;
  spill?: boolean;
};

/** A slot to call, or (no one can take the call now) when the first open breaker may be probed. */
export type PickResult = { slot: ProviderSlot } | { reopenAt: number | undefined };

export class ProviderPool {
  readonly slots: readonly ProviderSlot[];
  readonly limit$: Observable<number>;
  /** Emits after every breaker change, every provider found unusable and every call's end. */
  readonly changes$: Observable<void>;
  /** Emits when a breaker leaves `open` (a provider may serve again). */
  readonly reopened$: Observable<void>;
  private readonly changed = new Subject<void>();
  private readonly reopened = new Subject<void>();
  private readonly preferred$: BehaviorSubject<ProviderSlot>;
  private readonly pending: { provider: ProviderName; t: BreakerTransition }[] = [];
  private readonly log: Logger;
  private closed = false;

  constructor(
    providers: readonly Provider[],
    opts: PoolOptions,
    private readonly onTransition: (provider: ProviderName, t: BreakerTransition) => void,
  ) {
    if (providers.length === 0) {
      throw new TagspaceError(
        'config',
        'no LLM provider is configured: set GEMINI_API_KEY or OPENAI_API_KEY',
        {
          setting: 'GEMINI_API_KEY',
        },
      );
    }
    const { log, shares, spill = false, ...slotOptions } = opts;
    this.log = log;
    this.slots = providers.map(
      (p) =>
        new ProviderSlot(p, {
          ...slotOptions,
          ...(shares?.[p.name] !== undefined && { share: shares[p.name] }),
          onTransition: (provider, t) => {
            this.pending.push({ provider, t });
            this.onTransition(provider, t);
            this.update();
            if (t.from === 'open') this.reopened.next();
          },
        }),
    );
    this.preferred$ = new BehaviorSubject(this.choosePreferred());
    this.changes$ = this.changed.asObservable();
    this.reopened$ = this.reopened.asObservable();
    this.limit$ = spill
      ? merge(this.changed, ...this.slots.map((slot) => slot.gate.limit$)).pipe(
          map(() => this.dispatchLimit()),
          startWith(this.dispatchLimit()),
          distinctUntilChanged(),
        )
      : this.preferred$.pipe(
          distinctUntilChanged(),
          switchMap((slot) => slot.gate.limit$),
          distinctUntilChanged(),
        );
  }

  get preferred(): ProviderSlot {
    return this.preferred$.value;
  }

  /** The provider every batch starts from, to count switches against. */
  get primary(): ProviderSlot {
    return this.slots[0] as ProviderSlot;
  }

  /** Picks the slot for the next call (claiming a half-open breaker's probe), or how long to wait. */
  pick(budgetLeft: (slot: ProviderSlot) => boolean, tried: ReadonlySet<ProviderSlot>): PickResult {
    const usable = this.slots.filter((s) => s.unusable === undefined);
    if (usable.length === 0) throw this.noProviderError();
    const untried = usable.filter((s) => !tried.has(s));
    const slot =
      untried.find((s) => budgetLeft(s) && s.breaker.tryAcquire()) ??
      untried.find((s) => s.breaker.tryAcquire());
    if (slot !== undefined) return { slot };
    const reopen = Math.min(
      ...usable.map((s) => (s.breaker.state === 'open' ? s.breaker.openUntil : Infinity)),
    );
    return { reopenAt: Number.isFinite(reopen) ? reopen : undefined };
  }

  /** Every provider's setting was refused: the error naming them all; undefined while one is usable. */
  noneUsable(): TagspaceError | undefined {
    return this.slots.some((s) => s.unusable === undefined) ? undefined : this.noProviderError();
  }

  /** A call ended: a provider may have room for another (spill-over listens on changes$). */
  callEnded(): void {
    if (!this.closed) this.changed.next();
  }

  /** Breaker changes since the last call, for the batch whose step caused them. */
  drainTransitions(): { provider: ProviderName; t: BreakerTransition }[] {
    return this.pending.splice(0);
  }

  /** Re-reads which provider is preferred (after a breaker change or a provider found unusable). */
  update(): void {
    if (this.closed) return;
    const next = this.choosePreferred();
    const current = this.preferred$.value;
    if (next !== current) {
      this.log.warn({ from: current.name, to: next.name }, 'preferred provider changed');
      this.preferred$.next(next);
    }
    this.changed.next();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) slot.close();
    this.preferred$.complete();
    this.changed.complete();
    this.reopened.complete();
  }

  /**
   * Dispatch's limit when batches may spill over: each usable provider's share, its limit while
   * its breaker is closed, and in any case at least the calls it still has on the wire (so calls
   * out to a provider that paused do not take another provider's room); the preferred provider's
   * limit when no breaker is closed.
   */
  private dispatchLimit(): number {
    const usable = this.slots.filter((s) => s.unusable === undefined);
    if (!usable.some((s) => s.breaker.state === 'closed')) return this.preferred$.value.gate.current;
    return usable.reduce(
      (sum, s) => sum + (s.breaker.state === 'closed' ? Math.max(s.gate.current, s.active) : s.active),
      0,
    );
  }

  private choosePreferred(): ProviderSlot {
    const usable = this.slots.filter((s) => s.unusable === undefined);
    return usable.find((s) => s.breaker.state === 'closed') ?? usable[0] ?? this.primary;
  }

  /** Every provider's setting is wrong: a fault of the set-up, named, never a page's fault. */
  private noProviderError(): TagspaceError {
    const reasons = this.slots.map((s) => s.unusable as TagspaceError);
    const kind = reasons.some((r) => r.kind === 'auth') ? 'auth' : 'config';
    return new TagspaceError(kind, `no provider can serve: ${reasons.map((r) => r.message).join('; ')}`, {
      provider: this.slots.map((s) => s.name).join(','),
      setting: reasons.map((r) => r.setting ?? '').join(','),
      status: reasons[0]?.status,
    });
  }
}
