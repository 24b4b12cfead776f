import {
  fail,
  fieldPath,
  isObject,
  mergeJson,
  numberAt,
  objectAt,
  onlyKnownKeys,
  stringAt,
  type JsonObject,
} from '../scenario-fields.js';
import { DEPLOYMENTS, type Deployment } from './api-context.js';
import type { RateLimitConfig } from './request-rate-limit.js';
import type { DeliveryPolicy } from './webhook-dispatcher.js';
import type { AuthFailureMode } from './wiki-access.js';
import type { CloudUser } from './wiki-auth.js';

/**
 * How the Confluence simulator behaves: which Confluence it plays, who may call it, what a wrong
 * credential gets, how fast callers may go, how webhooks are delivered. Read from JSON (the control
 * API, a scenario file's `confluence` block) and validated here, each default written once:
 *
 *   deployment            "cloud" (REST under /wiki) | "data-center" (v1 under contextPath)
 *   contextPath           "/confluence" | "" (the root) | "/a/b"; read in data-center mode only
 *   users                 [{email: "tagspace@example.com", apiToken: "sim-api-token"}]; a user's
 *                         `scoped: true` makes the token an API token with scopes, served only
 *                         through the API gateway (/ex/confluence/{cloudId}/wiki/…)
 *   cloudId               the site's cloud id, as /_edge/tenant_info names it and the gateway's
 *                         paths carry it (Cloud only)
 *   personalAccessTokens  ["sim-personal-access-token"]
 *   authFailure           "anonymous" (v2 404, v1 403) | "unauthorized" (401); Cloud only
 *   rateLimit             null (unlimited) | {requests, windowMs = 1000}
 *   webhookDelivery       {retries: 0, retryDelayMs: 1000, timeoutMs: 10000}
 */
export interface ConfluenceConfig {
  deployment: Deployment;
  contextPath: string;
  users: CloudUser[];
  cloudId: string;
  personalAccessTokens: string[];
  authFailure: AuthFailureMode;
  rateLimit: RateLimitConfig | null;
  webhookDelivery: DeliveryPolicy;
}

export const DEFAULT_USER: CloudUser = { email: 'tagspace@example.com', apiToken: 'sim-api-token' };
export const DEFAULT_PERSONAL_ACCESS_TOKEN = 'sim-personal-access-token';
export const DEFAULT_CLOUD_ID = '5e3c2a8f-1b7d-4c09-9a6e-2f4d8b1c7e30';

