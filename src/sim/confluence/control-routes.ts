import { TagspaceError } from '../../model/errors.js';
import { logger } from '../../telemetry/log.js';
import { isObject } from '../scenario-fields.js';
import { jsonResponse, type SimResponse } from '../sim-response.js';
import { redactConfluenceConfig } from './confluence-config.js';
import type { ConfluenceSim } from './confluence-sim-api.js';
import type { Webhook, WebhookRegistration } from './webhook-dispatcher.js';
import { WikiError } from './wiki-error.js';
import type { WikiRequest } from './wiki-route.js';

/**
 * The Confluence simulator's own endpoints (no authentication, like the provider simulator's),
 * for tests, the demo and a person driving `tagspace sim` with curl:
 *
 *   GET  /_confluence/healthz            GET /_confluence/stats[?pages=1]   POST /_confluence/stats/reset
 *   GET  /_confluence/config             POST /_confluence/config  {a confluence config patch}
 *   POST /_confluence/spaces             {key, pages, seed?, name?}         → {id, key, pageIds}
 *   GET  /_confluence/pages[?space=KEY]  POST /_confluence/pages {spaceKey, title, body, labels?}
 *   GET  /_confluence/pages/{id}         POST /_confluence/pages/{id}/edit {title?, body?, message?}
 *   POST /_confluence/pages/{id}/trash | /restore | /purge
 *   POST /_confluence/pages/{id}/labels {name}      DELETE /_confluence/pages/{id}/labels/{name}
 *   POST /_confluence/edits              {count, seed, kind?: content|title-only, spaceKey?}
 *   GET  /_confluence/webhooks           POST /_confluence/webhooks {name, url, events, configuration: {secret}}
 *   DELETE /_confluence/webhooks/{id}
 *
 * Tokens and webhook secrets are shown as "[set]".
 */
type Handler = (sim: ConfluenceSim, body: JsonBody, params: string[], req: WikiRequest) => unknown;
type JsonBody = Record<string, unknown>;

const ROUTES: readonly [method: string, pattern: RegExp, handler: Handler][] = [
  ['GET', /^healthz$/, () => ({ status: 'ok' })],
  [
    'GET',
    /^stats$/,
    (sim, _b, _p, req) => sim.stats({ pages: ['1', 'true'].includes(req.query.get('pages') ?? '') }),
  ],
  ['POST', /^stats\/reset$/, (sim) => (sim.resetStats(), { reset: true })],
  ['GET', /^config$/, (sim) => ({ config: redactConfluenceConfig(sim.config()) })],
  ['POST', /^config$/, (sim, body) => ({ config: redactConfluenceConfig(sim.configure(body)) })],
  [
    'POST',
    /^spaces$/,
    (sim, b) =>
      sim.seedSpace({
        key: text(b, 'key'),
        pages: count(b, 'pages'),
        seed: optionalCount(b, 'seed'),
        name: optionalText(b, 'name'),
      }),
  ],
  ['GET', /^pages$/, (sim, _b, _p, req) => sim.pages(req.query.get('space') ?? undefined)],
  [
    'POST',
    /^pages$/,
    (sim, b) =>
      sim.createPage({
        spaceKey: text(b, 'spaceKey'),
        title: text(b, 'title'),
        body: text(b, 'body'),
        labels: labels(b),
      }),
  ],
  ['GET', /^pages\/(\d+)$/, (sim, _b, [id = '']) => sim.page(id) ?? notFound(id)],
  [
    'POST',
    /^pages\/(\d+)\/edit$/,
    (sim, b, [id = '']) =>
      sim.editPage(id, {
        title: optionalText(b, 'title'),
        body: optionalText(b, 'body'),
        message: optionalText(b, 'message'),
      }),
  ],
  ['POST', /^pages\/(\d+)\/trash$/, (sim, _b, [id = '']) => sim.trashPage(id)],
  ['POST', /^pages\/(\d+)\/restore$/, (sim, _b, [id = '']) => sim.restorePage(id)],
  ['POST', /^pages\/(\d+)\/purge$/, (sim, _b, [id = '']) => (sim.purgePage(id), { purged: id })],
  ['POST', /^pages\/(\d+)\/labels$/, (sim, b, [id = '']) => ({ added: sim.addLabel(id, text(b, 'name')) })],
  [
    'DELETE',
    /^pages\/(\d+)\/labels\/([^/]+)$/,
    (sim, _b, [id = '', name = '']) => ({ removed: sim.removeLabel(id, name) }),
  ],
  [
    'POST',
    /^edits$/,
    (sim, b) => {
      const kind = optionalText(b, 'kind');
      if (kind !== undefined && kind !== 'content' && kind !== 'title-only') {
        throw new WikiError('bad_request', 'kind must be "content" or "title-only"');
      }
      return sim.editPages({
        count: count(b, 'count'),
        seed: count(b, 'seed'),
        kind,
        spaceKey: optionalText(b, 'spaceKey'),
      });
    },
  ],
  ['GET', /^webhooks$/, (sim) => sim.webhooks().map(redactHook)],
  ['POST', /^webhooks$/, (sim, b) => redactHook(sim.addWebhook(b as unknown as WebhookRegistration))],
  ['DELETE', /^webhooks\/([^/]+)$/, (sim, _b, [id = '']) => ({ removed: sim.removeWebhook(id) })],
];

