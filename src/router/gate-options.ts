import type { ProviderName } from '../model/provider-name.js';
import type { ConcurrencyPolicyName } from './concurrency-policies.js';
import type { QuotaShare } from './sharing/quota-share.js';

/** One change of the limit, as the gate records it. */
export interface LimitChange {
  time: string;
  reason: string;
  old: number;
  new: number;
}

export interface GateOptions {
  policy: ConcurrencyPolicyName;
  initial: number;
  /** Default 1. */
  min?: number;
  max: number;
  /**
   * How long the provider's minute lasts on the scheduler's clock (default 60 000): a time-scaled
   * bench shrinks it with its simulated minute. Used once a 429 names a per-minute quota.
   */
  minuteMs?: number;
  /**
   * How far the provider rounds its retry hints up (Confluence's Retry-After: 1 000, whole
   * seconds; default 0, exact): a window learnt from them may be that much long, and is tried
   * shorter (pacing/window-trial.ts).
   */
  hintGrainMs?: number;
  /**
   * How many of the latest changes `changes` keeps (default 1 000): a run of days changes its
   * limit thousands of times, and each change is also logged as it happens.
   */
  keepChanges?: number;
  /** Named in the gate's log lines. */
  provider?: ProviderName;
  /**
   * Named in the gate's log lines when it paces a site rather than an LLM provider (the Confluence
   * client's gate: its host), so a process that runs both tells their lines apart.
   */
  site?: string;
  /**
   * The instances sharing this provider's key (sharing/quota-share.ts): a pacer that learns the
   * quota then paces this instance at its part of the key (sharing/shared-pacer.ts).
   */
  share?: QuotaShare;
}