const PATH = 'confluence';
// A path of non-empty segments: '/confluence', '/a/b'; never '/' or a trailing slash.
const CONTEXT_PATH = /^(\/[^/?#\s]+)+$/;
const KEYS = [
  'deployment',
  'contextPath',
  'users',
  'cloudId',
  'personalAccessTokens',
  'authFailure',
  'rateLimit',
  'webhookDelivery',
] as const;

export function parseConfluenceConfig(json: unknown): ConfluenceConfig {
  const top = json === undefined || json === null ? {} : objectAt(json, PATH);
  onlyKnownKeys(top, KEYS, PATH);
  const authFailure = stringAt(top, 'authFailure', PATH) ?? 'anonymous';
  if (authFailure !== 'anonymous' && authFailure !== 'unauthorized') {
    fail(`${PATH}.authFailure`, 'must be "anonymous" or "unauthorized"');
  }
  const deployment = stringAt(top, 'deployment', PATH) ?? 'cloud';
  if (!(DEPLOYMENTS as readonly string[]).includes(deployment)) {
    fail(`${PATH}.deployment`, `must be ${DEPLOYMENTS.map((d) => `"${d}"`).join(' or ')}`);
  }
  return {
    deployment: deployment as Deployment,
    contextPath: parseContextPath(top.contextPath),
    users: parseUsers(top.users),
    cloudId: stringAt(top, 'cloudId', PATH) ?? DEFAULT_CLOUD_ID,
    personalAccessTokens: parseTokens(top.personalAccessTokens),
    authFailure,
    rateLimit: parseRateLimit(top.rateLimit),
    webhookDelivery: parseDelivery(top.webhookDelivery),
  };
}

/** The config with `patch` applied (objects merge, arrays replace, null resets to the default). */
export function mergeConfluenceConfig(current: ConfluenceConfig, patch: unknown): ConfluenceConfig {
  if (!isObject(patch)) fail(PATH, 'must be an object');
  return parseConfluenceConfig(mergeJson(current, patch));
}

/** The config with every token replaced by "[set]", for the control API and logs. */
export function redactConfluenceConfig(config: ConfluenceConfig): ConfluenceConfig {
  return {
    ...config,
    users: config.users.map((u) => ({ ...u, apiToken: '[set]' })),
    personalAccessTokens: config.personalAccessTokens.map(() => '[set]'),
  };
}

function parseContextPath(value: unknown): string {
  if (value === undefined || value === null) return '/confluence';
  const bad =
    typeof value !== 'string' ||
    (value !== '' && !CONTEXT_PATH.test(value)) ||
    /^\/_confluence(\/|$)/.test(value);
  if (bad) {
    fail(
      fieldPath(PATH, 'contextPath'),
      'must be "" or a path starting with "/" and not ending with one (not under /_confluence)',
    );
  }
  return value;
}

function parseUsers(value: unknown): CloudUser[] {
  if (value === undefined || value === null) return [{ ...DEFAULT_USER }];
  const where = fieldPath(PATH, 'users');
  if (!Array.isArray(value)) fail(where, 'must be a list of {email, apiToken}');
  return value.map((item, i) => {
    const user = objectAt(item, `${where}[${i}]`);
    onlyKnownKeys(user, ['email', 'apiToken', 'scoped'], `${where}[${i}]`);
    const email = stringAt(user, 'email', `${where}[${i}]`);
    const apiToken = stringAt(user, 'apiToken', `${where}[${i}]`);
    if (email === undefined || apiToken === undefined)
      fail(`${where}[${i}]`, 'needs an email and an apiToken');
    if (user.scoped !== undefined && typeof user.scoped !== 'boolean')
      fail(`${where}[${i}].scoped`, 'must be true or false');
    return { email, apiToken, ...(user.scoped === true && { scoped: true }) };
  });
}

function parseTokens(value: unknown): string[] {
  if (value === undefined || value === null) return [DEFAULT_PERSONAL_ACCESS_TOKEN];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    fail(fieldPath(PATH, 'personalAccessTokens'), 'must be a list of non-empty strings');
  }
  return value as string[];
}

function parseRateLimit(value: unknown): RateLimitConfig | null {
  if (value === undefined || value === null) return null;
  const where = fieldPath(PATH, 'rateLimit');
  const block: JsonObject = objectAt(value, where);
  onlyKnownKeys(block, ['requests', 'windowMs'], where);
  if (block.requests === undefined) fail(`${where}.requests`, 'is required');
  return {
    requests: numberAt(block, 'requests', where, 0, { min: 0, exclusive: true, integer: true }),
    windowMs: numberAt(block, 'windowMs', where, 1000, { min: 0, exclusive: true }),
  };
}

function parseDelivery(value: unknown): DeliveryPolicy {
  const where = fieldPath(PATH, 'webhookDelivery');
  const block = value === undefined || value === null ? {} : objectAt(value, where);
  onlyKnownKeys(block, ['retries', 'retryDelayMs', 'timeoutMs'], where);
  return {
    retries: numberAt(block, 'retries', where, 0, { min: 0, integer: true }),
    retryDelayMs: numberAt(block, 'retryDelayMs', where, 1000, { min: 0 }),
    timeoutMs: numberAt(block, 'timeoutMs', where, 10_000, { min: 0, exclusive: true }),
  };
}
