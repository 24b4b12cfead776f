import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import type { BreakerRecord } from '../router/router-metrics.js';
import { formatDuration } from './progress.js';
import { notServing, providersNotServing } from './providers-not-serving.js';

/**
 * When a bounded run stops waiting for its providers: once none of them has served for `afterMs`.
 * A provider that fails is probed again and again (circuit-breaker.ts), which suits `run`, where an
 * outage passes; a `replay` that only waits would never end, and a job that runs it never learns why.
 *
 *   outageSince = max over configured p of since(p)    when every configured p is not serving
 *   give up     ⇔ now − outageSince ≥ afterMs
 *
 * `since(p)` and "not serving" are providers-not-serving.ts's: failures or a spent daily quota, not
 * a retry hint's wait. A provider never asked has not failed, so it keeps the run waiting.
 */
export function outageSince(
  transitions: readonly BreakerRecord[],
  providers: readonly string[],
): number | undefined {
  if (providers.length === 0) return undefined;
  const down = notServing(transitions);
  let since = -Infinity;
  for (const p of providers) {
    const spell = down.get(p);
    if (spell === undefined) return undefined;
    since = Math.max(since, Date.parse(spell.since.time));
  }
  return since;
}

export interface GiveUpWatchOptions {
  transitions: () => readonly BreakerRecord[];
  providers: readonly string[];
  afterMs: number;
  /** Called once, with one line naming each provider's failure. */
  onGiveUp: (reason: string) => void;
  /** How often to look; the give-up is at most this late. */
  everyMs?: number;
  scheduler?: SchedulerLike;
}

/** Looks every `everyMs` and calls `onGiveUp` once the outage has lasted `afterMs`; unsubscribe to stop. */
export function giveUpWatch(opts: GiveUpWatchOptions): Subscription {
  const scheduler = opts.scheduler ?? asyncScheduler;
  const everyMs = opts.everyMs ?? 1_000;
  return scheduler.schedule(function look(this: SchedulerAction<undefined>) {
    const transitions = opts.transitions();
    const since = outageSince(transitions, opts.providers);
    if (since !== undefined && scheduler.now() - since >= opts.afterMs) {
      const why = providersNotServing(transitions).join('; ');
      opts.onGiveUp(`no provider has served for ${formatDuration(opts.afterMs / 1000)}: ${why}`);
      return;
    }
    this.schedule(undefined, everyMs);
  }, everyMs);
}
