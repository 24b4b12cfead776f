import {
  booleanAt,
  fail,
  isObject,
  numberAt,
  objectAt,
  onlyKnownKeys,
  optionalNumberAt,
  stringAt,
} from '../scenario-fields.js';
import { parseConfluenceConfig, type ConfluenceConfig } from './confluence-config.js';
import type { SeedOptions } from './seed-space.js';
import { WEBHOOK_EVENTS, type WebhookRegistration } from './webhook-dispatcher.js';

/**
 * The `confluence` block of a scenario file, for `tagspace sim`: the simulator's config
 * (confluence-config.ts) plus what the wiki starts with,
 *
 *   "confluence": {
 *     "users": [{"email": "…", "apiToken": "…"}], "rateLimit": {"requests": 20},
 *     "spaces": [{"key": "DEV", "pages": 600, "seed": 7}],
 *     "webhooks": [{"name": "tagspace", "url": "http://…", "events": ["page_updated"], "configuration": {"secret": "…"}}]
 *   }
 *
 * validated at start-up, each bad field named ("scenario: confluence.spaces[0].pages must be …").
 */
export interface ConfluenceScenario {
  config: ConfluenceConfig;
  spaces: SeedOptions[];
  webhooks: WebhookRegistration[];
}

const PATH = 'confluence';
const SPACE_KEY = /^[A-Za-z0-9]{1,255}$/;

export function parseConfluenceScenario(json: unknown): ConfluenceScenario {
  const block = json === undefined || json === null ? {} : objectAt(json, PATH);
  const { spaces, webhooks, ...config } = block;
  return {
    config: parseConfluenceConfig(config),
    spaces: parseSpaces(spaces),
    webhooks: parseWebhooks(webhooks),
  };
}

function parseSpaces(value: unknown): SeedOptions[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`${PATH}.spaces`, 'must be a list of {key, pages, seed?, name?}');
  const keys = new Set<string>();
  return value.map((item, i) => {
    const where = `${PATH}.spaces[${i}]`;
    const space = objectAt(item, where);
    onlyKnownKeys(space, ['key', 'pages', 'seed', 'name'], where);
    const key = stringAt(space, 'key', where);
    if (key === undefined || !SPACE_KEY.test(key)) fail(`${where}.key`, 'must be letters and digits');
    if (keys.has(key)) fail(`${where}.key`, `repeats the space ${key}`);
    keys.add(key);
    const name = stringAt(space, 'name', where);
    const seed = optionalNumberAt(space, 'seed', where, { integer: true });
    return {
      key,
      pages: numberAt(space, 'pages', where, 0, { min: 0, integer: true }),
      ...(seed === undefined ? {} : { seed }),
      ...(name === undefined ? {} : { name }),
    };
  });
}

function parseWebhooks(value: unknown): WebhookRegistration[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`${PATH}.webhooks`, 'must be a list of webhooks');
  return value.map((item, i) => {
    const where = `${PATH}.webhooks[${i}]`;
    const hook = objectAt(item, where);
    onlyKnownKeys(hook, ['name', 'url', 'events', 'configuration', 'active'], where);
    const url = stringAt(hook, 'url', where);
    if (url === undefined || !URL.canParse(url)) fail(`${where}.url`, 'must be a URL');
    const events = hook.events ?? WEBHOOK_EVENTS;
    if (!Array.isArray(events) || events.some((e) => !(WEBHOOK_EVENTS as readonly unknown[]).includes(e))) {
      fail(`${where}.events`, `must be a list of ${WEBHOOK_EVENTS.join(', ')}`);
    }
    const configuration = hook.configuration ?? {};
    if (!isObject(configuration)) fail(`${where}.configuration`, 'must be an object');
    onlyKnownKeys(configuration, ['secret'], `${where}.configuration`);
    const secret = stringAt(configuration, 'secret', `${where}.configuration`);
    const name = stringAt(hook, 'name', where);
    return {
      url,
      events: events as string[],
      active: booleanAt(hook, 'active', where, true),
      ...(name === undefined ? {} : { name }),
      ...(secret === undefined ? {} : { configuration: { secret } }),
    };
  });
}
