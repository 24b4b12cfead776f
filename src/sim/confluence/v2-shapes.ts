import type { ContentProperty, ContentVersion, PageLabel, WikiPage, WikiSpace } from './wiki-page.js';

/**
 * The JSON of REST v2 objects, field for field as Confluence.js's schemas (generated from
 * Atlassian's OpenAPI document) name them: Space, PageSummary / Page, Version, Label,
 * ContentProperty. Times are ISO 8601 with milliseconds ("YYYY-MM-DDTHH:mm:ss.sssZ").
 */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function v2Version(version: ContentVersion): Record<string, unknown> {
  return {
    number: version.number,
    message: version.message,
    minorEdit: version.minorEdit,
    authorId: version.authorId,
    createdAt: iso(version.createdAt),
  };
}

export function v2Space(space: WikiSpace): Record<string, unknown> {
  return {
    id: space.id,
    key: space.key,
    name: space.name,
    type: 'global',
    status: 'current',
    authorId: '557058:0d9c8a52-5e1f-4b6e-9a1c-7f3e2b8d4a10',
    createdAt: iso(space.createdAt),
    homepageId: space.homepageId ?? null,
    description: null,
    icon: null,
    _links: { webui: `/spaces/${space.key}` },
  };
}

export interface PageShapeOptions {
  bodyFormat: 'storage' | undefined;
  /** The site's wiki base URL (`https://site/wiki`); present on single-page answers. */
  base?: string;
  labels?: readonly PageLabel[];
}

export function v2Page(page: WikiPage, options: PageShapeOptions): Record<string, unknown> {
  const shape: Record<string, unknown> = {
    id: page.id,
    status: page.status,
    title: page.title,
    spaceId: page.spaceId,
    parentId: page.parentId ?? null,
    parentType: page.parentId === undefined ? null : 'page',
    position: page.position,
    authorId: page.authorId,
    ownerId: page.authorId,
    lastOwnerId: null,
    createdAt: iso(page.createdAt),
    version: v2Version(page.version),
    body:
      options.bodyFormat === 'storage' ? { storage: { representation: 'storage', value: page.body } } : {},
    _links: {
      webui: webui(page),
      editui: `/pages/resumedraft.action?draftId=${page.id}`,
      tinyui: `/x/${tiny(page.id)}`,
      ...(options.base === undefined ? {} : { base: options.base }),
    },
  };
  if (options.labels !== undefined) {
    shape.labels = {
      results: options.labels.map(v2Label),
      meta: { hasMore: false, cursor: null },
      _links: {},
    };
  }
  return shape;
}

export function v2Label(label: PageLabel): Record<string, unknown> {
  return { id: label.id, name: label.name, prefix: label.prefix };
}

export function v2Property(property: ContentProperty): Record<string, unknown> {
  return { id: property.id, key: property.key, value: property.value, version: v2Version(property.version) };
}

export function webui(page: WikiPage): string {
  const slug = page.title.trim().split(/\s+/).map(encodeURIComponent).join('+');
  return `/spaces/${page.spaceKey}/pages/${page.id}/${slug}`;
}

/** Short links carry the id's little-endian bytes in base64url: 249528617 → /x/KYHfDg (as Cloud shows). */
export function tiny(id: string): string {
  const n = BigInt(id);
  const bytes: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) bytes.push(Number(v & 0xffn));
  return Buffer.from(bytes).toString('base64url');
}
