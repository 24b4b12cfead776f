import type { PageEvent } from '../model/page-event.js';
import type { ConfluenceApi } from './confluence-api.js';
import type { V2Page } from './confluence-types.js';
import { modifiedSinceCql } from './cql.js';
import { advanceCheckpoint, isNewVersion, type SpaceCheckpoint } from './follow-checkpoint.js';
import { pageEventOf, removalOf } from './page-event-of.js';

/**
 * One poll of a followed space (follow-checkpoint.ts says what the checkpoint holds):
 *
 *   edits     v1 CQL lastmodified ≥ minute(since − lag) (cql.ts); each hit above the version
 *             emitted is read whole (v2 page, body and labels) and emitted as page_updated, or
 *             page_created for a page the checkpoint did not know
 *   trashed   v2 pages of the space with status=trashed: a known one is emitted as page_removed
 *   purged    (every `reconcile` poll) v2 ids of the space's current pages: a known page missing
 *             from them and gone (404) is page_removed; an unknown one (restored, missed) is read
 *
 * A page read as trashed or gone at any step is a removal, at its last version.
 */
export interface PollOptions {
  timeZone: string;
  /** How far before `since` the query reaches (search indexing is not instant). */
  lagMs: number;
  /** Also look for purged and restored pages (a listing of the space's page ids). */
  reconcile: boolean;
  signal?: AbortSignal;
}

export interface PollResult {
  events: PageEvent[];
  checkpoint: SpaceCheckpoint;
}

export async function pollSpace(
  api: ConfluenceApi,
  cp: SpaceCheckpoint,
  opts: PollOptions,
): Promise<PollResult> {
  const { signal } = opts;
  const { spaceKey } = cp;
  const events = new Map<string, PageEvent>();
  const removed = new Set<string>();
  const remove = (pageId: string, version: number, at?: string) => {
    if (!cp.versions.has(pageId) || removed.has(pageId)) return;
    removed.add(pageId);
    events.set(pageId, removalOf(pageId, spaceKey, version, at));
  };
  const read = async (pageId: string) => {
    const page = await api.page(pageId, signal);
    const known = cp.versions.get(pageId);
    if (page === undefined) remove(pageId, known ?? 1);
    else if (page.status !== 'current')
      remove(pageId, page.version?.number ?? known ?? 1, page.version?.createdAt);
    else if (isNewVersion(cp, pageId, page.version?.number ?? 1)) {
      events.set(pageId, pageEventOf(page, spaceKey, known === undefined ? 'page_created' : 'page_updated'));
    }
  };

  let newestModified: number | undefined;
  const changed: string[] = [];
  const cql = modifiedSinceCql(spaceKey, cp.since - opts.lagMs, opts.timeZone);
  for await (const hits of api.searchContent(cql, 'version', signal)) {
    for (const hit of hits) {
      const when = Date.parse(hit.version?.when ?? '');
      if (Number.isFinite(when)) newestModified = Math.max(newestModified ?? when, when);
      if (isNewVersion(cp, hit.id, hit.version?.number ?? 1)) changed.push(hit.id);
    }
  }
  await Promise.all(changed.map(read));

  for await (const pages of api.pagesInSpace(cp.spaceId, { status: 'trashed' }, signal)) {
    for (const p of pages) remove(p.id, versionOf(p, cp), p.version?.createdAt);
  }

  if (opts.reconcile) {
    const current = new Set<string>();
    for await (const pages of api.pagesInSpace(cp.spaceId, { status: 'current' }, signal)) {
      for (const p of pages) current.add(p.id);
    }
    const missing = [...cp.versions.keys()].filter((id) => !current.has(id) && !removed.has(id));
    const unknown = [...current].filter((id) => !cp.versions.has(id) && !events.has(id));
    await Promise.all([...missing, ...unknown].map(read));
  }

  const emitted = new Map<string, number>();
  for (const e of events.values()) if (e.type !== 'page_removed') emitted.set(e.pageId, e.version);
  return {
    events: [...events.values()],
    checkpoint: advanceCheckpoint(cp, { emitted, removed, newestModified }),
  };
}

function versionOf(page: V2Page, cp: SpaceCheckpoint): number {
  return page.version?.number ?? cp.versions.get(page.id) ?? 1;
}
