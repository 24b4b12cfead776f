import { jsonResponse } from '../sim-response.js';
import { noContent } from './api-errors.js';
import { isLabelPrefix, labelNameProblem, labelNamesFrom, type LabelPrefix } from './label-names.js';
import { readOffsetPage, v1ListResponse } from './v1-list.js';
import { v1Label, v1LabelArray } from './v1-shapes.js';
import { WikiError } from './wiki-error.js';
import type { WikiPage } from './wiki-page.js';
import type { RouteContext, WikiRoute } from './wiki-route.js';

/**
 * A page's labels, REST v1 (developer.atlassian.com/cloud/confluence/rest/v1/api-group-content-labels),
 * below the API's context (/wiki on Cloud, the context path on Data Center):
 *
 *   GET    {context}/rest/api/content/{id}/label?prefix=&start=&limit=   LabelArray, limit 200 at most
 *   POST   {context}/rest/api/content/{id}/label          [{prefix, name}, …] → all the page's labels
 *   DELETE {context}/rest/api/content/{id}/label/{label}  → 204
 *   DELETE {context}/rest/api/content/{id}/label?name=    → 204 (for names a path cannot carry)
 *
 * Adding a label the page has is a no-op (200), removing one it lacks is a 404; names are split
 * on spaces and lowercased (label-names.ts). Labels change on current pages only: for a trashed
 * page, as for a missing one, v1 answers 404.
 */
export const NO_CONTENT =
  'There is no content with the given id, or the calling user does not have permission to view the content';
const LABELS = /^\/rest\/api\/content\/(\d+)\/label$/;

export const v1LabelRoutes: WikiRoute[] = [
  { method: 'GET', pattern: LABELS, kind: 'content-labels', family: 'v1', handle: labels },
  { method: 'POST', pattern: LABELS, kind: 'label-add', family: 'v1', handle: addLabels },
  {
    method: 'DELETE',
    pattern: /^\/rest\/api\/content\/(\d+)\/label\/([^/]+)$/,
    kind: 'label-remove',
    family: 'v1',
    handle: (ctx) => removeLabel(ctx, ctx.params[1] ?? ''),
  },
  {
    method: 'DELETE',
    pattern: LABELS,
    kind: 'label-remove',
    family: 'v1',
    handle: (ctx) => removeLabel(ctx, ctx.req.query.get('name') ?? ''),
  },
];

function labels(ctx: RouteContext) {
  const { req, store, params } = ctx;
  const page = current(store.page(params[0] ?? ''));
  const prefix = req.query.get('prefix');
  const chosen = store.labelsOf(page).filter((l) => prefix === null || l.prefix === prefix);
  const route = `/rest/api/content/${page.id}/label`;
  return v1ListResponse(ctx, route, chosen, readOffsetPage(req.query, 200, 200), v1Label);
}

function addLabels(ctx: RouteContext) {
  const { req, store, stats, params } = ctx;
  stats.count('labelWrites');
  const page = current(store.page(params[0] ?? ''));
  stats.page(page.id, 'labelAdds');
  const requests = readLabelCreates(req.body);
  // Every name is checked before any is added, so one bad name changes nothing.
  for (const name of [...requests.values()].flat().flatMap(labelNamesFrom)) {
    const problem = labelNameProblem(name);
    if (problem !== undefined) throw new WikiError('bad_request', problem);
  }
  let added = 0;
  for (const [prefix, names] of requests) added += store.addLabels(page, names, prefix, 'api').length;
  stats.count('labelsAdded', added);
  stats.page(page.id, 'labelsAdded', added);
  return jsonResponse(200, v1LabelArray(store.labelsOf(page), ctx, `/rest/api/content/${page.id}/label`));
}

function removeLabel({ store, stats, params }: RouteContext, name: string) {
  stats.count('labelWrites');
  const page = current(store.page(params[0] ?? ''));
  stats.page(page.id, 'labelRemoves');
  if (name.trim() === '') throw new WikiError('bad_request', 'A label name is required');
  if (!store.removeLabel(page, name)) throw new WikiError('not_found', `Label not found: ${name}`);
  stats.count('labelsRemoved');
  stats.page(page.id, 'labelsRemoved');
  return noContent();
}

function current(page: WikiPage | undefined): WikiPage {
  if (page === undefined || page.status !== 'current') throw new WikiError('not_found', NO_CONTENT);
  return page;
}

/** `[{prefix, name}, …]` (or one such object), grouped by prefix; `prefix` defaults to global. */
function readLabelCreates(body: string): Map<LabelPrefix, string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new WikiError('bad_request', 'The request body is not valid JSON');
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  if (items.length === 0) throw new WikiError('bad_request', 'At least one label is required');
  const byPrefix = new Map<LabelPrefix, string[]>();
  for (const item of items) {
    const { prefix = 'global', name } = (typeof item === 'object' && item !== null ? item : {}) as Record<
      string,
      unknown
    >;
    if (typeof name !== 'string') throw new WikiError('bad_request', "Each label needs a 'name'");
    if (typeof prefix !== 'string' || !isLabelPrefix(prefix)) {
      throw new WikiError('bad_request', `Invalid label prefix: ${String(prefix)}`);
    }
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), name]);
  }
  return byPrefix;
}
