import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { TagspaceError } from '../model/errors.js';
import { SETTINGS, type SettingValues } from './settings.js';
import { readSettings } from './read-settings.js';
import type { ConcurrencyPolicyName } from '../router/concurrency-policies.js';
import { resourceAttributes, tracingConfig, type Env } from './otel-env.js';
import { packageVersion } from './package-root.js';
import type { TracingConfig } from '../telemetry/tracing.js';
import type { BatchSettings } from '../pipeline/tag-deliveries.js';
import {
  confluenceCredentials,
  confluenceDeployment,
  validateConfluence,
  type ConfluenceConfig,
} from './confluence-config.js';
import type { KafkaSecurity } from '../kafka/kafka-security.js';
import { kafkaSecurity } from './kafka-security-config.js';
import { unwritableReason } from './output-file.js';
import { refuseShared, type NamingSetting } from './refuse-shared.js';
import { validateBrokers } from './broker-addresses.js';

/**
 * Flags and environment → one typed, validated Config. This is the only module that reads
 * process.env. Precedence: flag > environment variable > default. A bad value throws a
 * `config` TagspaceError whose message is one line naming the flag (or variable) at fault.
 */
export interface Config {
  command: string;
  kafka: {
    brokers: string[];
    /** TLS and SASL (never log its password). */
    security: KafkaSecurity;
    topic: string;
    group: string;
    tagsTopic: string;
    dlqTopic: string;
    maxInFlight: number;
    commitIntervalMs: number;
    /** The consumer group's session timeout. */
    sessionTimeoutMs: number;
    exactlyOnce: boolean;
    /** Names this instance's transactional producer, so a restart fences its predecessor. */
    instanceId: string;
  };
  /** Quota sharing among the instances that use the same provider key (docs/quota.md). */
  quota: { sharing: boolean; topic: string };
  restore: boolean;
  shutdownTimeoutMs: number;
  /** A bounded run gives up once no provider has served for this long; 0 never. */
  giveUpAfterMs: number;
  gemini: ProviderConfig;
  openai: ProviderConfig;
  providerTimeoutMs: number;
  /** The call deadline's floor and ceiling (router/call-deadline.ts). */
  callDeadline: { minMs: number; maxMs: number };
  concurrency: { policy: ConcurrencyPolicyName; initial: number; max: number };
  /** Spill-over to the other provider (router/spill-over.ts); absent when off. */
  spill: { afterMs: number } | undefined;
  batch: BatchSettings;
  cache: { enabled: boolean; size: number };
  retry: { maxRetries: number; baseDelayMs: number };
  maxTags: number;
  summaryJson: string | undefined;
  logLevel: string;
  /** V8's heap growing factor − 1, in percent (0 = V8's default): see heap-growth.ts. */
  heapGrowthPercent: number;
  telemetry: TelemetryConfig;
  input: string | undefined;
  out: string | undefined;
  scenario: string | undefined;
  sim: { port: number; host: string };
  gen: { pages: number; seed: number; space: string; truth: string | undefined };
  confluence: ConfluenceConfig;
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
  /** The resource of traces and metrics: service.name, service.version, OTEL_RESOURCE_ATTRIBUTES. */
  resource: Record<string, string>;
  tracing: TracingConfig | undefined;
  metrics: { port: number; host: string } | undefined;
  /** --report: the HTML run report's file (replay, demo). */
  report: string | undefined;
}

/** The Prometheus exporter's registered port, served by `run` unless --metrics-port says otherwise. */
export const DEFAULT_METRICS_PORT = 9464;

/** Parses argv (after the command word) and env for `command`. */
export function loadConfig(command: string, argv: readonly string[], env: Env = process.env): Config {
  const { values, sources } = readSettings(command, argv, env);
  return buildConfig(command, values, env, sources);
}

