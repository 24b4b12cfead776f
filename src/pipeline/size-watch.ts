import type { SchedulerLike } from 'rxjs';
import type { RouterEvent } from '../model/router-event.js';
import type { Router } from '../router/router.js';
import { logger } from '../telemetry/log.js';
import { BatchSizeRule, batchSizeListener } from './batch-size-rule.js';

/** The batch-size rule of one pipeline subscription, and what feeds it. */
export interface SizeWatch {
  rule: BatchSizeRule;
  /** Pages the next batch may hold, `waiting` to be cut, under the quota of the provider preferred now. */
  size(waiting?: number): number;
  /** A batch of `pages` was cut with `waiting` behind it (BatchSizeRule.cut). */
  cut(pages: number, waiting: number): void;
  /** A listener for one batch's router events (undefined when the size is pinned). */
  listener(): ((e: RouterEvent) => void) | undefined;
}

/**
 * A BatchSizeRule fed with every batch's router events and the preferred provider's learnt
 * quotas; each change of the size is logged with what caused it: an event, or another provider
 * preferred when a batch is cut.
 */
export function sizeWatch(
  batch: { size: number; maxSize?: number; policy?: 'fixed' | 'adaptive' },
  router: Pick<Router, 'preferred' | 'learntQuota'>,
  scheduler: SchedulerLike,
): SizeWatch {
  const log = logger('batch');
  const rule = new BatchSizeRule(
    { start: batch.size, maxSize: batch.maxSize ?? batch.size, policy: batch.policy ?? 'fixed' },
    () => scheduler.now(),
  );
  const preferred = () => ({ name: router.preferred, quota: router.learntQuota });
  let shown = rule.size;
  const note = (fields: Record<string, unknown>) => {
    const now = rule.size;
    if (now !== shown) log.info({ from: shown, to: now, ...fields }, 'batch size changed');
    shown = now;
    return now;
  };
  return {
    rule,
    size: (waiting = 0) => {
      if (rule.pinned) return rule.size;
      const { name, quota } = preferred();
      rule.learnt(quota, name);
      note({ cause: 'preferred', provider: name });
      rule.backlog(waiting);
      return note({ cause: 'backlog', waiting });
    },
    cut: (pages, waiting) => {
      rule.cut(pages, waiting);
      note({ cause: 'backlog', waiting });
    },
    listener: () => {
      if (rule.pinned) return undefined;
      const hear = batchSizeListener(rule, preferred);
      return (e) => {
        hear(e);
        note({ cause: e.type === 'call' ? e.outcome : e.type });
      };
    },
  };
}
