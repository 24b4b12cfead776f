import { jsonResponse, type SimResponse } from '../sim-response.js';
import { decodeCursor, readLimit } from './page-cursor.js';
import { WikiError } from './wiki-error.js';
import type { RouteContext } from './wiki-route.js';

/**
 * A v1 collection, paged by offset as Confluence's v1 pages it (Data Center's "Pagination in the
 * REST API" and CONFSERVER-95396 show the links):
 *
 *   {results, start, limit, size, _links: {base, context, self, next?, prev?}}
 *
 *   results = items[start, start + limit)      next only when start + limit < items.length
 *
 * `next`/`prev` are the request's own query with `start` and `limit` replaced, relative to the
 * context ("/rest/api/content?spaceKey=ENG&limit=2&start=2"): a client resolves them against
 * `_links.base`. `self` is the collection without its query, as Data Center writes it.
 */
export interface OffsetPage {
  start: number;
  limit: number;
}

export function readOffsetPage(query: URLSearchParams, fallbackLimit = 25, maxLimit = 250): OffsetPage {
  return { start: readStart(query), limit: readLimit(query.get('limit'), fallbackLimit, maxLimit) };
}

export function v1ListResponse<T>(
  ctx: RouteContext,
  route: string,
  items: readonly T[],
  { start, limit }: OffsetPage,
  shape: (item: T) => unknown,
): SimResponse {
  const results = items.slice(start, start + limit).map(shape);
  const links: Record<string, string> = {
    base: ctx.base,
    context: ctx.context,
    self: `${ctx.base}${route}`,
  };
  const at = (offset: number) => {
    const query = new URLSearchParams(ctx.req.query);
    query.set('limit', String(limit));
    query.set('start', String(offset));
    return `${route}?${query.toString()}`;
  };
  if (start + limit < items.length) links.next = at(start + limit);
  if (start > 0) links.prev = at(Math.max(0, start - limit));
  return jsonResponse(200, { results, start, limit, size: results.length, _links: links });
}

/** `start`, or the offset a v1 search cursor carries; a negative or fractional start is a 400. */
export function readStart(query: URLSearchParams): number {
  const cursor = query.get('cursor');
  const raw = cursor === null ? query.get('start') : decodeCursor(cursor).start;
  if (raw === null || raw === undefined || raw === '') return 0;
  const start = Number(raw);
  if (!Number.isInteger(start) || start < 0)
    throw new WikiError('bad_request', `Invalid start: ${String(raw)}`);
  return start;
}
