import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TagspaceError } from '../model/errors.js';
import { logger } from '../telemetry/log.js';
import { INSTANCE_HEADER } from '../model/instance-header.js';
import { callerOf, type Caller } from './caller.js';
import type { ConfluenceSim } from './confluence/confluence-sim-api.js';
import { wikiRequest } from './confluence/wiki-http-request.js';
import { handleControl } from './control-api.js';
import { geminiCountTokens, openaiModel } from './key-checks.js';
import { geminiResponse } from './gemini-api.js';
import { openaiResponse } from './openai-api.js';
import { ProviderRuntime } from './provider-runtime.js';
import { PROVIDER_NAMES } from '../model/provider-name.js';
import { mergeScenario, parseScenario, type Scenario, type ScenarioPatch } from './scenario.js';
import { jsonResponse, type SimResponse } from './sim-response.js';
import { SimStats, type SimStatsSnapshot } from './sim-stats.js';

/**
 * The provider simulator: one loopback HTTP server that speaks Gemini's generateContent and
 * OpenAI's chat.completions (and the free requests that prove a key: key-checks.ts), so tests,
 * benchmarks and the demo run the real SDKs against it.
 * Control endpoints: POST /control (scenario patch), GET /stats[?pages=1], POST /stats/reset,
 * GET /healthz.
 */
export interface Simulator {
  readonly url: string;
  readonly geminiBaseUrl: string;
  readonly openaiBaseUrl: string;
  scenario(): Scenario;
  stats(options?: { pages?: boolean }): SimStatsSnapshot;
  /** Applies a scenario patch (objects merge, arrays replace, null removes); returns the result. */
  update(patch: ScenarioPatch): Scenario;
  resetStats(): void;
  /** Milliseconds since start: the clock outage windows are written in. */
  uptimeMs(): number;
  close(): Promise<void>;
}

export interface StartSimulatorOptions {
  scenario?: Scenario | ScenarioPatch;
  port?: number;
  host?: string;
  now?: () => number;
  /** A Confluence simulator to serve beside the providers, under /wiki (Cloud) or its context path (Data Center), and /_confluence. */
  confluence?: ConfluenceSim;
}

