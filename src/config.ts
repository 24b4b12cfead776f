import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { TagspaceError } from './errors.js';
import { settingsFor, type Setting } from './settings.js';
import type { ConcurrencyPolicyName } from './router/concurrency-controller.js';

/**
 * Flags and environment → one typed, validated Config. This is the only module that reads
 * process.env. Precedence: flag > environment variable > default. A bad value throws a
 * `config` TagspaceError whose message is one line naming the flag (or variable) at fault.
 */
export interface Config {
  command: string;
  kafka: {
    brokers: string[];
    topic: string;
    group: string;
    tagsTopic: string;
    dlqTopic: string;
    maxInFlight: number;
    commitIntervalMs: number;
    exactlyOnce: boolean;
    /** Names this instance's transactional producer, so a restart fences its predecessor. */
    instanceId: string;
  };
  restore: boolean;
  shutdownTimeoutMs: number;
  gemini: ProviderConfig;
  openai: ProviderConfig;
  providerTimeoutMs: number;
  concurrency: { policy: ConcurrencyPolicyName; initial: number; max: number };
  batch: { size: number; lingerMs: number; maxPromptTokens: number; maxPageTokens: number };
  cache: { enabled: boolean; size: number };
  retry: { maxRetries: number; baseDelayMs: number };
  maxTags: number;
  summaryJson: string | undefined;
  logLevel: string;
  telemetry: TelemetryConfig;
  input: string | undefined;
  out: string | undefined;
  scenario: string | undefined;
  sim: { port: number; host: string };
  gen: { pages: number; seed: number; space: string; truth: string | undefined };
  /** Arguments after the flags (none of the commands take any yet). */
  positionals: string[];
}

export interface ProviderConfig {
  /** Absent = this provider is not configured. Never log this. */
  apiKey: string | undefined;
  model: string;
  baseUrl: string | undefined;
  /** The setting a user fixes when the key is rejected. */
  keySetting: string;
}

/** Traces, metrics and the run report; each part is absent when it is off. */
export interface TelemetryConfig {
  /** OTEL_SERVICE_NAME (default tagspace): the resource of traces and metrics. */
  serviceName: string;
  tracing: TracingConfig | undefined;
  metrics: { port: number; host: string } | undefined;
  /** --report: the HTML run report's file (replay, demo). */
  report: string | undefined;
}

export interface TracingConfig {
  /** Where OTLP/HTTP trace exports go (…/v1/traces). */
  url: string;
  /** OTEL_EXPORTER_OTLP_(TRACES_)HEADERS; may hold credentials: never log these. */
  headers: Record<string, string>;
  sampler: { name: SamplerName; ratio: number };
}

export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** The Prometheus exporter's registered port, served by `run` unless --metrics-port says otherwise. */
export const DEFAULT_METRICS_PORT = 9464;

type Raw = Record<string, string | boolean | undefined>;
type Env = Record<string, string | undefined>;

function settingName(s: Setting, fromFlag: boolean): string {
  return fromFlag || s.env === undefined ? `--${s.flag}` : `${s.env} (--${s.flag})`;
}

function parseValue(s: Setting, raw: string, name: string): unknown {
  const fail = (why: string): never => {
    throw new TagspaceError('config', `invalid ${name}: ${why}`, { setting: s.env ?? `--${s.flag}` });
  };
  switch (s.type) {
    case 'string':
      if (raw.trim() === '') fail('must not be empty');
      return raw;
    case 'int':
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) fail(`"${raw}" is not a number`);
      if (s.type === 'int' && !Number.isInteger(n)) fail(`"${raw}" is not a whole number`);
      if (s.min !== undefined && n < s.min) fail(`${raw} is below the minimum ${s.min}`);
      return n;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      return fail(`"${raw}" is not true or false`);
    }
    case 'list': {
      const items = raw
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
      if (items.length === 0) fail('must name at least one entry');
      return items;
    }
    case 'url':
      try {
        const u = new URL(raw);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') fail(`"${raw}" is not an http(s) URL`);
      } catch {
        fail(`"${raw}" is not a URL`);
      }
      return raw.replace(/\/+$/, '');
    case 'enum':
      if (!s.values?.includes(raw)) fail(`"${raw}" is not one of ${s.values?.join(', ')}`);
      return raw;
  }
}

