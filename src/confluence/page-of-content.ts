import type { V1Content, V2Page } from './confluence-types.js';

/**
 * A v1 content (Data Center's only API) in the v2 page shape the rest of tagspace reads. The
 * space key stands in for v2's space id: v1 names a space by key everywhere (listing a space's
 * pages, a page's `space` expansion), and has no way to find a space by id.
 *
 *   id, title, status  → as they are
 *   space.key          → spaceId
 *   version.when       → version.createdAt
 *   body.storage       → body.storage
 *   metadata.labels    → labels (hasMore when the expansion was cut short)
 */
export function pageOfContent(content: V1Content): V2Page {
  const page: V2Page = {
    id: content.id,
    status: content.status ?? 'current',
    title: content.title ?? '',
    spaceId: content.space?.key ?? '',
  };
  const v = content.version;
  if (v !== undefined) {
    page.version = {
      number: v.number,
      ...(v.when !== undefined && { createdAt: isoInstant(v.when) }),
      ...(v.message !== undefined && { message: v.message }),
      ...(v.minorEdit !== undefined && { minorEdit: v.minorEdit }),
    };
  }
  if (content.body?.storage !== undefined) page.body = { storage: content.body.storage };
  const labels = content.metadata?.labels;
  if (labels !== undefined) {
    page.labels = {
      results: (labels.results ?? []).map((l) => ({ name: l.name, ...(l.prefix && { prefix: l.prefix }) })),
      meta: { hasMore: labels._links?.next !== undefined },
    };
  }
  return page;
}

/** Data Center writes its times with the server's offset (…+02:00); v2 and PageEvents use UTC. */
function isoInstant(when: string): string {
  const t = Date.parse(when);
  return Number.isNaN(t) ? when : new Date(t).toISOString();
}
