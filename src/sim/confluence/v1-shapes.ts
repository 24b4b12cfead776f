import type { Deployment } from './api-context.js';
import { iso, tiny, webui } from './v2-shapes.js';
import { v1Space } from './v1-space.js';
import { PERSON_USER_KEY } from './webhook-payload.js';
import type { PageLabel, WikiPage, WikiSpace } from './wiki-page.js';
import type { ApiSite } from './wiki-route.js';

/**
 * The JSON of REST v1 objects (Content, Label, LabelArray) as Confluence.js's v1 models, real Cloud
 * answers and Data Center's REST examples (developer.atlassian.com/server/confluence/confluence-rest-api-examples)
 * show them: `_expandable` names what `expand=` would add, and `expand` may ask for `body.storage`,
 * `version`, `space`, `history`, `metadata.labels`. The two deployments differ in people (Cloud
 * accountId, Data Center username/userKey) and web links (/spaces/… vs /display/…).
 */
export function v1Label(label: PageLabel): Record<string, unknown> {
  return { prefix: label.prefix, name: label.name, id: label.id, label: label.name };
}

export function v1LabelArray(
  labels: readonly PageLabel[],
  site: ApiSite,
  self: string,
): Record<string, unknown> {
  return {
    results: labels.map(v1Label),
    start: 0,
    limit: 200,
    size: labels.length,
    _links: { self: `${site.base}${self}`, base: site.base, context: site.context },
  };
}

/** A person as v1 writes one (`version.by`, `history.createdBy`). */
export function v1Person(accountId: string, deployment: Deployment): Record<string, unknown> {
  if (deployment === 'cloud') return { type: 'known', accountId, accountType: 'atlassian' };
  // The one person editing a Data Center site, the same userKey its webhooks carry.
  return { type: 'known', username: 'editor', userKey: PERSON_USER_KEY, displayName: 'Editor' };
}

export function v1Webui(page: WikiPage, deployment: Deployment): string {
  if (deployment === 'cloud') return webui(page);
  const slug = page.title.trim().split(/\s+/).map(encodeURIComponent).join('+');
  return `/display/${page.spaceKey}/${slug}`;
}

export function v1Content(
  page: WikiPage,
  space: WikiSpace | undefined,
  site: ApiSite,
  expand: ReadonlySet<string>,
): Record<string, unknown> {
  const { base, deployment } = site;
  const cloud = deployment === 'cloud';
  const content: Record<string, unknown> = {
    id: page.id,
    type: 'page',
    status: page.status,
    title: page.title,
    ...(cloud ? { macroRenderedOutput: {} } : {}),
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
    const when = iso(page.version.createdAt);
    content.version = {
      by: v1Person(page.version.authorId, deployment),
      when,
      ...(cloud ? { friendlyWhen: when } : {}),
      message: page.version.message,
      number: page.version.number,
      minorEdit: page.version.minorEdit,
      ...(cloud ? { contentTypeModified: false } : { hidden: false }),
      _links: { self: `${base}/rest/api/content/${page.id}/version/${page.version.number}` },
    };
    delete expandable.version;
  }
  if (expand.has('space') && space !== undefined) {
    content.space = v1Space(space, site);
    delete expandable.space;
  }
  if (expand.has('history') || expand.has('history.lastUpdated')) {
    content.history = {
      latest: page.status === 'current',
      createdBy: v1Person(page.authorId, deployment),
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
    content.metadata = { labels: v1LabelArray(labels, site, `/rest/api/content/${page.id}/label`) };
    delete expandable.metadata;
  }
  content._expandable = expandable;
  content._links = {
    webui: v1Webui(page, deployment),
    edit: `/pages/resumedraft.action?draftId=${page.id}`,
    tinyui: `/x/${tiny(page.id)}`,
    self: `${base}/rest/api/content/${page.id}`,
  };
  return content;
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
