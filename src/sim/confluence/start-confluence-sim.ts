import { startSimulator } from '../simulator.js';
import type { ConfluenceSim } from './confluence-sim-api.js';
import { createConfluenceSim, type ConfluenceSimOptions } from './confluence-sim.js';

/**
 * The Confluence simulator on a loopback port of its own, for tests and the demo: the provider
 * simulator's HTTP server with the wiki mounted (one server implementation for both).
 * `url` is the site, as a user passes it to `--confluence-url`; the REST API is under `${url}/wiki`.
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
  return { ...api, url: server.url, wikiUrl: `${server.url}/wiki`, close: () => server.close() };
}