const GEMINI_PATH = /^\/(v1beta|v1)\/models\/([^/:]+):generateContent$/;
const GEMINI_COUNT_PATH = /^\/(v1beta|v1)\/models\/([^/:]+):countTokens$/;
const OPENAI_PATH = '/v1/chat/completions';
const OPENAI_MODEL_PATH = /^\/v1\/models\/([^/]+)$/;
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const log = logger('sim');
  const now = options.now ?? Date.now;
  const origin = now();
  let scenario = parseScenario(options.scenario ?? {});
  const stats = new SimStats(origin, now);
  const trackPages = (): boolean => scenario.trackPages;
  const runtimes = {
    gemini: new ProviderRuntime('gemini', scenario.gemini, scenario.seed, stats, trackPages, origin, now),
    openai: new ProviderRuntime('openai', scenario.openai, scenario.seed, stats, trackPages, origin, now),
  };
  const pending = new Set<NodeJS.Timeout>();

  const update = (patch: ScenarioPatch): Scenario => {
    const next = mergeScenario(scenario, patch);
    const reseed = next.seed !== scenario.seed ? next.seed : undefined;
    for (const name of PROVIDER_NAMES) runtimes[name].reconfigure(next[name], reseed);
    scenario = next;
    log.info({ patch: Object.keys(patch) }, 'scenario updated');
    return scenario;
  };

  const control = {
    scenario: () => scenario,
    stats: (pages: boolean) => stats.snapshot(pages),
    update,
    resetStats: () => stats.reset(),
  };

  /** The response, and the provider (and caller) whose slot it may hold. */
  const route = (req: IncomingMessage, path: string, query: string, body: string): Routed => {
    const wiki = options.confluence?.handle(wikiRequest(req, path, query, body));
    if (wiki !== undefined) return { response: wiki };
    const gemini = req.method === 'POST' ? GEMINI_PATH.exec(path) : null;
    const instance = header(req, INSTANCE_HEADER);
    if (gemini !== null) {
      const key = header(req, 'x-goog-api-key') ?? new URLSearchParams(query).get('key') ?? undefined;
      const model = decodeURIComponent(gemini[2] as string);
      const caller = callerOf(key, instance);
      const response = geminiResponse(runtimes.gemini, model, caller, body);
      return { response, provider: runtimes.gemini, caller };
    }
    const counting = req.method === 'POST' ? GEMINI_COUNT_PATH.exec(path) : null;
    if (counting !== null) {
      const key = header(req, 'x-goog-api-key') ?? new URLSearchParams(query).get('key') ?? undefined;
      const model = decodeURIComponent(counting[2] as string);
      return { response: geminiCountTokens(runtimes.gemini, model, callerOf(key, instance), body) };
    }
    const modelOf = req.method === 'GET' ? OPENAI_MODEL_PATH.exec(path) : null;
    if (modelOf !== null) {
      const auth = header(req, 'authorization');
      const key = auth?.startsWith('Bearer ') === true ? auth.slice(7).trim() : undefined;
      const model = decodeURIComponent(modelOf[1] as string);
      return { response: openaiModel(runtimes.openai, model, callerOf(key, instance)) };
    }
    if (req.method === 'POST' && path === OPENAI_PATH) {
      const auth = header(req, 'authorization');
      const key = auth?.startsWith('Bearer ') === true ? auth.slice(7).trim() : undefined;
      const caller = callerOf(key, instance);
      return { response: openaiResponse(runtimes.openai, caller, body), provider: runtimes.openai, caller };
    }
    return { response: handleControl(control, req.method ?? 'GET', path, query, body) };
  };

  const deliver = (res: ServerResponse, { response, provider, caller }: Routed): void => {
    const release =
      response.admitted && provider !== undefined && caller !== undefined
        ? once(() => provider.release(caller))
        : noop;
    if (response.delayMs === 0) {
      write(res, response);
      release();
    } else if (response.delayMs === Infinity) {
      // A hung request holds its slot until the client gives up.
      res.on('close', release);
    } else {
      const timer = setTimeout(() => {
        pending.delete(timer);
        if (!gone(res)) write(res, response);
        else if (caller !== undefined) provider?.countClientClosed(caller);
        release();
      }, response.delayMs);
      pending.add(timer);
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        write(res, jsonResponse(413, { error: { code: 413, message: 'Request payload too large.' } }));
        return;
      }
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
      const query = q < 0 ? '' : rawUrl.slice(q + 1);
      const body = chunks.length === 1 ? (chunks[0] as Buffer).toString() : Buffer.concat(chunks).toString();
      deliver(res, route(req, path, query, body));
    });
  });

  const listenHost = options.host ?? '127.0.0.1';
  const listenPort = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException): void => {
      const where = `${listenHost}:${listenPort}`;
      reject(
        new TagspaceError('config', `sim: cannot listen on ${where} (${err.code ?? err.message})`, {
          cause: err,
        }),
      );
    };
    server.once('error', fail);
    server.listen(listenPort, listenHost, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  // `tagspace sim` says where it listens (with its scenario); the demo runs it in-process.
  log.debug({ url }, 'simulator listening');

  return {
    url,
    geminiBaseUrl: url,
    openaiBaseUrl: `${url}/v1`,
    scenario: () => scenario,
    stats: (opts) => stats.snapshot(opts?.pages === true),
    update,
    resetStats: () => stats.reset(),
    uptimeMs: () => now() - origin,
    close: async () => {
      options.confluence?.close();
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Routed {
  response: SimResponse;
  provider?: ProviderRuntime;
  caller?: Caller;
}

function write(res: ServerResponse, response: SimResponse): void {
  const body = Buffer.from(response.body);
  res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  res.end(body);
}

/** The client stopped waiting (its socket is closed), so there is no one to answer. */
function gone(res: ServerResponse): boolean {
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function noop(): void {}
