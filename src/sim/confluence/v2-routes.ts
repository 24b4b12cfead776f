import { jsonResponse } from '../sim-response.js';
import { v2Error } from './api-errors.js';
import { compareIds } from './cql-filter.js';
import { compareKeys, type SortKey } from './page-cursor.js';
import { listParam, v2ListResponse } from './v2-list.js';
import { v2Label, v2Page, v2Space } from './v2-shapes.js';
import { WikiError } from './wiki-error.js';
import type { PageLabel, WikiPage } from './wiki-page.js';
import type { RouteContext, WikiRoute } from './wiki-route.js';

/**
 * REST v2 reads (developer.atlassian.com/cloud/confluence/rest/v2): spaces by key, the pages of a
 * space, pages by id, one page, a page's labels. Collections page by cursor (v2-list.ts).
 *
 *   GET /wiki/api/v2/spaces?keys=A,B&ids=&limit=&cursor=
 *   GET /wiki/api/v2/spaces/{id}/pages?status=&title=&depth=&sort=&body-format=storage&limit=&cursor=
 *   GET /wiki/api/v2/pages?id=&space-id=&status=&title=&sort=&body-format=&limit=&cursor=
 *   GET /wiki/api/v2/pages/{id}?body-format=storage&status=&include-labels=true
 *   GET /wiki/api/v2/pages/{id}/labels?prefix=&sort=&limit=&cursor=
 *
 * Collections list `current` (and `archived`, which the simulator never has) unless `status=`
 * says otherwise. A single page is served in any status, `trashed` included, unless `status=`
 * excludes it; a purged page is a 404. Only the storage body format is held.
 */
const STATUSES = ['current', 'archived', 'trashed', 'deleted'];
const SORTS = ['id', 'created-date', 'modified-date', 'title'];

export const v2Routes: WikiRoute[] = [
  { method: 'GET', pattern: /^\/api\/v2\/spaces$/, kind: 'spaces', family: 'v2', handle: spaces },
  {
    method: 'GET',
    pattern: /^\/api\/v2\/spaces\/([^/]+)\/pages$/,
    kind: 'space-pages',
    family: 'v2',
    handle: spacePages,
  },
  { method: 'GET', pattern: /^\/api\/v2\/pages$/, kind: 'pages', family: 'v2', handle: pages },
  { method: 'GET', pattern: /^\/api\/v2\/pages\/([^/]+)$/, kind: 'page', family: 'v2', handle: page },
  {
    method: 'GET',
    pattern: /^\/api\/v2\/pages\/([^/]+)\/labels$/,
    kind: 'page-labels',
    family: 'v2',
    handle: pageLabels,
  },
];

function spaces({ req, store }: RouteContext) {
  const keys = listParam(req.query, 'keys');
  const ids = listParam(req.query, 'ids');
  const chosen = store
    .spaces()
    .filter((s) => (keys.length === 0 || keys.includes(s.key)) && (ids.length === 0 || ids.includes(s.id)))
    .sort((a, b) => compareIds(a.id, b.id));
  return v2ListResponse(req, chosen, (s) => [s.id], v2Space);
}

function spacePages(ctx: RouteContext) {
  const space = ctx.store.spaceById(requireId(ctx.params[0]));
  if (space === undefined) return v2Error(404);
  return pageList(
    ctx,
    (p) => p.spaceId === space.id && (ctx.req.query.get('depth') !== 'root' || p.parentId === undefined),
  );
}

function pages(ctx: RouteContext) {
  const ids = listParam(ctx.req.query, 'id');
  const spaceIds = listParam(ctx.req.query, 'space-id');
  return pageList(
    ctx,
    (p) =>
      (ids.length === 0 || ids.includes(p.id)) && (spaceIds.length === 0 || spaceIds.includes(p.spaceId)),
  );
}

function pageList(ctx: RouteContext, where: (page: WikiPage) => boolean) {
  const { req, store, stats } = ctx;
  const bodyFormat = readBodyFormat(req.query.get('body-format'));
  const statuses = readStatuses(listParam(req.query, 'status'), ['current', 'archived']);
  const title = req.query.get('title');
  const { keyOf, direction } = readSort(req.query.get('sort'));
  const chosen = [...store.pages()]
    .filter((p) => where(p) && statuses.includes(p.status) && (title === null || p.title === title))
    .sort((a, b) => direction * compareKeys(keyOf(a), keyOf(b)));
  return v2ListResponse(
    req,
    chosen,
    keyOf,
    (p) => {
      stats.page(p.id, 'reads');
      return v2Page(p, { bodyFormat });
    },
    direction,
  );
}

function page({ req, store, stats, params, base }: RouteContext) {
  const found = store.page(requireId(params[0]));
  const statuses = readStatuses(listParam(req.query, 'status'), STATUSES);
  if (found === undefined || !statuses.includes(found.status)) return v2Error(404);
  stats.page(found.id, 'reads');
  const labels = req.query.get('include-labels') === 'true' ? store.labelsOf(found) : undefined;
  const bodyFormat = readBodyFormat(req.query.get('body-format'));
  return jsonResponse(200, v2Page(found, { bodyFormat, base, ...(labels === undefined ? {} : { labels }) }));
}

function pageLabels({ req, store, params }: RouteContext) {
  const found = store.page(requireId(params[0]));
  if (found === undefined) return v2Error(404);
  const prefix = req.query.get('prefix');
  const sort = req.query.get('sort') ?? '';
  const direction = sort.startsWith('-') ? -1 : 1;
  const keyOf = (l: PageLabel): SortKey => (sort.replace(/^-/, '') === 'name' ? [l.name, l.id] : [l.id]);
  const labels = store
    .labelsOf(found)
    .filter((l) => prefix === null || l.prefix === prefix)
    .sort((a, b) => direction * compareKeys(keyOf(a), keyOf(b)));
  return v2ListResponse(req, labels, keyOf, v2Label, direction);
}

/** v2 ids are integers; anything else is a 400 naming the value, as Cloud words it. */
export function requireId(raw: string | undefined): string {
  if (raw === undefined || !/^\d+$/.test(raw)) {
    throw new WikiError(
      'bad_request',
      `Provided value {${raw ?? ''}} for 'id' is not the correct type. Expected type is ContentId`,
    );
  }
  return raw;
}

function readBodyFormat(raw: string | null): 'storage' | undefined {
  if (raw === null || raw === '') return undefined;
  if (raw === 'storage') return 'storage';
  throw new WikiError('bad_request', `The simulator holds bodies in storage format only, not '${raw}'`);
}

function readStatuses(asked: string[], fallback: string[]): string[] {
  for (const status of asked) {
    if (!STATUSES.includes(status))
      throw new WikiError('bad_request', `Provided value {${status}} for 'status' is not valid`);
  }
  return asked.length === 0 ? fallback : asked;
}

function readSort(raw: string | null): { keyOf: (p: WikiPage) => SortKey; direction: 1 | -1 } {
  const sort = raw === null || raw === '' ? 'id' : raw;
  const field = sort.replace(/^-/, '');
  if (!SORTS.includes(field))
    throw new WikiError('bad_request', `Provided value {${sort}} for 'sort' is not valid`);
  const direction = sort.startsWith('-') ? -1 : 1;
  const keyOf = (p: WikiPage): SortKey => {
    if (field === 'created-date') return [p.createdAt, p.id];
    if (field === 'modified-date') return [p.version.createdAt, p.id];
    if (field === 'title') return [p.title, p.id];
    return [p.id];
  };
  return { keyOf, direction };
}
