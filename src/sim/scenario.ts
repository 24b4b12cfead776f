import type { LatencyConfig } from './latency-model.js';
import {
  booleanAt,
  fail,
  fieldPath,
  isObject,
  mergeJson,
  numberAt,
  objectAt,
  onlyKnownKeys,
  optionalNumberAt,
  rateAt,
  stringAt,
  type JsonObject,
} from './scenario-fields.js';
import { parseQuotaFields, QUOTA_KEYS, type QuotaFields } from './scenario-quota.js';

/**
 * A scenario: what the simulated providers allow and how they misbehave. One block per provider;
 * a missing block (or field) takes the defaults below — a generous quota, instant answers, no faults.
 */

export interface Outage {
  /** Start and end, in ms since the simulator started; no end means until removed. */
  startMs: number;
  endMs?: number;
  /** The status every request gets meanwhile (default 503). */
  status?: number;
}

export interface FaultConfig {
  errorRate: number;
  outages: Outage[];
  timeoutRate: number;
  /** How long a timed-out request hangs before a 504; absent = until the client gives up. */
  hangMs?: number;
  malformedRate: number;
  truncatedRate: number;
  /** Added to truncatedRate per 1,000 output tokens of the answer: long answers go wrong more. */
  truncatedRatePer1kOutputTokens: number;
  safetyMarker: string;
  safetyRate: number;
  rejectMarker: string;
  misattributionRate: number;
  /** Added to misattributionRate per page of a batch beyond the first: long lists go wrong more. */
  misattributionRatePerPage: number;
  dailyQuotaExhausted: boolean;
}

export interface ProviderScenario extends QuotaFields {
  /** The model name reported in answers; absent = the model requested. */
  model?: string;
  /** Models served; absent = any. Others get the provider's 404. */
  models?: string[];
  /** The key requests must carry; absent = any key (or none). */
  apiKey?: string;
  /** Gemini only: the status for a wrong key (default 400 API_KEY_INVALID, as the real service). */
  authStatus?: 401 | 403;
  /**
   * Requests and tokens allowed per window of windowMs (a minute by default, hence the names),
   * metered as `quotaShape` says (scenario-quota.ts: shape, burst, schedule, scope).
   */
  rpm: number;
  tpm: number;
  windowMs: number;
  /** Requests per day; past it every request gets the per-day 429 (Gemini) / insufficient_quota (OpenAI). */
  rpd?: number;
  /** Requests in progress at once; one more gets a 429. */
  maxConcurrent?: number;
  /**
   * The model's own output limit (gemini-2.0-flash: 8,192 tokens; gpt-4o-mini: 16,384): a longer
   * answer is cut there, finish reason MAX_TOKENS / length, whatever the request asked for.
   */
  maxOutputTokens?: number;
  latencyMs: LatencyConfig;
  faults: FaultConfig;
}

export interface Scenario {
  seed: number;
  /** Keep per-page answer counts for GET /stats?pages=1 (memory grows with distinct pages). */
  trackPages: boolean;
  gemini: ProviderScenario;
  openai: ProviderScenario;
}

/** A change to a scenario: any subset of its fields; `null` removes an optional field. */
export type ScenarioPatch = { [key: string]: unknown };

export const DEFAULT_RPM = 1_000_000;
export const DEFAULT_TPM = 1_000_000_000;
export const DEFAULT_WINDOW_MS = 60_000;

// `confluence` is the Confluence simulator's block, read by confluence/confluence-scenario.ts.
const TOP_KEYS = ['seed', 'trackPages', 'description', 'gemini', 'openai', 'confluence'] as const;
const PROVIDER_KEYS = [
  'model',
  'models',
  'apiKey',
  'authStatus',
  'rpm',
  'tpm',
  'windowMs',
  'rpd',
  'maxConcurrent',
  'maxOutputTokens',
  ...QUOTA_KEYS,
  'latencyMs',
  'faults',
] as const;
const LATENCY_KEYS = ['median', 'perTokenMs', 'jitter'] as const;
const FAULT_KEYS = [
  'errorRate',
  'outages',
  'timeoutRate',
  'hangMs',
  'malformedRate',
  'truncatedRate',
  'truncatedRatePer1kOutputTokens',
  'safetyMarker',
  'safetyRate',
  'rejectMarker',
  'misattributionRate',
  'misattributionRatePerPage',
  'dailyQuotaExhausted',
] as const;

/** Validates a scenario document; throws TagspaceError('config') naming the first bad field. */
export function parseScenario(json: unknown): Scenario {
  const top = objectAt(json, 'scenario');
  onlyKnownKeys(top, TOP_KEYS, '');
  if (top.description !== undefined && typeof top.description !== 'string') {
    fail('description', 'must be a string');
  }
  return {
    seed: numberAt(top, 'seed', '', 1, { integer: true }),
    trackPages: booleanAt(top, 'trackPages', '', false),
    gemini: parseProvider(top.gemini, 'gemini'),
    openai: parseProvider(top.openai, 'openai'),
  };
}

