import { jsonResponse, type SimResponse } from '../sim-response.js';
import { compileCql, type CqlRecord } from './cql-filter.js';
import { CqlError } from './cql-parser.js';
import { encodeCursor, readLimit } from './page-cursor.js';
import { readStart } from './v1-list.js';
import { v1SearchResult } from './v1-search-result.js';
import { readExpand, v1Content } from './v1-shapes.js';
import { WikiError } from './wiki-error.js';
import type { WikiPage } from './wiki-page.js';
import type { RouteContext, WikiRoute } from './wiki-route.js';

/**
 * CQL search, REST v1 (developer.atlassian.com/cloud/confluence/rest/v1/api-group-search):
 *
 *   GET {context}/rest/api/content/search?cql=&expand=&limit=&start=&cursor=   → ContentArray
 *   GET {context}/rest/api/search?cql=&expand=&limit=&start=&cursor=           → SearchPageResponse
 *
 * Only current content is indexed (a trashed page drops out of search). Paging is by offset:
 * `start`, or the `cursor` that `_links.next` carries (relative to the context, as Cloud writes
 * it: "/rest/api/content/search?cql=…&limit=25&cursor=…"). A query the CQL subset cannot
 * read is a 400 "Could not parse cql : <cql>".
 */
export const v1SearchRoutes: WikiRoute[] = [
  {
    method: 'GET',
    pattern: /^\/rest\/api\/content\/search$/,
    kind: 'search',
    family: 'v1',
    handle: (ctx) => search(ctx, 'content'),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/search$/,
    kind: 'search',
    family: 'v1',
    handle: (ctx) => search(ctx, 'search'),
  },
];

function search(ctx: RouteContext, flavour: 'content' | 'search'): SimResponse {
  const { req, store, base, now } = ctx;
  const cql = req.query.get('cql');
  if (cql === null || cql.trim() === '') throw new WikiError('bad_request', 'The cql parameter is required');
  const startedAt = now();
  let filter;
  try {
    filter = compileCql(cql);
  } catch (err) {
    if (err instanceof CqlError) throw new WikiError('bad_request', `Could not parse cql : ${cql}`);
    throw err;
  }
  const hits = [...store.pages()].filter((p) => p.status === 'current' && filter.matches(record(p)));
  const records = new Map(hits.map((p) => [p, record(p)]));
  hits.sort((a, b) => filter.compare(records.get(a) as CqlRecord, records.get(b) as CqlRecord));

  const limit = readLimit(req.query.get('limit'));
  const start = readStart(req.query);
  const served = hits.slice(start, start + limit);
  const expand = readExpand(req.query.get('expand'));
  const route = flavour === 'content' ? '/rest/api/content/search' : '/rest/api/search';
  const links: Record<string, string> = {
    base,
    context: ctx.context,
    self: `${base}${route}?${selfQuery(req.query)}`,
  };
  if (start + limit < hits.length) {
    const next = new URLSearchParams(req.query);
    next.delete('start');
    next.set('limit', String(limit));
    next.set('cursor', encodeCursor({ start: start + limit }));
    links.next = `${route}?${next.toString()}`;
  }
  for (const page of served) ctx.stats.page(page.id, 'reads');
  const space = (p: WikiPage) => store.space(p.spaceKey);
  if (flavour === 'content') {
    const results = served.map((p) => v1Content(p, space(p), ctx, expand));
    return jsonResponse(200, { results, start, limit, size: results.length, _links: links });
  }
  const results = served.map((p) => v1SearchResult(p, space(p), ctx, expand));
  return jsonResponse(200, {
    results,
    start,
    limit,
    size: results.length,
    totalSize: hits.length,
    cqlQuery: cql,
    searchDuration: now() - startedAt,
    _links: links,
  });
}

function record(page: WikiPage): CqlRecord {
  return {
    id: page.id,
    type: 'page',
    spaceKey: page.spaceKey,
    title: page.title,
    labels: [...page.labels.keys()],
    created: page.createdAt,
    lastModified: page.version.createdAt,
  };
}

function selfQuery(query: URLSearchParams): string {
  const self = new URLSearchParams(query);
  self.delete('cursor');
  return self.toString();
}
