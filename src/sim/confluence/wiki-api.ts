import { logger } from '../../telemetry/log.js';
import type { SimResponse } from '../sim-response.js';
import { apiContext, type Deployment } from './api-context.js';
import { v1Error, v2Error } from './api-errors.js';
import type { ConfluenceConfig } from './confluence-config.js';
import type { ConfluenceStats } from './confluence-stats.js';
import type { RequestRateLimit } from './request-rate-limit.js';
import { v1ContentRoutes } from './v1-content-routes.js';
import { v1LabelRoutes } from './v1-label-routes.js';
import { v1SearchRoutes } from './v1-search-routes.js';
import { v1SpaceRoutes } from './v1-space-routes.js';
import { v2PropertyRoutes } from './v2-property-routes.js';
import { v2Routes } from './v2-routes.js';
import { refusalFor, type ApiFamily } from './wiki-access.js';
import { authenticate } from './wiki-auth.js';
import { WikiError } from './wiki-error.js';
import type { WikiRequest, WikiRoute } from './wiki-route.js';
import type { WikiStore } from './wiki-store.js';

/**
 * Everything under the API's context (/wiki on Cloud, the context path on Data Center, where
 * there is no v2), in the order Cloud's edge and product apply it:
 *
 *   count → rate limit (429) → authenticate (404 / 403 / 401) → JSON body? (415) → route → error shape
 *
 * so a refused request still counts, and a 429 comes before anyone looks at the credentials.
 * Every answer past the rate limit carries its X-RateLimit-* headers.
 */
export interface WikiApiDeps {
  store: WikiStore;
  stats: ConfluenceStats;
  rateLimit: RequestRateLimit;
  /** Read on every request, so a configure() applies to the next one. */
  config: () => ConfluenceConfig;
  now: () => number;
}

const ROUTES: readonly WikiRoute[] = [
  ...v2Routes,
  ...v2PropertyRoutes,
  ...v1SearchRoutes,
  ...v1SpaceRoutes,
  ...v1ContentRoutes,
  ...v1LabelRoutes,
];

/** Answers a request whose path is the API's (api-context.ts `isApiPath`). */
export function createWikiApi(deps: WikiApiDeps): (req: WikiRequest) => SimResponse {
  const log = logger('sim-confluence');
  return (req) => {
    const config = deps.config();
    const { deployment } = config;
    const context = apiContext(deployment, config.contextPath);
    const path = req.path.slice(context.length);
    const family: ApiFamily = deployment === 'cloud' && path.startsWith('/api/v2/') ? 'v2' : 'v1';
    const found = findRoute(req.method, path, deployment);
    const errorFor = (fam: ApiFamily, status: number, message: string, headers?: Record<string, string>) =>
      errorShape(deployment, fam, status, message, headers);
    deps.stats.request(found?.route.kind ?? 'unknown');
    const rate = deps.rateLimit.admit();
    if (!rate.ok) return counted(deps, errorFor(family, 429, 'Rate limit exceeded', rate.headers));
    const principal = authenticate(req.header('authorization'), config, req.viaGateway === true);
    const refusal = refusalFor(principal, config.authFailure, family, deployment);
    if (refusal !== undefined) {
      // Counted as what it is, whatever status the API disguises it as (a v2 404).
      deps.stats.count('authFailures');
      return withHeaders(refusal, rate.headers);
    }
    if (found === undefined)
      return counted(deps, errorFor(family, 404, `No route for ${req.method} ${req.path}`, rate.headers));
    const type = req.header('content-type') ?? '';
    if ((req.method === 'POST' || req.method === 'PUT') && !/^application\/json\b/i.test(type)) {
      // As Confluence's REST layer does: a body it is not told is JSON is not read at all.
      const message = `Unsupported media type: ${type === '' ? '(none)' : type}`;
      return counted(deps, errorFor(found.route.family, 415, message, rate.headers));
    }
    let response: SimResponse;
    try {
      const params = found.match.slice(1).map((p) => decodeURIComponent(p ?? ''));
      response = found.route.handle({
        req,
        params,
        store: deps.store,
        stats: deps.stats,
        base: `${req.site}${context}`,
        context,
        deployment,
        now: deps.now,
      });
    } catch (err) {
      if (err instanceof WikiError) response = errorFor(found.route.family, err.status, err.message);
      else if (err instanceof URIError) response = errorFor(found.route.family, 400, 'Malformed path');
      else {
        log.error({ err, method: req.method, path: req.path }, 'wiki route failed');
        response = errorFor(found.route.family, 500, 'Internal server error');
      }
    }
    return counted(deps, withHeaders(response, rate.headers));
  };
}

/** The route for `path` below the context; Data Center has no v2, so its paths are no routes there. */
function findRoute(
  method: string,
  path: string,
  deployment: Deployment,
): { route: WikiRoute; match: RegExpExecArray } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method || (deployment === 'data-center' && route.family === 'v2')) continue;
    const match = route.pattern.exec(path);
    if (match !== null) return { route, match };
  }
  return undefined;
}

function errorShape(
  deployment: Deployment,
  family: ApiFamily,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  if (family === 'v2') return v2Error(status, status === 404 ? null : message, headers);
  // Past authentication on Data Center, the caller is authorized; a 429 comes before anyone asks.
  return v1Error(status, message, headers, deployment === 'data-center' && status !== 429);
}

function withHeaders(response: SimResponse, headers: Record<string, string>): SimResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

function counted(deps: WikiApiDeps, response: SimResponse): SimResponse {
  deps.stats.status(response.status);
  return response;
}
