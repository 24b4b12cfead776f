import {
  BehaviorSubject,
  combineLatest,
  distinctUntilChanged,
  map,
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
 * provider (group-tagger.ts), the sum of the limits of the usable slots whose breaker is closed
 * (the preferred one's alone when none is), so the idle provider's share is dispatched too.
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
  /** The slots whose limits dispatch adds up when batches may spill over. */
  private readonly dispatching$: BehaviorSubject<readonly ProviderSlot[]>;
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
    this.dispatching$ = new BehaviorSubject(this.dispatchSlots());
    this.limit$ = spill
      ? this.dispatching$.pipe(
          distinctUntilChanged(sameSlots),
          switchMap((slots) => combineLatest(slots.map((s) => s.gate.limit$))),
          map((limits) => limits.reduce((total, l) => total + l, 0)),
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
    this.dispatching$.next(this.dispatchSlots());
    this.changed.next();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) slot.close();
    this.preferred$.complete();
    this.dispatching$.complete();
    this.changed.complete();
    this.reopened.complete();
  }

  private dispatchSlots(): readonly ProviderSlot[] {
    const closed = this.slots.filter((s) => s.unusable === undefined && s.breaker.state === 'closed');
    return closed.length > 0 ? closed : [this.choosePreferred()];
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

function sameSlots(a: readonly ProviderSlot[], b: readonly ProviderSlot[]): boolean {
  return a.length === b.length && a.every((slot, i) => slot === b[i]);
}
