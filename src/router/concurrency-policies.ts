import { AimdLimit } from './limit/aimd-limit.js';
import { FixedLimit } from './limit/fixed-limit.js';
import type { Limit, LimitBounds } from './limit/limit.js';
import { SeedLimit } from './limit/seed-limit.js';
import { NoPacing } from './pacing/no-pacing.js';
import type { Pacer } from './pacing/pacer.js';
import { WindowPacer } from './pacing/window-pacer.js';

/**
 * What `--concurrency-policy` names: a limit rule (how many calls at once) and a pacer (when the
 * next call may leave), one of each per provider gate.
 *
 *   fixed     FixedLimit  + NoPacing     the naive baseline (and, at 1, the rollback switch)
 *   seed      SeedLimit   + NoPacing     the origin document: halve on a 429, +20 % after 5 quiet min
 *   adaptive  AimdLimit   + WindowPacer  ours: AIMD with slow start, a ceiling and a latency
 *                                        gradient; pacing against the quotas learnt from 429s
 */
export interface PolicyParts {
  limit: (bounds: LimitBounds, now: number) => Limit;
  pacer: (opts: { minuteMs?: number; hintGrainMs?: number }) => Pacer;
}

const TABLE = {
  fixed: { limit: (bounds) => new FixedLimit(bounds), pacer: () => new NoPacing() },
  seed: { limit: (bounds, now) => new SeedLimit(bounds, now), pacer: () => new NoPacing() },
  adaptive: { limit: (bounds) => new AimdLimit(bounds), pacer: (opts) => new WindowPacer(opts) },
} satisfies Record<string, PolicyParts>;

export type ConcurrencyPolicyName = keyof typeof TABLE;

export const CONCURRENCY_POLICIES: Readonly<Record<ConcurrencyPolicyName, PolicyParts>> = TABLE;

export const CONCURRENCY_POLICY_NAMES = Object.keys(CONCURRENCY_POLICIES) as ConcurrencyPolicyName[];

/** The gate every provider gets unless told otherwise; the settings table's defaults are these. */
export const DEFAULT_CONCURRENCY: { policy: ConcurrencyPolicyName; initial: number; max: number } = {
  policy: 'adaptive',
  initial: 3,
  max: 10,
};
