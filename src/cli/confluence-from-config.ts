import type { Config } from './config.js';
import { ConfluenceApi } from '../confluence/confluence-api.js';
import { ConfluenceHttp } from '../confluence/confluence-http.js';
import { LimitGate } from '../confluence/limit-gate.js';
import { contextRoot, wikiRoot } from '../confluence/wiki-root.js';
import { DataCenterApi } from '../confluence/data-center-api.js';
import { TagspaceError } from '../model/errors.js';
import type { LearntQuota } from '../router/pacing/pacer.js';
import { confluenceSpans } from '../telemetry/confluence-spans.js';
import { startTracing, type Tracing } from '../telemetry/tracing.js';

/** Calls at once the controller starts Confluence at (it grows towards --confluence-max-concurrency). */
const INITIAL_CONCURRENCY = 2;

export interface ConfluenceClient {
  api: ConfluenceApi;
  root: string;
  /** The site's limit as the gate learnt it from 429s (undefined before one). */
  learnt(): LearntQuota | undefined;
  /** Calls at once the gate lets go now (0 while a Retry-After lasts). */
  concurrency(): number;
  /** Stops the pacing timers and flushes the Confluence spans. */
  close(): Promise<void>;
}

/**
 * The Confluence client a command's settings describe: the site's REST root, the credentials,
 * a gate on the project's controller, the backoff (the origin schedule's shape with Confluence's
 * own retries and a longer cap, as its Retry-After can be tens of seconds), and one span per call
 * when tracing is on. `fetchFn` is for the one-process demo.
 */
export function confluenceFromConfig(config: Config, fetchFn?: typeof fetch): ConfluenceClient {
  const cf = config.confluence;
  if (cf.url === undefined || cf.credentials === undefined) {
    throw new TagspaceError('config', 'missing --confluence-url or Confluence credentials', {
      setting: 'CONFLUENCE_URL',
    });
  }
  const root = cf.deployment === 'cloud' ? wikiRoot(cf.url) : contextRoot(cf.url);
  const gate = new LimitGate({
    initial: INITIAL_CONCURRENCY,
    max: cf.maxConcurrency,
    site: new URL(root).host,
  });
  const tracing: Tracing | undefined =
    config.telemetry.tracing === undefined
      ? undefined
      : startTracing(config.telemetry.tracing, config.telemetry.resource);
  const http = new ConfluenceHttp({
    root,
    credentials: cf.credentials,
    retry: { baseDelayMs: 500, maxDelayMs: 30_000, maxRetries: cf.maxRetries, jitter: 0.2 },
    timeoutMs: cf.timeoutMs,
    gate,
    ...(fetchFn && { fetch: fetchFn }),
    ...(tracing && { observer: confluenceSpans(tracing.tracer, new URL(root).host) }),
  });
  return {
    api: cf.deployment === 'cloud' ? new ConfluenceApi(http) : new DataCenterApi(http),
    root,
    learnt: () => gate.learnt,
    concurrency: () => gate.current,
    close: async () => {
      gate.close();
      await tracing?.shutdown();
    },
  };
}
