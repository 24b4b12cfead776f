import type { SimResponse } from '../sim-response.js';
import type { ConfluenceStats, RouteKind } from './confluence-stats.js';
import type { ApiFamily } from './wiki-access.js';
import type { WikiStore } from './wiki-store.js';

/**
 * The contract between the wiki's HTTP edge (wiki-api.ts) and the route files: a request already
 * read, and the route that answers it. Routes only read and change the store; counting, rate
 * limiting and authentication happen before them, error shapes after them.
 */
export interface WikiRequest {
  method: string;
  /** The path, starting with /wiki. */
  path: string;
  query: URLSearchParams;
  body: string;
  /** The site's origin as the client reached it (`http://127.0.0.1:port`); the wiki is `${site}/wiki`. */
  site: string;
  header(name: string): string | undefined;
}

export interface RouteContext {
  req: WikiRequest;
  /** The path's captured groups (ids, label names), URL-decoded. */
  params: string[];
  store: WikiStore;
  stats: ConfluenceStats;
  /** `${site}/wiki`. */
  base: string;
  now: () => number;
}

export interface WikiRoute {
  method: string;
  pattern: RegExp;
  kind: RouteKind;
  family: ApiFamily;
  handle(ctx: RouteContext): SimResponse;
}
