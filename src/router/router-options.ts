import type { SchedulerLike } from 'rxjs';
import type { BackoffPolicy } from '../operators/backoff.js';
import type { ProviderName } from '../model/provider-name.js';
import type { RouterEvent } from '../model/router-event.js';
import type { CallDeadlineOptions } from './call-deadline.js';
import type { BreakerSettings } from './circuit-breaker.js';
import type { ConcurrencyPolicyName } from './concurrency-policies.js';
import type { PriceTable } from './price-table.js';
import type { Provider } from './provider.js';
import type { QuotaShape, QuotaShare } from './sharing/quota-share.js';
import type { SpillSettings } from './spill-over.js';

/** How long a provider whose daily quota is spent is left alone before one probe. */
export const DEFAULT_QUOTA_COOLDOWN_MS = 15 * 60_000;
/** The longest wait between probes while no provider can serve. */
export const DEFAULT_HOLD_MAX_DELAY_MS = 30_000;

export interface RouterOptions {
  providers: { gemini?: Provider; openai?: Provider };
  /** Waits between retries; maxRetries is each provider's budget per batch (default: the origin's). */
  backoff?: BackoffPolicy;
  breaker?: Partial<BreakerSettings>;
  /** How long a provider whose daily quota is spent is left alone before one probe (default DEFAULT_QUOTA_COOLDOWN_MS). */
  quotaCooldownMs?: number;
  /** Longest wait between probes while no provider can serve (default DEFAULT_HOLD_MAX_DELAY_MS). */
  holdMaxDelayMs?: number;
  /**
   * Each provider gets its own gate with these settings (default DEFAULT_CONCURRENCY);
   * `minuteMs`: how long a provider's minute lasts on the router's clock (default 60 000, shorter
   * in a time-scaled bench), for 429s that name a per-minute quota.
   */
  concurrency?: {
    policy: ConcurrencyPolicyName;
    initial: number;
    max: number;
    min?: number;
    minuteMs?: number;
  };
  /**
   * Spill-over (spill-over.ts): a call its provider would hold longer than `afterMs` goes to
   * another that can start it now. Absent: off.
   */
  spill?: SpillSettings;
  /**
   * A deadline per call from each provider's observed latency (call-deadline.ts): `minMs` its
   * floor, `maxMs` the providers' own timeout (its ceiling). Absent: a call waits the timeout.
   */
  callDeadline?: CallDeadlineOptions;
  /** Default DEFAULT_MAX_TAGS_PER_PAGE. */
  maxTagsPerPage?: number;
  /** Default DEFAULT_MAX_LABEL_LENGTH. */
  maxLabelLength?: number;
  /** When given, only these labels (normalised) are kept. */
  taxonomy?: Iterable<string>;
  prices?: PriceTable;
  /**
   * The QuotaShare of each provider's key when other instances use it too (sharing/); absent:
   * the provider's quota is this instance's alone.
   */
  shares?: Partial<Record<ProviderName, QuotaShare>>;
  /** Default: the scheduler's clock. */
  now?: () => number;
  random?: () => number;
  scheduler?: SchedulerLike;
}

/**
 * A provider's window quota as known (each part once known: the shape its pacer believes), this
 * instance's part of it, and how many instances share its key (1 alone).
 */
export interface ProviderQuota {
  provider: ProviderName;
  windowMs?: number;
  requests?: number;
  tokens?: number;
  shape?: QuotaShape;
  fraction: number;
  instances: number;
}

export interface TagBatchOptions {
  signal?: AbortSignal;
  onEvent?: (e: RouterEvent) => void;
  /**
   * Asked just before each call leaves (after the provider's gate) and before each retry: pages
   * no longer wanted are left out of it, and end as `dropped`. Default: every page is wanted.
   */
  wanted?: (pageId: string) => boolean;
}
