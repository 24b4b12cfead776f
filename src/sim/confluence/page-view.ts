import type { LabelOwner, PageStatus, WikiPage } from './wiki-page.js';

/**
 * A page as tests and the demo see it through the in-process API and GET /_confluence/pages/{id}:
 * a plain copy, including who added each label (which the REST API never says).
 */
export interface PageView {
  id: string;
  spaceKey: string;
  spaceId: string;
  title: string;
  body: string;
  status: PageStatus;
  version: number;
  lastModified: string;
  labels: { name: string; addedBy: LabelOwner }[];
  properties: Record<string, unknown>;
}

export function pageView(page: WikiPage): PageView {
  return {
    id: page.id,
    spaceKey: page.spaceKey,
    spaceId: page.spaceId,
    title: page.title,
    body: page.body,
    status: page.status,
    version: page.version.number,
    lastModified: new Date(page.version.createdAt).toISOString(),
    labels: [...page.labels.values()]
      .map((l) => ({ name: l.name, addedBy: l.addedBy }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    properties: Object.fromEntries([...page.properties.values()].map((p) => [p.key, p.value])),
  };
}
