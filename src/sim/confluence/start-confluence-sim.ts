import { startSimulator } from '../simulator.js';
import { apiContext } from './api-context.js';
import type { ConfluenceSim } from './confluence-sim-api.js';
import { createConfluenceSim, type ConfluenceSimOptions } from './confluence-sim.js';

/**
 * The Confluence simulator on a loopback port of its own, for tests and the demo: the provider
 * simulator's HTTP server with the wiki mounted (one server implementation for both).
 * `url` is the server's origin; `wikiUrl` is where the REST API is, `${url}/wiki` on Cloud and
 * `${url}${contextPath}` on Data Center (what a user passes to `--confluence-url` there), read
 * from the config at the time it is asked for.
 */
export interface RunningConfluenceSim extends Omit<ConfluenceSim, 'handle' | 'close'> {
  readonly url: string;
  readonly wikiUrl: string;
  close(): Promise<void>;
}

export async function startConfluenceSim(
  options: ConfluenceSimOptions & { port?: number; host?: string } = {},
): Promise<RunningConfluenceSim> {
  const sim = createConfluenceSim(options);
  const server = await startSimulator({
    confluence: sim,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const { handle: _handle, close: _close, ...api } = sim;
  return {
    ...api,
    url: server.url,
    get wikiUrl() {
      const { deployment, contextPath } = sim.config();
      return `${server.url}${apiContext(deployment, contextPath)}`;
    },
    close: () => server.close(),
  };
}
