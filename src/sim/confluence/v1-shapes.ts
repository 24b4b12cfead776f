import { iso, tiny, webui } from './v2-shapes.js';
import type { PageLabel, WikiPage, WikiSpace } from './wiki-page.js';

/**
 * The JSON of REST v1 objects (Content, Label, LabelArray, SearchResult) as Confluence.js's v1
 * models and real Cloud answers show them: `_expandable` names what `expand=` would add, and
 * `expand` may ask for `body.storage`, `version`, `space`, `history`, `metadata.labels`.
 */
export function v1Label(label: PageLabel): Record<string, unknown> {
  return { prefix: label.prefix, name: label.name, id: label.id, label: label.name };
}

export function v1LabelArray(
  labels: readonly PageLabel[],
  base: string,
  self: string,
): Record<string, unknown> {
  return {
    results: labels.map(v1Label),
    start: 0,
    limit: 200,
    size: labels.length,
    _links: { self: `${base}${self}`, base, context: '/wiki' },
  };
}

export function v1Content(
  page: WikiPage,
  space: WikiSpace | undefined,
  base: string,
  expand: ReadonlySet<string>,
): Record<string, unknown> {
  const content: Record<string, unknown> = {
    id: page.id,
    type: 'page',
    status: page.status,
    title: page.title,
    macroRenderedOutput: {},
    extensions: { position: page.position },
  };
  const expandable: Record<string, string> = {
    container: `/rest/api/space/${page.spaceKey}`,
    metadata: '',
    restrictions: `/rest/api/content/${page.id}/restriction/byOperation`,
    history: `/rest/api/content/${page.id}/history`,
    body: '',
    version: '',
    descendants: `/rest/api/content/${page.id}/descendant`,
    space: `/rest/api/space/${page.spaceKey}`,
    childTypes: '',
    operations: '',
    children: `/rest/api/content/${page.id}/child`,
    ancestors: '',
  };
  if (expand.has('version')) {
    content.version = {
      by: { type: 'known', accountId: page.version.authorId, accountType: 'atlassian' },
      when: iso(page.version.createdAt),
      friendlyWhen: iso(page.version.createdAt),
      message: page.version.message,
      number: page.version.number,
      minorEdit: page.version.minorEdit,
      contentTypeModified: false,
      _links: { self: `${base}/rest/api/content/${page.id}/version/${page.version.number}` },
    };
    delete expandable.version;
  }
  if (expand.has('space') && space !== undefined) {
    content.space = {
      id: Number(space.id),
      key: space.key,
      name: space.name,
      type: 'global',
      status: 'current',
    };
    delete expandable.space;
  }
  if (expand.has('history') || expand.has('history.lastUpdated')) {
    content.history = {
      latest: page.status === 'current',
      createdBy: { type: 'known', accountId: page.authorId, accountType: 'atlassian' },
      createdDate: iso(page.createdAt),
      ...(expand.has('history.lastUpdated')
        ? { lastUpdated: { when: iso(page.version.createdAt), number: page.version.number } }
        : {}),
    };
    delete expandable.history;
  }
  if (expand.has('body.storage')) {
    content.body = {
      storage: { value: page.body, representation: 'storage', embeddedContent: [] },
      _expandable: { view: '', export_view: '', styled_view: '', editor: '', atlas_doc_format: '' },
    };
    delete expandable.body;
  }
  if (expand.has('metadata.labels')) {
    const labels = [...page.labels.values()].sort((a, b) => a.name.localeCompare(b.name));
    content.metadata = { labels: v1LabelArray(labels, base, `/rest/api/content/${page.id}/label`) };
    delete expandable.metadata;
  }
  content._expandable = expandable;
  content._links = {
    webui: webui(page),
    edit: `/pages/resumedraft.action?draftId=${page.id}`,
    tinyui: `/x/${tiny(page.id)}`,
    self: `${base}/rest/api/content/${page.id}`,
  };
  return content;
}

/** One hit of `GET /wiki/rest/api/search`: the content plus the search engine's own fields. */
export function v1SearchResult(
  page: WikiPage,
  space: WikiSpace | undefined,
  base: string,
  expand: ReadonlySet<string>,
): Record<string, unknown> {
  return {
    content: v1Content(page, space, base, expand),
    title: page.title,
    excerpt: '',
    url: webui(page),
    resultGlobalContainer: { title: space?.name ?? page.spaceKey, displayUrl: `/spaces/${page.spaceKey}` },
    breadcrumbs: [],
    entityType: 'content',
    iconCssClass: 'aui-icon content-type-page',
    lastModified: iso(page.version.createdAt),
    friendlyLastModified: iso(page.version.createdAt),
    score: 0,
  };
}

/** `expand=a,b.c` as the set of names asked for. */
export function readExpand(raw: string | null): Set<string> {
  const out = new Set<string>();
  for (const part of (raw ?? '').split(',')) {
    const name = part.trim();
    if (name !== '') out.add(name);
  }
  return out;
}
