import { ADAPTIVE_TUNING, AdaptivePolicy } from './policies/adaptive-policy.js';
import type {
  CallOutcome,
  ConcurrencyPolicy,
  LearntQuota,
  LimitBounds,
} from './policies/concurrency-policy.js';
import { FixedPolicy } from './policies/fixed-policy.js';
import { SeedPolicy } from './policies/seed-policy.js';

/**
 * Turns the outcomes of LLM calls into the concurrency limit of the LLM stage, under one of three
 * named policies (see each policy's file for its rule):
 *
 *   fixed     limit = initial, always (the naive baseline; also the rollback switch with initial 1)
 *   seed      the origin document: limit ← ⌊limit/2⌋ on a 429; limit ← limit·1.2 after 5 min without one
 *   adaptive  ours: slow start to the first 429, then AIMD under a remembered ceiling, latency
 *             gradient, pauses for the retry hint, and pacing of each call against the
 *             provider's window quotas learnt from 429s (adaptive-policy.ts, window-quota.ts)
 *
 * Whatever the policy says, the controller keeps min ≤ limit ≤ max (integers) and records every
 * change as { time, reason, old, new }. Besides the limit it answers when a call of a given size
 * may start (`openAt`, pacing) and hears when one does (`started`). Pure: time comes from the
 * injected clock only.
 */

export interface LimitChange {
  time: string;
  reason: string;
  old: number;
  new: number;
}

export type ConcurrencyPolicyName = 'fixed' | 'seed' | 'adaptive';

export const CONCURRENCY_POLICIES: readonly ConcurrencyPolicyName[] = ['fixed', 'seed', 'adaptive'];

export interface ControllerOptions {
  policy: ConcurrencyPolicyName;
  initial: number;
  /** Default 1. */
  min?: number;
  max: number;
  /**
   * How long the provider's minute lasts on `now`'s clock (default 60 000): a time-scaled bench
   * shrinks it with its simulated minute. Used once a 429 names a per-minute quota.
   */
  minuteMs?: number;
  /**
   * How many of the latest changes `changes` keeps (default 1 000): a run of days changes its
   * limit thousands of times, and each change is also logged as it happens.
   */
  keepChanges?: number;
  now: () => number;
}

export function normaliseBounds(opts: Pick<ControllerOptions, 'initial' | 'min' | 'max'>): LimitBounds {
  const min = Math.max(1, Math.floor(opts.min ?? 1));
  const max = Math.max(min, Math.floor(opts.max));
  const initial = Math.min(max, Math.max(min, Math.floor(opts.initial)));
  return { initial, min, max };
}

function createPolicy(
  name: ConcurrencyPolicyName,
  bounds: LimitBounds,
  now: number,
  minuteMs: number | undefined,
): ConcurrencyPolicy {
  switch (name) {
    case 'fixed':
      return new FixedPolicy(bounds);
    case 'seed':
      return new SeedPolicy(bounds, now);
    case 'adaptive':
      return new AdaptivePolicy(bounds, now, ADAPTIVE_TUNING, minuteMs);
  }
}

export class ConcurrencyController {
  readonly policyName: ConcurrencyPolicyName;
  readonly bounds: LimitBounds;
  private readonly policy: ConcurrencyPolicy;
  private readonly now: () => number;
  private readonly log: LimitChange[] = [];
  private readonly keepChanges: number;

  constructor(opts: ControllerOptions) {
    this.policyName = opts.policy;
    this.bounds = normaliseBounds(opts);
    this.now = opts.now;
    this.keepChanges = Math.max(1, opts.keepChanges ?? 1_000);
    this.policy = createPolicy(opts.policy, this.bounds, this.now(), opts.minuteMs);
  }

  get limit(): number {
    return this.policy.limit;
  }

  /** ms since epoch until which no new call may start (retry hint), or 0 */
  get pausedUntil(): number {
    return this.policy.pausedUntil;
  }

  /** What a pacing policy has learnt of the provider's quotas; undefined for policies that do not pace. */
  get learntQuota(): LearntQuota | undefined {
    return this.policy.learntQuota;
  }

  /** The earliest time a call whose prompt is about `tokens` tokens may start (≤ now: at once). */
  openAt(tokens: number): number {
    return this.policy.openAt(this.now(), tokens);
  }

  /** A call of about `tokens` starts now (it was let through by openAt). */
  started(tokens: number): void {
    this.policy.started(this.now(), tokens);
  }

  /** When a time-based change (seed's recovery, adaptive's probe) is next due, so a timer can call tick(). */
  get nextTickAt(): number | undefined {
    return this.policy.nextTickAt();
  }

  record(outcome: CallOutcome): LimitChange | undefined {
    const now = this.now();
    const old = this.policy.limit;
    const reason = this.policy.record(outcome, now);
    return this.note(now, old, reason);
  }

  /** lets time-based growth happen without a call (seed's +20% after 5 min) */
  tick(): LimitChange | undefined {
    const now = this.now();
    const old = this.policy.limit;
    const reason = this.policy.tick(now);
    return this.note(now, old, reason);
  }

  /** The latest changes, oldest first (at most `keepChanges`). */
  get changes(): readonly LimitChange[] {
    return this.log;
  }

  private note(now: number, old: number, reason: string | undefined): LimitChange | undefined {
    const next = this.policy.limit;
    if (next === old) return undefined;
    const change: LimitChange = {
      time: new Date(now).toISOString(),
      reason: reason ?? 'unspecified',
      old,
      new: next,
    };
    this.log.push(change);
    if (this.log.length > this.keepChanges) this.log.shift();
    return change;
  }
}
