import type { SimResponse } from '../sim-response.js';
import type { Deployment } from './api-context.js';
import type { ConfluenceStats, RouteKind } from './confluence-stats.js';
import type { ApiFamily } from './wiki-access.js';
import type { WikiStore } from './wiki-store.js';

/**
 * The contract between the wiki's HTTP edge (wiki-api.ts) and the route files: a request already
 * read, and the route that answers it. Routes only read and change the store; counting, rate
 * limiting and authentication happen before them, error shapes after them. A route's pattern is
 * matched against the path below the API's context (api-context.ts): `/rest/api/space`, `/api/v2/pages`.
 */
export interface WikiRequest {
  method: string;
  /** The full path, context included (`/wiki/rest/api/space`, `/confluence/rest/api/space`). */
  path: string;
  query: URLSearchParams;
  body: string;
  /** The site's origin as the client reached it (`http://127.0.0.1:port`); the API is below `${site}${context}`. */
  site: string;
  /** Came through the API gateway's /ex/confluence/{cloudId} (its prefix already taken off `path`). */
  viaGateway?: boolean;
  header(name: string): string | undefined;
}

export interface RouteContext {
  req: WikiRequest;
  /** The path's captured groups (ids, label names), URL-decoded. */
  params: string[];
  store: WikiStore;
  stats: ConfluenceStats;
  /** `${site}${context}`: v1's `_links.base`. */
  base: string;
  /** `/wiki` on Cloud, the context path on Data Center (maybe ''): v1's `_links.context`. */
  context: string;
  deployment: Deployment;
  now: () => number;
}

/** What a v1 shape needs to know about where it is served. */
export type ApiSite = Pick<RouteContext, 'base' | 'context' | 'deployment'>;

export interface WikiRoute {
  method: string;
  pattern: RegExp;
  kind: RouteKind;
  family: ApiFamily;
  handle(ctx: RouteContext): SimResponse;
}