const BOOL_WORDS = new Set(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']);

/** `--trace` alone means `--trace=true` (as --help shows it); `--trace false` keeps its value. */
function bareBooleans(argv: readonly string[], settings: readonly Setting[]): string[] {
  const flags = new Set(settings.filter((s) => s.type === 'bool').map((s) => `--${s.flag}`));
  return argv.map((arg, i) => {
    const next = argv[i + 1];
    const bare = flags.has(arg) && (next === undefined || !BOOL_WORDS.has(next.trim().toLowerCase()));
    return bare ? `${arg}=true` : arg;
  });
}

/** Parses argv (after the command word) and env for `command`. */
export function loadConfig(command: string, argv: readonly string[], env: Env = process.env): Config {
  const settings = settingsFor(command);
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const s of settings) {
    options[s.flag] = { type: 'string' };
    if (s.type === 'bool') options[`no-${s.flag}`] = { type: 'boolean' };
  }
  let parsed: { values: Raw; positionals: string[] };
  try {
    parsed = parseArgs({
      args: bareBooleans(argv, settings),
      options,
      strict: true,
      allowPositionals: true,
    }) as typeof parsed;
  } catch (err) {
    const message = ((err as Error).message.split('\n')[0] ?? 'bad arguments').split('. To specify')[0];
    throw new TagspaceError('config', `${command}: ${message}`);
  }
  if (parsed.positionals.length > 0) {
    throw new TagspaceError('config', `${command}: unexpected argument "${parsed.positionals[0]}"`);
  }

  const values: Record<string, unknown> = {};
  for (const s of settings) {
    const flagValue = parsed.values[s.flag];
    const negated = parsed.values[`no-${s.flag}`] === true;
    const envValue = s.env === undefined ? undefined : env[s.env];
    if (negated) values[s.key] = false;
    else if (typeof flagValue === 'string') values[s.key] = parseValue(s, flagValue, settingName(s, true));
    else if (envValue !== undefined && envValue !== '')
      values[s.key] = parseValue(s, envValue, settingName(s, false));
    else if (s.default !== undefined) values[s.key] = parseValue(s, s.default, `default of --${s.flag}`);
  }
  return buildConfig(command, values, env);
}

function buildConfig(command: string, v: Record<string, unknown>, env: Env): Config {
  const str = (k: string) => v[k] as string | undefined;
  const config: Config = {
    command,
    kafka: {
      brokers: (v.brokers as string[] | undefined) ?? ['127.0.0.1:19092'],
      topic: str('topic') ?? 'page-events',
      group: str('group') ?? 'tagspace',
      tagsTopic: str('tagsTopic') ?? 'page-tags',
      dlqTopic: str('dlqTopic') ?? 'page-events-dlq',
      maxInFlight: (v.maxInFlight as number | undefined) ?? 1000,
      commitIntervalMs: (v.commitIntervalMs as number | undefined) ?? 1000,
      exactlyOnce: (v.exactlyOnce as boolean | undefined) ?? false,
      instanceId: str('instanceId') ?? hostname(),
    },
    restore: (v.restore as boolean | undefined) ?? true,
    shutdownTimeoutMs: (v.shutdownTimeoutMs as number | undefined) ?? 30_000,
    gemini: {
      apiKey: str('geminiApiKey'),
      model: str('geminiModel') ?? 'gemini-2.0-flash',
      baseUrl: str('geminiBaseUrl'),
      keySetting: 'GEMINI_API_KEY',
    },
    openai: {
      apiKey: str('openaiApiKey'),
      model: str('openaiModel') ?? 'gpt-4o-mini',
      baseUrl: str('openaiBaseUrl'),
      keySetting: 'OPENAI_API_KEY',
    },
    providerTimeoutMs: (v.providerTimeoutMs as number | undefined) ?? 60_000,
    concurrency: {
      policy: (str('concurrencyPolicy') ?? 'adaptive') as ConcurrencyPolicyName,
      initial: (v.concurrency as number | undefined) ?? 3,
      max: (v.maxConcurrency as number | undefined) ?? 10,
    },
    batch: {
      size: (v.batchSize as number | undefined) ?? 5,
      lingerMs: (v.lingerMs as number | undefined) ?? 200,
      maxPromptTokens: (v.maxPromptTokens as number | undefined) ?? 8000,
      maxPageTokens: (v.maxPageTokens as number | undefined) ?? 2000,
    },
    cache: {
      enabled: (v.cacheEnabled as boolean | undefined) ?? true,
      size: (v.cacheSize as number | undefined) ?? 1000,
    },
    retry: {
      maxRetries: (v.maxRetries as number | undefined) ?? 3,
      baseDelayMs: (v.retryBaseMs as number | undefined) ?? 500,
    },
    maxTags: (v.maxTags as number | undefined) ?? 8,
    summaryJson: str('summaryJson'),
    logLevel: str('logLevel') ?? 'info',
    telemetry: {
      serviceName: nonEmpty(env.OTEL_SERVICE_NAME) ?? 'tagspace',
      tracing: tracingConfig(v.trace as boolean | undefined, env),
      metrics: metricsConfig(command, v.metricsPort as number | undefined, str('metricsHost')),
      report: str('report'),
    },
    input: str('input'),
    out: str('out'),
    scenario: str('scenario'),
    sim: { port: (v.port as number | undefined) ?? 8080, host: str('host') ?? '127.0.0.1' },
    gen: {
      pages: (v.pages as number | undefined) ?? 100,
      seed: (v.seed as number | undefined) ?? 1,
      space: str('space') ?? 'ENG',
      truth: str('truth'),
    },
    positionals: [],
  };
  validate(config, env);
  return config;
}

