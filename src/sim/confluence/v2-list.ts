import { jsonResponse, type SimResponse } from '../sim-response.js';
import { decodeCursor, encodeCursor, keysetPage, readLimit, type SortKey } from './page-cursor.js';
import { WikiError } from './wiki-error.js';
import type { WikiRequest } from './wiki-route.js';

/**
 * A v2 collection answer: `{results, _links: {next?, base}}`, with the same `next` (the request's
 * own query, its cursor replaced) in a `Link: <next>; rel="next", <base>; rel="base"` header, as
 * Cloud sends it. `next` is relative to the site and starts with /wiki.
 */
export function v2ListResponse<T>(
  req: WikiRequest,
  sorted: readonly T[],
  keyOf: (item: T) => SortKey,
  shape: (item: T) => unknown,
  direction: 1 | -1 = 1,
): SimResponse {
  const limit = readLimit(req.query.get('limit'));
  const cursor = req.query.get('cursor');
  const after = cursor === null ? undefined : cursorKey(cursor);
  const page = keysetPage(sorted, keyOf, after, limit, direction);
  const base = `${req.site}/wiki`;
  const links: Record<string, string> = {};
  const headers: Record<string, string> = {};
  if (page.next !== undefined) {
    const query = new URLSearchParams(req.query);
    query.set('cursor', encodeCursor({ k: page.next }));
    links.next = `${req.path}?${query.toString()}`;
    headers.link = `<${links.next}>; rel="next", <${base}>; rel="base"`;
  }
  links.base = base;
  return jsonResponse(200, { results: page.results.map(shape), _links: links }, headers);
}

function cursorKey(cursor: string): SortKey {
  const state = decodeCursor(cursor);
  const key = state.k;
  if (Array.isArray(key) && key.every((v) => typeof v === 'string' || typeof v === 'number')) return key;
  throw new WikiError('bad_request', `Provided value {${cursor}} for 'cursor' is not valid`);
}

/** A multi-valued query parameter, given repeated (`?id=1&id=2`) or comma-separated (`?id=1,2`). */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}