function buildConfig(command: string, v: SettingValues, env: Env, sources: Record<string, string>): Config {
  // Every setting with a default has a value by now (loadConfig), as SettingValues says.
  const str = <K extends keyof SettingValues>(k: K) => v[k];
  const text = str;
  const num = str;
  const bool = str;
  const resource = resourceAttributes(env, packageVersion());
  const credentials = confluenceCredentials(command, v);
  const deployment = confluenceDeployment(str('confluenceDeployment'), str('confluenceUrl'), credentials);
  const config: Config = {
    command,
    kafka: {
      brokers: v.brokers,
      security: kafkaSecurity(command, v, (key) => sources[key] ?? envOf(key)),
      topic: text('topic'),
      group: text('group'),
      tagsTopic: text('tagsTopic'),
      dlqTopic: text('dlqTopic'),
      maxInFlight: num('maxInFlight'),
      commitIntervalMs: num('commitIntervalMs'),
      sessionTimeoutMs: num('sessionTimeoutMs'),
      exactlyOnce: bool('exactlyOnce'),
      instanceId: str('instanceId') ?? hostname(),
    },
    quota: { sharing: bool('quotaSharing'), topic: text('quotaTopic') },
    restore: bool('restore'),
    shutdownTimeoutMs: num('shutdownTimeoutMs'),
    giveUpAfterMs: num('giveUpAfterMs'),
    gemini: {
      apiKey: str('geminiApiKey') ?? keyless(str('geminiBaseUrl')),
      model: text('geminiModel'),
      baseUrl: str('geminiBaseUrl'),
      keySetting: 'GEMINI_API_KEY',
    },
    openai: {
      apiKey: str('openaiApiKey') ?? keyless(str('openaiBaseUrl')),
      model: text('openaiModel'),
      baseUrl: str('openaiBaseUrl'),
      keySetting: 'OPENAI_API_KEY',
    },
    providerTimeoutMs: num('providerTimeoutMs'),
    callDeadline: { minMs: num('minCallDeadlineMs'), maxMs: num('providerTimeoutMs') },
    concurrency: {
      policy: v.concurrencyPolicy,
      initial: num('concurrency'),
      max: num('maxConcurrency'),
    },
    spill: bool('spill') ? { afterMs: num('spillAfterMs') } : undefined,
    batch: {
      size: num('batchSize'),
      policy: v.batchPolicy,
      maxSize: num('maxBatchSize'),
      lingerMs: num('lingerMs'),
      maxPromptTokens: num('maxPromptTokens'),
      maxPageTokens: num('maxPageTokens'),
    },
    cache: {
      enabled: bool('cacheEnabled'),
      size: num('cacheSize'),
    },
    retry: {
      maxRetries: num('maxRetries'),
      baseDelayMs: num('retryBaseMs'),
    },
    maxTags: num('maxTags'),
    summaryJson: str('summaryJson'),
    logLevel: text('logLevel'),
    heapGrowthPercent: num('heapGrowthPercent'),
    telemetry: {
      serviceName: resource['service.name'],
      resource,
      tracing: tracingConfig(v.trace, env),
      metrics: metricsConfig(command, v.metricsPort, str('metricsHost')),
      report: str('report'),
    },
    input: str('input'),
    out: str('out'),
    scenario: str('scenario'),
    sim: { port: num('port'), host: text('host') },
    gen: {
      pages: num('pages'),
      seed: num('seed'),
      space: text('space'),
      truth: str('truth'),
    },
    confluence: {
      url: str('confluenceUrl'),
      credentials:
        credentials?.kind === 'basic' && deployment === 'data-center'
          ? { ...credentials, dataCenter: true }
          : credentials,
      deployment,
      spaces: v.confluenceSpaces ?? [],
      follow: bool('follow'),
      pollIntervalMs: num('pollIntervalMs'),
      checkpointTopic: text('checkpointTopic'),
      timeZone: text('cqlTimeZone'),
      maxConcurrency: num('confluenceMaxConcurrency'),
      maxRetries: num('confluenceMaxRetries'),
      timeoutMs: num('confluenceTimeoutMs'),
      webhookSecret: str('webhookSecret'),
      webhook: { port: num('webhookPort'), host: text('webhookHost') },
      labels: {
        group: text('labelsGroup'),
        untilEnd: bool('untilEnd'),
        dryRun: bool('dryRun'),
        stateTopic: text('labelsStateTopic'),
        dlqTopic: text('labelsDlqTopic'),
      },
      demo: bool('confluenceDemo'),
    },
    positionals: [],
  };
  validate(
    config,
    (key, flag) => sources[key] ?? flag,
    (key) => key in sources,
  );
  return config;
}