/** Rules that involve more than one setting. */
function validate(c: Config, env: Env): void {
  if (c.concurrency.initial > c.concurrency.max) {
    const fromEnv = env.TAG_SPACE_AI_CONCURRENCY !== undefined;
    throw new TagspaceError(
      'config',
      `invalid ${fromEnv ? 'TAG_SPACE_AI_CONCURRENCY' : '--concurrency'}: ${c.concurrency.initial} is above the maximum concurrency ${c.concurrency.max}`,
      { setting: 'TAG_SPACE_AI_CONCURRENCY' },
    );
  }
  if (c.batch.maxPageTokens > c.batch.maxPromptTokens) {
    throw new TagspaceError(
      'config',
      `invalid --max-page-tokens: ${c.batch.maxPageTokens} is above --max-prompt-tokens ${c.batch.maxPromptTokens}`,
      { setting: 'TAG_SPACE_MAX_PAGE_TOKENS' },
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function metricsConfig(
  command: string,
  port: number | undefined,
  host: string | undefined,
): TelemetryConfig['metrics'] {
  const p = port ?? (command === 'run' ? DEFAULT_METRICS_PORT : undefined);
  return p === undefined ? undefined : { port: p, host: host ?? '0.0.0.0' };
}

/**
 * The standard OTEL_* variables for traces (the subset tagspace honours):
 *
 *   on  ⇔ --trace ∨ (¬--no-trace ∧ ¬OTEL_SDK_DISABLED ∧ OTEL_TRACES_EXPORTER ≠ none ∧ an endpoint is set)
 *   url = OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  (as given)
 *       | OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces
 *       | http://localhost:4318/v1/traces      (--trace alone)
 */
function tracingConfig(flag: boolean | undefined, env: Env): TracingConfig | undefined {
  const fail = (name: string, why: string): never => {
    throw new TagspaceError('config', `invalid ${name}: ${why}`, { setting: name });
  };
  const url = (name: string): string | undefined => {
    const raw = nonEmpty(env[name]);
    if (raw === undefined) return undefined;
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      fail(name, `"${raw}" is not a URL`);
    }
    if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:')
      fail(name, `"${raw}" is not an http(s) URL`);
    return raw;
  };
  const tracesUrl = url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const baseUrl = url('OTEL_EXPORTER_OTLP_ENDPOINT');
  const exporter = nonEmpty(env.OTEL_TRACES_EXPORTER)?.toLowerCase() ?? 'otlp';
  if (exporter !== 'otlp' && exporter !== 'none')
    fail('OTEL_TRACES_EXPORTER', `"${exporter}" is not otlp or none`);
  const disabled = nonEmpty(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true' || exporter === 'none';
  const on = flag ?? (!disabled && (tracesUrl !== undefined || baseUrl !== undefined));
  if (!on) return undefined;

  const protocol =
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (protocol !== undefined && protocol !== 'http/protobuf' && protocol !== 'http/json') {
    const name =
      env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL !== undefined
        ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
        : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    fail(name, `"${protocol}" is not supported; tagspace exports OTLP over HTTP (port 4318)`);
  }
  const sampler = (nonEmpty(env.OTEL_TRACES_SAMPLER) ?? 'parentbased_always_on').toLowerCase();
  if (!(SAMPLER_NAMES as readonly string[]).includes(sampler)) {
    fail('OTEL_TRACES_SAMPLER', `"${sampler}" is not one of ${SAMPLER_NAMES.join(', ')}`);
  }
  const ratioRaw = nonEmpty(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = ratioRaw === undefined ? 1 : Number(ratioRaw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    fail('OTEL_TRACES_SAMPLER_ARG', `"${ratioRaw}" is not a ratio between 0 and 1`);
  }
  return {
    url: tracesUrl ?? `${(baseUrl ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`,
    headers: {
      ...otlpHeaders('OTEL_EXPORTER_OTLP_HEADERS', env, fail),
      ...otlpHeaders('OTEL_EXPORTER_OTLP_TRACES_HEADERS', env, fail),
    },
    sampler: { name: sampler as SamplerName, ratio },
  };
}

/** `key1=value1,key2=value2`, values URL-encoded (the OTLP exporter specification's format). */
function otlpHeaders(
  name: string,
  env: Env,
  fail: (name: string, why: string) => never,
): Record<string, string> {
  const raw = nonEmpty(env[name]);
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    // The value may be a credential: the message names the variable, never the value.
    if (at <= 0 || key === '') fail(name, 'expected key=value pairs separated by commas');
    try {
      out[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      fail(name, `the value of "${key}" is not URL-encoded`);
    }
  }
  return out;
}

/** True when --help was asked for (checked before full parsing, so --help works with bad flags). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
