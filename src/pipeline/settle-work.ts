import type { TagspaceError } from '../model/errors.js';
import type { TagCache } from './tag-cache.js';
import type { TagRecord } from '../model/tag-record.js';
import type { Outcome, PageWork } from '../model/work.js';
import type { PendingPages } from './pending-pages.js';

/**
 * How a page that went to the LLM ends. Tags are remembered in the cache (so a later duplicate or
 * the same content elsewhere costs nothing); if a newer version of the page was tagged while this
 * call was out, the late answer is skipped as stale rather than published over the newer tags.
 */
export function settleTagged(
  cache: TagCache,
  pending: PendingPages,
  work: PageWork,
  record: TagRecord,
): Outcome {
  pending.settle(work);
  if (cache.remember(work, record)) return { kind: 'tagged', delivery: work.delivery, record };
  return { kind: 'skipped', delivery: work.delivery, pageId: work.event.pageId, reason: 'stale' };
}

/** A page that used all its attempts (or cannot be tagged) goes to the dead-letter topic. */
export function settleFailed(
  pending: PendingPages,
  work: PageWork,
  error: TagspaceError,
  attempts: number,
): Outcome {
  pending.settle(work);
  return { kind: 'dead_letter', delivery: work.delivery, error, attempts };
}
