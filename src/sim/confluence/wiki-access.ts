import { jsonResponse, type SimResponse } from '../sim-response.js';
import type { Deployment } from './api-context.js';
import { v1Error, v2Error } from './api-errors.js';
import type { Principal } from './wiki-auth.js';

/**
 * What Confluence answers a caller it does not know. Real Cloud treats a Basic header with a wrong
 * email or token as an anonymous request on a site closed to anonymous users, so
 *
 *   mode 'anonymous' (default)  v2 → bare 404 NOT_FOUND       (hunyadi/md2conf#113)
 *                               v1 → 403 "Current user not permitted to use Confluence"
 *                                    (kovetskiy/mark#493, markdown-confluence#635)
 *   mode 'unauthorized'         401 {"code":401,"message":"Unauthorized"} from the edge, as other
 *                               sites answer a bad token (kovetskiy/mark#57)
 *
 * A wrong Data Center personal access token (Bearer) is always a 401, and a request with no
 * Authorization header at all is always anonymous. An API token with scopes sent to the site
 * instead of the API gateway is the edge's 401 "Unauthorized; scope does not match" (Atlassian
 * KB "401 Unauthorized error when service account accesses Jira or Confluence API"; the message as
 * community threads quote it).
 *
 * Data Center (a site closed to anonymous users) refuses every unknown caller with a 401 and
 * Seraph's `X-Seraph-LoginReason` header (Atlassian KB "AUTHENTICATION_DENIED error when accessing
 * Confluence content via REST API"); a wrong Basic password is Tomcat's "Basic Authentication
 * Failure - Reason : AUTHENTICATED_FAILED" (markdown-confluence#621, zereight/confluence-mcp#6),
 * here in the v1 JSON shape instead of Tomcat's HTML page. `mode` does not apply.
 */
export type AuthFailureMode = 'anonymous' | 'unauthorized';
export type ApiFamily = 'v1' | 'v2';

export function refusalFor(
  principal: Principal,
  mode: AuthFailureMode,
  family: ApiFamily,
  deployment: Deployment = 'cloud',
): SimResponse | undefined {
  if (principal.kind === 'user' || principal.kind === 'pat') return undefined;
  if (deployment === 'data-center') return dataCenterRefusal(principal);
  if (principal.kind === 'scopedAtSite')
    return jsonResponse(401, { code: 401, message: 'Unauthorized; scope does not match' });
  const bearer = principal.kind === 'invalid' && principal.scheme === 'bearer';
  if (bearer || (principal.kind === 'invalid' && mode === 'unauthorized')) {
    return jsonResponse(401, { code: 401, message: 'Unauthorized' });
  }
  if (family === 'v2') return v2Error(404);
  return jsonResponse(403, { message: 'Current user not permitted to use Confluence', statusCode: 403 });
}

function dataCenterRefusal(principal: Principal): SimResponse {
  if (principal.kind !== 'invalid') return v1Error(401, 'This resource requires authentication');
  const message =
    principal.scheme === 'basic'
      ? 'Basic Authentication Failure - Reason : AUTHENTICATED_FAILED'
      : 'Authentication failed';
  return v1Error(401, message, { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' });
}