/** The scenario with `patch` applied: objects merge, arrays and values replace, null removes. */
export function mergeScenario(current: Scenario, patch: ScenarioPatch): Scenario {
  if (!isObject(patch)) fail('scenario', 'must be an object');
  return parseScenario(mergeJson(current, patch));
}

function parseProvider(value: unknown, path: string): ProviderScenario {
  const block = value === undefined || value === null ? {} : objectAt(value, path);
  onlyKnownKeys(block, PROVIDER_KEYS, path);
  const authStatus = optionalNumberAt(block, 'authStatus', path, { integer: true });
  if (authStatus !== undefined && authStatus !== 401 && authStatus !== 403) {
    fail(`${path}.authStatus`, 'must be 401 or 403');
  }
  return {
    model: stringAt(block, 'model', path),
    models: stringListAt(block, 'models', path),
    apiKey: stringAt(block, 'apiKey', path),
    authStatus,
    rpm: numberAt(block, 'rpm', path, DEFAULT_RPM, { min: 0, exclusive: true }),
    tpm: numberAt(block, 'tpm', path, DEFAULT_TPM, { min: 0, exclusive: true }),
    windowMs: numberAt(block, 'windowMs', path, DEFAULT_WINDOW_MS, { min: 0, exclusive: true }),
    rpd: optionalNumberAt(block, 'rpd', path, { min: 0, exclusive: true }),
    maxConcurrent: optionalNumberAt(block, 'maxConcurrent', path, { min: 0, exclusive: true, integer: true }),
    maxOutputTokens: optionalNumberAt(block, 'maxOutputTokens', path, {
      min: 0,
      exclusive: true,
      integer: true,
    }),
    ...parseQuotaFields(block, path),
    latencyMs: parseLatency(block.latencyMs, `${path}.latencyMs`),
    faults: parseFaults(block.faults, `${path}.faults`),
  };
}

function parseLatency(value: unknown, path: string): LatencyConfig {
  const block = value === undefined || value === null ? {} : objectAt(value, path);
  onlyKnownKeys(block, LATENCY_KEYS, path);
  return {
    median: numberAt(block, 'median', path, 0, { min: 0 }),
    perTokenMs: optionalNumberAt(block, 'perTokenMs', path, { min: 0 }),
    jitter: optionalNumberAt(block, 'jitter', path, { min: 0, max: 3 }),
  };
}

function parseFaults(value: unknown, path: string): FaultConfig {
  const block = value === undefined || value === null ? {} : objectAt(value, path);
  onlyKnownKeys(block, FAULT_KEYS, path);
  return {
    errorRate: rateAt(block, 'errorRate', path),
    outages: parseOutages(block.outages, `${path}.outages`),
    timeoutRate: rateAt(block, 'timeoutRate', path),
    hangMs: optionalNumberAt(block, 'hangMs', path, { min: 0 }),
    malformedRate: rateAt(block, 'malformedRate', path),
    truncatedRate: rateAt(block, 'truncatedRate', path),
    truncatedRatePer1kOutputTokens: rateAt(block, 'truncatedRatePer1kOutputTokens', path),
    safetyMarker: stringAt(block, 'safetyMarker', path) ?? 'SIM_UNSAFE',
    safetyRate: rateAt(block, 'safetyRate', path),
    rejectMarker: stringAt(block, 'rejectMarker', path) ?? 'SIM_REJECT',
    misattributionRate: rateAt(block, 'misattributionRate', path),
    misattributionRatePerPage: rateAt(block, 'misattributionRatePerPage', path),
    dailyQuotaExhausted: booleanAt(block, 'dailyQuotaExhausted', path, false),
  };
}

function parseOutages(value: unknown, path: string): Outage[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array');
  return value.map((item, i) => {
    const where = `${path}[${i}]`;
    const outage = objectAt(item, where);
    onlyKnownKeys(outage, ['startMs', 'endMs', 'status'], where);
    const startMs = numberAt(outage, 'startMs', where, 0, { min: 0 });
    const endMs = optionalNumberAt(outage, 'endMs', where, { min: startMs });
    const status = optionalNumberAt(outage, 'status', where, { integer: true, min: 500, max: 599 });
    return { startMs, endMs, status };
  });
}

function stringListAt(block: JsonObject, key: string, path: string): string[] | undefined {
  const value = block[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    fail(fieldPath(path, key), 'must be a list of non-empty strings');
  }
  return value as string[];
}
