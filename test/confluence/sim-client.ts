import { ConfluenceApi } from '../../src/confluence/confluence-api.js';
import { ConfluenceHttp } from '../../src/confluence/confluence-http.js';
import { DEFAULT_USER } from '../../src/sim/confluence/confluence-config.js';
import type { ConfluenceSim } from '../../src/sim/confluence/confluence-sim-api.js';
import { inProcessFetch } from '../../src/sim/confluence/in-process-fetch.js';

export const SITE = 'http://confluence.sim';

/** The product's client, talking to an in-process Confluence simulator (no socket). */
export function simApi(sim: ConfluenceSim, apiToken = DEFAULT_USER.apiToken): ConfluenceApi {
  return new ConfluenceApi(
    new ConfluenceHttp({
      root: `${SITE}/wiki`,
      credentials: { kind: 'basic', email: DEFAULT_USER.email, apiToken },
      retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2, jitter: 0 },
      timeoutMs: 5_000,
      fetch: inProcessFetch(sim, SITE),
    }),
  );
}
