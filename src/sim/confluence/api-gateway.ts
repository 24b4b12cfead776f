import { jsonResponse, type SimResponse } from '../sim-response.js';
import type { WikiRequest } from './wiki-route.js';

/**
 * Atlassian's API gateway and the site's tenant info, for a Cloud site with cloud id `cloudId`:
 *
 *   GET /_edge/tenant_info                   → 200 {"cloudId": cloudId}, no authentication
 *   /ex/confluence/{cloudId}/wiki/…          → the site's /wiki/…, marked as through the gateway
 *                                              (where an API token with scopes is served)
 *   /ex/confluence/{another id}/…            → 404
 *
 * api.atlassian.com is another host in real life; here its paths sit beside the site's on one port,
 * so a test points CONFLUENCE_URL at `${sim}/ex/confluence/${cloudId}` as a user points it at
 * https://api.atlassian.com/ex/confluence/CLOUD_ID.
 */
export type GatewayRoute =
  { kind: 'answer'; response: SimResponse } | { kind: 'wiki'; req: WikiRequest } | undefined;

const GATEWAY = /^\/ex\/confluence\/([^/]+)(\/.*)?$/;

export function gatewayRoute(req: WikiRequest, cloudId: string): GatewayRoute {
  if (req.path === '/_edge/tenant_info' && req.method === 'GET') {
    return { kind: 'answer', response: jsonResponse(200, { cloudId }) };
  }
  const match = GATEWAY.exec(req.path);
  if (match === null) return undefined;
  if (decodeURIComponent(match[1] ?? '') !== cloudId) {
    return { kind: 'answer', response: jsonResponse(404, { code: 404, message: 'Not Found' }) };
  }
  return { kind: 'wiki', req: { ...req, path: match[2] ?? '/', viaGateway: true } };
}
