import type { PageEvent, PageEventType } from '../model/page-event.js';
import type { V2Page } from './confluence-types.js';

/**
 * A Confluence page as a PageEvent (docs/design.md, "Confluence at both ends"): pageId = the
 * page's id, spaceKey, version = Confluence's version number, title, the body in storage format,
 * labels = the page's labels now (names), updatedAt = when this version was made.
 */
export function pageEventOf(
  page: V2Page,
  spaceKey: string,
  type: PageEventType,
  labels: readonly string[] | undefined = page.labels?.results?.map((l) => l.name),
): PageEvent {
  const event: PageEvent = {
    type,
    spaceKey,
    pageId: page.id,
    version: page.version?.number ?? 1,
    title: page.title,
    body: page.body?.storage?.value ?? '',
    bodyFormat: 'storage',
  };
  if (labels !== undefined) event.labels = [...labels];
  if (page.version?.createdAt !== undefined) event.updatedAt = page.version.createdAt;
  return event;
}

/** A page that left Confluence (trashed or purged), at the last version it had. */
export function removalOf(pageId: string, spaceKey: string, version: number, at?: string): PageEvent {
  return {
    type: 'page_removed',
    spaceKey,
    pageId,
    version,
    title: '',
    body: '',
    bodyFormat: 'storage',
    ...(at !== undefined && { updatedAt: at }),
  };
}
