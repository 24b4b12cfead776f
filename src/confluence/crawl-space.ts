import { TagspaceError } from '../model/errors.js';
import type { PageEvent } from '../model/page-event.js';
import type { ConfluenceApi } from './confluence-api.js';
import type { V2Space } from './confluence-types.js';
import { spacePagesCql } from './cql.js';
import type { SpaceCheckpoint } from './follow-checkpoint.js';
import { pageEventOf } from './page-event-of.js';

/**
 * A space's current pages as page_snapshot events, a request's worth at a time:
 *
 *   1. v2 spaces?keys=KEY                        → the space's id (an unknown key is a bad --space)
 *   2. v1 CQL space = KEY and type = page,        → every page's labels (and so the total, for the
 *      expand=metadata.labels, 250 a request        ETA), since v2's page listing carries none
 *   3. v2 spaces/{id}/pages?body-format=storage  → the pages with their bodies, cursor by cursor
 *
 * Each request's events are handed to `emit` and awaited (produced and acknowledged) before the
 * next request goes, so memory holds one request's pages. The checkpoint it returns starts the
 * follower at the crawl's start: an edit made while the crawl ran is polled again, not missed.
 */
export interface CrawlOptions {
  emit: (events: PageEvent[]) => Promise<void>;
  /** The number of pages to expect, once known. */
  onTotal?: (total: number) => void;
  now?: () => number;
  signal?: AbortSignal;
}

export async function crawlSpace(
  api: ConfluenceApi,
  spaceKey: string,
  opts: CrawlOptions,
): Promise<SpaceCheckpoint> {
  const { signal } = opts;
  const space = await findSpace(api, spaceKey, signal);
  const startedAt = (opts.now ?? Date.now)();
  const labels = new Map<string, string[]>();
  for await (const batch of api.searchContent(spacePagesCql(spaceKey), 'metadata.labels', signal)) {
    for (const c of batch)
      labels.set(
        c.id,
        (c.metadata?.labels?.results ?? []).map((l) => l.name),
      );
  }
  opts.onTotal?.(labels.size);
  const versions = new Map<string, number>();
  for await (const pages of api.pagesInSpace(
    space.id,
    { status: 'current', bodyFormat: 'storage' },
    signal,
  )) {
    const events = pages.map((p) => pageEventOf(p, spaceKey, 'page_snapshot', labels.get(p.id)));
    await opts.emit(events);
    for (const e of events) versions.set(e.pageId, e.version);
  }
  return { spaceKey, spaceId: space.id, since: startedAt, versions };
}

export async function findSpace(
  api: ConfluenceApi,
  spaceKey: string,
  signal?: AbortSignal,
): Promise<V2Space> {
  const space = await api.spaceByKey(spaceKey, signal);
  if (space === undefined) {
    const meant = await spaceMeant(api, spaceKey, signal);
    throw new TagspaceError(
      'config',
      `invalid --space: no space with key "${spaceKey}" is visible on ${api.http.root}` +
        (meant === undefined
          ? ''
          : `; did you mean ${meant.key}${meant.name === undefined ? '' : ` (${meant.name})`}?`),
      {
        setting: 'CONFLUENCE_SPACES',
      },
    );
  }
  return space;
}

/** Spaces looked through for a suggestion: ten requests' worth, which most sites hold whole. */
const MEANT_SEARCHED = 2_500;

/**
 * The visible space a --space that names none most likely meant: its key in another case (keys
 * are matched exactly), or its name given for its key ("Engineering" for ENG).
 */
async function spaceMeant(
  api: ConfluenceApi,
  given: string,
  signal?: AbortSignal,
): Promise<V2Space | undefined> {
  const wanted = given.trim().toLowerCase();
  let searched = 0;
  for await (const batch of api.spaces(signal)) {
    const hit = batch.find((s) => s.key.toLowerCase() === wanted || s.name?.trim().toLowerCase() === wanted);
    if (hit !== undefined) return hit;
    searched += batch.length;
    if (searched >= MEANT_SEARCHED) return undefined;
  }
  return undefined;
}
