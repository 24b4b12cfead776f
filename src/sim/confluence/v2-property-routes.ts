import { jsonResponse } from '../sim-response.js';
import { noContent, v2Error } from './api-errors.js';
import {
  createProperty,
  deleteProperty,
  findProperty,
  updateProperty,
  type PropertyWrite,
} from './content-properties.js';
import { compareIds } from './cql-filter.js';
import { v2ListResponse } from './v2-list.js';
import { requireId } from './v2-routes.js';
import { v2Property } from './v2-shapes.js';
import { WikiError } from './wiki-error.js';
import type { RouteContext, WikiRoute } from './wiki-route.js';

/**
 * A page's content properties, REST v2:
 *
 *   GET    /wiki/api/v2/pages/{id}/properties?key=&limit=&cursor=
 *   POST   /wiki/api/v2/pages/{id}/properties                  {key, value}
 *   GET    /wiki/api/v2/pages/{id}/properties/{property-id}
 *   PUT    /wiki/api/v2/pages/{id}/properties/{property-id}    {key, value, version: {number, message}}
 *   DELETE /wiki/api/v2/pages/{id}/properties/{property-id}    → 204
 *
 * The version rule and refusals are in content-properties.ts.
 */
const COLLECTION = /^\/api\/v2\/pages\/([^/]+)\/properties$/;
const ONE = /^\/api\/v2\/pages\/([^/]+)\/properties\/([^/]+)$/;

export const v2PropertyRoutes: WikiRoute[] = [
  { method: 'GET', pattern: COLLECTION, kind: 'page-properties', family: 'v2', handle: list },
  { method: 'POST', pattern: COLLECTION, kind: 'page-properties', family: 'v2', handle: create },
  { method: 'GET', pattern: ONE, kind: 'page-properties', family: 'v2', handle: read },
  { method: 'PUT', pattern: ONE, kind: 'page-properties', family: 'v2', handle: update },
  { method: 'DELETE', pattern: ONE, kind: 'page-properties', family: 'v2', handle: remove },
];

function list({ req, store, params }: RouteContext) {
  const page = store.page(requireId(params[0]));
  if (page === undefined) return v2Error(404);
  const key = req.query.get('key');
  const chosen = [...page.properties.values()]
    .filter((p) => key === null || p.key === key)
    .sort((a, b) => compareIds(a.id, b.id));
  return v2ListResponse(req, chosen, (p) => [p.id], v2Property);
}

function create({ req, store, params, now }: RouteContext) {
  const page = store.requirePage(requireId(params[0]));
  return jsonResponse(
    200,
    v2Property(createProperty(page, readWrite(req.body), store.newPropertyId(), now())),
  );
}

function read({ store, params }: RouteContext) {
  const page = store.requirePage(requireId(params[0]));
  return jsonResponse(200, v2Property(findProperty(page, requireId(params[1]))));
}

function update({ req, store, params, now }: RouteContext) {
  const page = store.requirePage(requireId(params[0]));
  return jsonResponse(
    200,
    v2Property(updateProperty(page, requireId(params[1]), readWrite(req.body), now())),
  );
}

function remove({ store, params }: RouteContext) {
  deleteProperty(store.requirePage(requireId(params[0])), requireId(params[1]));
  return noContent();
}

function readWrite(body: string): PropertyWrite {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new WikiError('bad_request', 'The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WikiError('bad_request', 'The request body must be a JSON object');
  }
  return parsed as PropertyWrite;
}