/**
 * A provider given a base URL but no key (the simulator, a proxy that holds the real key) is used
 * without one: the SDKs want a string, so it gets this placeholder, which no real service takes.
 */
const KEYLESS = 'no-key';

function keyless(baseUrl: string | undefined): string | undefined {
  return baseUrl === undefined ? undefined : KEYLESS;
}

/** The environment variable of a setting that was not given, to name it in an error. */
function envOf(key: string): string {
  const s = SETTINGS.find((x) => x.key === key);
  return s?.env ?? `--${s?.flag ?? key}`;
}

/**
 * Rules that involve more than one setting; `name` says where a value came from, `given` whether
 * the user gave it.
 */
function validate(
  c: Config,
  name: (key: string, flag: string) => string,
  given: (key: string) => boolean,
): void {
  validateConfluence(c.command, c.confluence, c.out);
  validateBrokers(c.kafka.brokers, name('brokers', '--brokers'));
  if (c.concurrency.initial > c.concurrency.max) {
    const at = name('concurrency', '--concurrency');
    throw new TagspaceError(
      'config',
      `invalid ${at}: ${c.concurrency.initial} is above the maximum concurrency ${c.concurrency.max}`,
      { setting: at },
    );
  }
  // A start above the default cap raises the cap (TAG_SPACE_BATCH_SIZE=50 alone means 50 a call);
  // a cap the user set below the start is a contradiction, and which one they meant is theirs to say.
  const maxSize = c.batch.maxSize ?? c.batch.size;
  if (given('maxBatchSize') && maxSize < c.batch.size) {
    const at = name('maxBatchSize', '--max-batch-size');
    throw new TagspaceError(
      'config',
      `invalid ${at}: ${maxSize} is below the starting batch size ${c.batch.size} (${name('batchSize', '--batch-size')})`,
      { setting: at },
    );
  }
  const outputs: NamingSetting[] = [
    ['summaryJson', '--summary-json', c.summaryJson],
    ['report', '--report', c.telemetry.report],
    ['out', '--out', c.out],
    ['truth', '--truth', c.gen.truth],
  ];
  for (const [key, flag, path] of outputs) {
    const why = path === undefined ? undefined : unwritableReason(path);
    if (why === undefined) continue;
    const at = name(key, flag);
    throw new TagspaceError('config', `invalid ${at}: cannot write ${path}: ${why}`, { setting: at });
  }
  refuseShared('file', [['input', '--input', c.input], ...outputs], name, given, (p) => resolve(p));
  refuseShared('topic', topicsOf(c), name, given);
  if (c.batch.maxPageTokens > c.batch.maxPromptTokens) {
    const at = name('maxPageTokens', '--max-page-tokens');
    throw new TagspaceError(
      'config',
      `invalid ${at}: ${c.batch.maxPageTokens} is above --max-prompt-tokens ${c.batch.maxPromptTokens}`,
      { setting: at },
    );
  }
}

/** The topics a command reads or writes, each of which must be a topic of its own. */
function topicsOf(c: Config): NamingSetting[] {
  const k = c.kafka;
  switch (c.command) {
    case 'run':
    case 'replay':
      return [
        ['topic', '--topic', k.topic],
        ['tagsTopic', '--tags-topic', k.tagsTopic],
        ['dlqTopic', '--dlq-topic', k.dlqTopic],
        ['quotaTopic', '--quota-topic', c.quota.topic],
      ];
    case 'ingest':
      return [
        ['topic', '--topic', k.topic],
        ['checkpointTopic', '--checkpoint-topic', c.confluence.checkpointTopic],
      ];
    case 'labels':
      return [
        ['tagsTopic', '--tags-topic', k.tagsTopic],
        ['labelsStateTopic', '--labels-state-topic', c.confluence.labels.stateTopic],
        ['labelsDlqTopic', '--labels-dlq-topic', c.confluence.labels.dlqTopic],
      ];
    default:
      return [];
  }
}

function metricsConfig(
  command: string,
  port: number | undefined,
  host: string | undefined,
): TelemetryConfig['metrics'] {
  const p = port ?? (command === 'run' ? DEFAULT_METRICS_PORT : undefined);
  return p === undefined ? undefined : { port: p, host: host ?? '0.0.0.0' };
}

/** True when --help was asked for (checked before full parsing, so --help works with bad flags). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
