import { jsonResponse } from '../sim-response.js';
import { readOffsetPage, v1ListResponse } from './v1-list.js';
import { v1Space } from './v1-space.js';
import { listParam } from './v2-list.js';
import { WikiError } from './wiki-error.js';
import type { RouteContext, WikiRoute } from './wiki-route.js';

/**
 * Spaces, REST v1 (Data Center's SpaceResource; Cloud's api-group-space), below the API's context:
 *
 *   GET {context}/rest/api/space?spaceKey=A&spaceKey=B,C&start=&limit=   all spaces without spaceKey
 *   GET {context}/rest/api/space/{key}                                    404 "No space with key : KEY"
 *
 * Listed in key order, 25 by default, 250 at most.
 */
export const v1SpaceRoutes: WikiRoute[] = [
  { method: 'GET', pattern: /^\/rest\/api\/space$/, kind: 'space-list', family: 'v1', handle: list },
  { method: 'GET', pattern: /^\/rest\/api\/space\/([^/]+)$/, kind: 'space', family: 'v1', handle: one },
];

function list(ctx: RouteContext) {
  const keys = listParam(ctx.req.query, 'spaceKey');
  const chosen = ctx.store
    .spaces()
    .filter((s) => keys.length === 0 || keys.includes(s.key))
    .sort((a, b) => a.key.localeCompare(b.key));
  return v1ListResponse(ctx, '/rest/api/space', chosen, readOffsetPage(ctx.req.query), (s) =>
    v1Space(s, ctx),
  );
}

function one(ctx: RouteContext) {
  const key = ctx.params[0] ?? '';
  const space = ctx.store.space(key);
  if (space === undefined) throw new WikiError('not_found', `No space with key : ${key}`);
  return jsonResponse(200, v1Space(space, ctx));
}
