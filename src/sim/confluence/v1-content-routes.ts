import { jsonResponse } from '../sim-response.js';
import { compareIds } from './cql-filter.js';
import { readOffsetPage, v1ListResponse } from './v1-list.js';
import { NO_CONTENT } from './v1-label-routes.js';
import { readExpand, v1Content } from './v1-shapes.js';
import { listParam } from './v2-list.js';
import { WikiError } from './wiki-error.js';
import type { RouteContext, WikiRoute } from './wiki-route.js';

/**
 * Content reads, REST v1 (Data Center's ContentResource; Cloud's api-group-content), below the
 * API's context:
 *
 *   GET {context}/rest/api/content?spaceKey=&type=page&status=&title=&expand=&start=&limit=
 *   GET {context}/rest/api/content/{id}?status=&expand=
 *
 * `status` (repeated or comma-separated) defaults to current; `any` is current and trashed, as
 * Data Center documents it. So a trashed page is a 404 unless asked for; a purged one always is.
 * Only pages exist here: another known type lists nothing. Lists are in id order, 25 by default,
 * 250 at most.
 */
const STATUSES = ['current', 'trashed', 'draft', 'historical', 'archived', 'deleted', 'any'];
const TYPES = ['page', 'blogpost', 'comment', 'attachment'];

export const v1ContentRoutes: WikiRoute[] = [
  { method: 'GET', pattern: /^\/rest\/api\/content$/, kind: 'content-list', family: 'v1', handle: list },
  { method: 'GET', pattern: /^\/rest\/api\/content\/(\d+)$/, kind: 'content', family: 'v1', handle: one },
];

function list(ctx: RouteContext) {
  const { req, store, stats } = ctx;
  const type = req.query.get('type') ?? 'page';
  if (!TYPES.includes(type)) throw new WikiError('bad_request', `Invalid content type: ${type}`);
  const statuses = readStatuses(req.query);
  const spaceKey = req.query.get('spaceKey');
  const title = req.query.get('title');
  const expand = readExpand(req.query.get('expand'));
  const chosen = [...store.pages()]
    .filter(
      (p) =>
        type === 'page' &&
        statuses.includes(p.status) &&
        (spaceKey === null || p.spaceKey === spaceKey) &&
        (title === null || p.title === title),
    )
    .sort((a, b) => compareIds(a.id, b.id));
  return v1ListResponse(ctx, '/rest/api/content', chosen, readOffsetPage(req.query), (p) => {
    stats.page(p.id, 'reads');
    return v1Content(p, store.space(p.spaceKey), ctx, expand);
  });
}

function one(ctx: RouteContext) {
  const { req, store, params, stats } = ctx;
  const page = store.page(params[0] ?? '');
  if (page === undefined || !readStatuses(req.query).includes(page.status)) {
    throw new WikiError('not_found', NO_CONTENT);
  }
  stats.page(page.id, 'reads');
  const space = store.space(page.spaceKey);
  return jsonResponse(200, v1Content(page, space, ctx, readExpand(req.query.get('expand'))));
}

function readStatuses(query: URLSearchParams): string[] {
  const asked = listParam(query, 'status');
  for (const status of asked) {
    if (!STATUSES.includes(status)) throw new WikiError('bad_request', `Invalid status: ${status}`);
  }
  if (asked.length === 0) return ['current'];
  return asked.includes('any') ? [...asked, 'current', 'trashed'] : asked;
}