export function handleConfluenceControl(sim: ConfluenceSim, req: WikiRequest): SimResponse {
  const path = req.path.slice('/_confluence/'.length);
  for (const [method, pattern, handler] of ROUTES) {
    const match = method === req.method ? pattern.exec(path) : null;
    if (match === null) continue;
    try {
      const params = match.slice(1).map((p) => decodeURIComponent(p ?? ''));
      return jsonResponse(200, handler(sim, readBody(req), params, req));
    } catch (err) {
      if (err instanceof WikiError) return jsonResponse(err.status, { error: { message: err.message } });
      if (err instanceof TagspaceError) {
        return jsonResponse(400, { error: { message: err.message, setting: err.setting } });
      }
      // The generator's "cannot choose 31 of 30 pages" and the like: the request asked too much.
      if (err instanceof RangeError || err instanceof URIError) {
        return jsonResponse(400, { error: { message: err.message } });
      }
      logger('sim-confluence').error({ err, path: req.path }, 'control request failed');
      return jsonResponse(500, { error: { message: 'The simulator failed; see its log' } });
    }
  }
  return jsonResponse(404, { error: { message: `Not found: ${req.method} ${req.path}` } });
}

function readBody(req: WikiRequest): JsonBody {
  if (req.method === 'GET' || req.method === 'DELETE' || req.body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body);
  } catch {
    throw new WikiError('bad_request', 'The request body is not valid JSON');
  }
  if (!isObject(parsed)) throw new WikiError('bad_request', 'The request body must be a JSON object');
  return parsed;
}

function text(body: JsonBody, key: string): string {
  const value = optionalText(body, key);
  if (value === undefined) throw new WikiError('bad_request', `'${key}' is required`);
  return value;
}

function optionalText(body: JsonBody, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WikiError('bad_request', `'${key}' must be a string`);
  return value;
}

function count(body: JsonBody, key: string): number {
  const value = optionalCount(body, key);
  if (value === undefined) throw new WikiError('bad_request', `'${key}' is required`);
  return value;
}

function optionalCount(body: JsonBody, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new WikiError('bad_request', `'${key}' must be an integer >= 0`);
  }
  return value;
}

function labels(body: JsonBody): string[] | undefined {
  const value = body.labels;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new WikiError('bad_request', "'labels' must be a list of strings");
  }
  return value as string[];
}

function notFound(id: string): never {
  throw new WikiError('not_found', `No page with id ${id}`);
}

function redactHook(hook: Webhook): Omit<Webhook, 'secret'> & { secret?: string } {
  const { secret, ...rest } = hook;
  return secret === undefined ? rest : { ...rest, secret: '[set]' };
}
