import type { SchedulerLike } from 'rxjs';
import type { TagspaceError } from '../model/errors.js';
import type { ProviderName } from '../model/provider-name.js';
import type { RouterEvent } from '../model/router-event.js';
import type { BackoffPolicy } from '../operators/backoff.js';
import type { ChangeLog } from '../telemetry/change-log.js';
import type { Logger } from '../telemetry/log.js';
import type { LabelRules } from './normalise-labels.js';
import type { ProviderPool } from './provider-pool.js';
import type { ProviderSlot } from './provider-slot.js';
import type { RouterAccounting } from './router-metrics.js';
import type { SpillSettings } from './spill-over.js';

/** The shapes a batch's tagging passes between the group tagger and each provider call. */
export interface RouterPage {
  pageId: string;
  title: string;
  text: string;
}

/** One tagBatch call. */
export interface BatchContext {
  signal: AbortSignal | undefined;
  emit: (e: RouterEvent) => void;
  /** The provider the batch's pages last went to, to count switches. */
  lastProvider: ProviderName;
  /** Whether the caller still wants a page tagged (TagBatchOptions.wanted). */
  wanted: (pageId: string) => boolean;
}

/** One group of pages (a batch, or part of one after a split) and its calls so far. */
export interface GroupState {
  /** Narrowed, before a call leaves, to the pages the caller still wants. */
  pages: readonly RouterPage[];
  priorAttempts: number;
  calls: number;
  quality: number;
  failures: Map<ProviderName, number>;
  /** Set once every provider was done for the group and it began to wait for one. */
  holding: boolean;
}

/** One page's outcome of a batch: its labels, its failure, or dropped (no longer wanted). */
export type PageTagResult =
  | { pageId: string; ok: true; tags: string[]; provider: string; model: string; spilled?: true }
  | { pageId: string; ok: false; error: TagspaceError; attempts: number }
  | { pageId: string; ok: false; dropped: true };

export interface Accepted {
  slot: ProviderSlot;
  /** The call went to this provider by spill-over, not to the one the batch was on. */
  spilled?: boolean;
  tags: Map<string, string[]>;
  unanswered: RouterPage[];
  suspects: RouterPage[];
  /** The labels the answer gave each suspect, by page id. */
  doubted: Map<string, string[]>;
}

export interface GroupTaggerDeps {
  pool: ProviderPool;
  accounting: RouterAccounting;
  backoff: BackoffPolicy;
  holdMaxDelayMs: number;
  labels: LabelRules;
  now: () => number;
  random: () => number;
  scheduler: SchedulerLike;
  fallbackLog: Logger;
  /** Provider switches, logged once per change of state with counts. */
  fallbacks: ChangeLog;
  throttleLog: Logger;
  /** Absent: spill-over is off, every call waits for the provider it was meant for. */
  spill?: SpillSettings;
}
