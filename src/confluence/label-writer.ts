import { TagspaceError } from '../model/errors.js';
import type { ConfluenceApi } from './confluence-api.js';
import { isSettled, type LabelOwnership, type LabelTarget } from './label-ownership.js';
import { isNoop, planLabels, type LabelPlan } from './label-plan.js';

/**
 * Makes one page's labels follow its latest TagRecord (or tombstone), given what tagspace owns:
 *
 *   settled (label-ownership.ts)     → nothing, not even a read
 *   page gone (404)                  → tombstone: forget the ownership; record: fails (not_found)
 *   page trashed                     → nothing written, ownership kept (a restore may need it)
 *   otherwise                        → read its labels, plan (label-plan.ts), write: one POST
 *                                      for the additions, one DELETE per removal
 *
 * It returns the ownership to record afterwards (null: forget it), or throws: not_found and
 * forbidden are for the dead-letter topic, auth ends the run, the rest was retried already.
 */
export type LabelResult =
  | { kind: 'settled' }
  | { kind: 'trashed' }
  | { kind: 'synced'; plan: LabelPlan; ownership: LabelOwnership | null; wrote: boolean };

export async function syncPageLabels(
  api: ConfluenceApi,
  owned: LabelOwnership | undefined,
  target: LabelTarget,
  opts: { dryRun: boolean; now: () => number; signal?: AbortSignal },
): Promise<LabelResult> {
  if (isSettled(owned, target)) return { kind: 'settled' };
  const { pageId } = target;
  const page = await api.page(pageId, opts.signal, { body: false });
  const tombstone = target.tags === undefined;
  const empty: LabelPlan = { add: [], remove: [], owned: [], personal: [] };
  if (page === undefined) {
    if (tombstone) return { kind: 'synced', plan: empty, ownership: null, wrote: false };
    throw new TagspaceError(
      'not_found',
      `page ${pageId} is gone from Confluence: its labels cannot be written`,
    );
  }
  if (page.status !== 'current') return { kind: 'trashed' };
  const current = (page.labels?.results ?? []).map((l) => l.name);
  const plan = planLabels(current, owned?.labels ?? [], target.tags ?? []);
  const ownership: LabelOwnership = {
    pageId,
    labels: plan.owned,
    version: target.version ?? owned?.version ?? 0,
    tags: [...(target.tags ?? [])],
    at: new Date(opts.now()).toISOString(),
    ...(tombstone && { removed: true }),
  };
  if (opts.dryRun || isNoop(plan)) return { kind: 'synced', plan, ownership, wrote: false };
  if (plan.add.length > 0) await api.addLabels(pageId, plan.add, opts.signal);
  for (const label of plan.remove) await api.removeLabel(pageId, label, opts.signal);
  return { kind: 'synced', plan, ownership, wrote: true };
}
