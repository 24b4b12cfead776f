/**
 * The table of every setting tagspace understands: its flag, its environment variable, its
 * parser and its default. config.ts reads flags and the environment through this table once;
 * `--help` is printed from it, so the two cannot drift apart.
 */
export type SettingType = 'string' | 'int' | 'number' | 'bool' | 'list' | 'url' | 'enum';

export interface Setting {
  /** Key in the parsed settings record. */
  key: string;
  flag: string;
  env?: string;
  type: SettingType;
  default?: string;
  values?: readonly string[];
  min?: number;
  help: string;
  /** Commands the flag is offered on; undefined = every pipeline command. */
  commands?: readonly string[];
  /** Secrets are never printed, not even in --help defaults. */
  secret?: boolean;
}

const PIPELINE = ['run', 'replay', 'demo'] as const;
const KAFKA = ['run', 'replay', 'gen'] as const;

export const SETTINGS: readonly Setting[] = [
  // Kafka
  {
    key: 'brokers',
    flag: 'brokers',
    env: 'KAFKA_BROKERS',
    type: 'list',
    default: '127.0.0.1:19092',
    help: 'Kafka bootstrap servers, comma-separated',
    commands: KAFKA,
  },
  {
    key: 'topic',
    flag: 'topic',
    env: 'TAGSPACE_TOPIC',
    type: 'string',
    default: 'page-events',
    help: 'topic of page-change events',
    commands: KAFKA,
  },
  {
    key: 'group',
    flag: 'group',
    env: 'TAGSPACE_GROUP',
    type: 'string',
    default: 'tagspace',
    help: 'consumer group',
    commands: ['run'],
  },
  {
    key: 'tagsTopic',
    flag: 'tags-topic',
    env: 'TAGSPACE_TAGS_TOPIC',
    type: 'string',
    default: 'page-tags',
    help: 'output topic of TagRecords (compacted)',
    commands: ['run', 'replay'],
  },
  {
    key: 'dlqTopic',
    flag: 'dlq-topic',
    env: 'TAGSPACE_DLQ_TOPIC',
    type: 'string',
    default: 'page-events-dlq',
    help: 'dead-letter topic',
    commands: ['run', 'replay'],
  },
  {
    key: 'maxInFlight',
    flag: 'max-in-flight',
    env: 'TAGSPACE_MAX_IN_FLIGHT',
    type: 'int',
    min: 1,
    default: '1000',
    help: 'events in flight before the consumer pauses',
    commands: ['run', 'replay'],
  },
  {
    key: 'commitIntervalMs',
    flag: 'commit-interval-ms',
    env: 'TAGSPACE_COMMIT_INTERVAL_MS',
    type: 'int',
    min: 10,
    default: '1000',
    help: 'how often written offsets are committed',
    commands: ['run', 'replay'],
  },
  {
    key: 'sessionTimeoutMs',
    flag: 'session-timeout-ms',
    env: 'TAGSPACE_SESSION_TIMEOUT_MS',
    type: 'int',
    min: 6000,
    default: '10000',
    help: 'a member silent this long leaves the consumer group and its partitions move (also how long a restarted member waits for its old self to be dropped); the broker must allow it (group.min/max.session.timeout.ms)',
    commands: ['run'],
  },
  {
    key: 'exactlyOnce',
    flag: 'exactly-once',
    env: 'TAGSPACE_EXACTLY_ONCE',
    type: 'bool',
    default: 'false',
    help: 'write outcomes and consumed offsets in one Kafka transaction per flush (read the tags topic read_committed)',
    commands: ['run', 'replay'],
  },
  {
    key: 'instanceId',
    flag: 'instance-id',
    env: 'TAGSPACE_INSTANCE_ID',
    type: 'string',
    help: 'names this instance: its transactional producer, so a restart fences its predecessor, and, as a digest, its provider calls (x-tagspace-instance header) (default: the host name)',
    commands: ['run', 'replay'],
  },
  {
    key: 'shutdownTimeoutMs',
    flag: 'shutdown-timeout-ms',
    env: 'TAGSPACE_SHUTDOWN_TIMEOUT_MS',
    type: 'int',
    min: 0,
    default: '30000',
    help: 'on SIGTERM/SIGINT, how long in-flight work may drain before it is dropped (unwritten work is re-read on restart)',
    commands: ['run', 'replay'],
  },
  {
    key: 'restore',
    flag: 'restore',
    env: 'TAGSPACE_RESTORE',
    type: 'bool',
    default: 'true',
    help: 'restore the tag state from the tags topic (or the demo output) on start',
  },

  // Providers
  {
    key: 'geminiApiKey',
    flag: 'gemini-api-key',
    env: 'GEMINI_API_KEY',
    type: 'string',
    help: 'Gemini API key (prefer the env var)',
    secret: true,
  },
  {
    key: 'geminiModel',
    flag: 'gemini-model',
    env: 'GEMINI_MODEL',
    type: 'string',
    default: 'gemini-2.0-flash',
    help: 'Gemini model',
  },
  {
    key: 'geminiBaseUrl',
    flag: 'gemini-base-url',
    env: 'GEMINI_BASE_URL',
    type: 'url',
    help: 'Gemini API base URL (e.g. the simulator)',
  },
  {
    key: 'openaiApiKey',
    flag: 'openai-api-key',
    env: 'OPENAI_API_KEY',
    type: 'string',
    help: 'OpenAI API key (prefer the env var)',
    secret: true,
  },
  {
    key: 'openaiModel',
    flag: 'openai-model',
    env: 'OPENAI_MODEL',
    type: 'string',
    default: 'gpt-4o-mini',
    help: 'OpenAI model',
  },
  {
    key: 'openaiBaseUrl',
    flag: 'openai-base-url',
    env: 'OPENAI_BASE_URL',
    type: 'url',
    help: 'OpenAI API base URL, ending in /v1',
  },
  {
    key: 'providerTimeoutMs',
    flag: 'provider-timeout-ms',
    env: 'TAGSPACE_PROVIDER_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: '60000',
    help: 'timeout of one provider call',
  },

  // The origin document's knobs
  {
    key: 'concurrency',
    flag: 'concurrency',
    env: 'TAG_SPACE_AI_CONCURRENCY',
    type: 'int',
    min: 1,
    default: '3',
    help: 'initial concurrent LLM calls',
  },
  {
    key: 'maxConcurrency',
    flag: 'max-concurrency',
    env: 'TAG_SPACE_MAX_AI_CONCURRENCY',
    type: 'int',
    min: 1,
    default: '10',
    help: 'upper bound of concurrent LLM calls',
  },
  {
    key: 'concurrencyPolicy',
    flag: 'concurrency-policy',
    env: 'TAG_SPACE_CONCURRENCY_POLICY',
    type: 'enum',
    values: ['fixed', 'seed', 'adaptive'],
    default: 'adaptive',
    help: 'how the concurrency limit follows call outcomes',
  },
  {
    key: 'batchSize',
    flag: 'batch-size',
    env: 'TAG_SPACE_BATCH_SIZE',
    type: 'int',
    min: 1,
    default: '5',
    help: 'pages per LLM call',
  },
  {
    key: 'lingerMs',
    flag: 'linger-ms',
    env: 'TAG_SPACE_BATCH_LINGER_MS',
    type: 'int',
    min: 0,
    default: '200',
    help: 'how long a partial batch waits for more pages',
  },
  {
    key: 'maxPromptTokens',
    flag: 'max-prompt-tokens',
    env: 'TAG_SPACE_MAX_PROMPT_TOKENS',
    type: 'int',
    min: 100,
    default: '8000',
    help: 'token budget of one batched prompt',
  },
  {
    key: 'maxPageTokens',
    flag: 'max-page-tokens',
    env: 'TAG_SPACE_MAX_PAGE_TOKENS',
    type: 'int',
    min: 50,
    default: '2000',
    help: 'token budget of one page; longer pages are truncated',
  },
  {
    key: 'cacheEnabled',
    flag: 'cache',
    env: 'TAG_SPACE_CACHE_ENABLED',
    type: 'bool',
    default: 'true',
    help: 'skip pages whose content was already tagged',
  },
  {
    key: 'cacheSize',
    flag: 'cache-size',
    env: 'TAG_SPACE_CACHE_SIZE',
    type: 'int',
    min: 1,
    default: '1000',
    help: 'entries kept in the tag cache (LRU)',
  },
  {
    key: 'maxRetries',
    flag: 'max-retries',
    env: 'TAG_SPACE_MAX_RETRIES',
    type: 'int',
    min: 0,
    default: '3',
    help: 'retries of one provider call',
  },
  {
    key: 'retryBaseMs',
    flag: 'retry-base-ms',
    env: 'TAG_SPACE_RETRY_BASE_MS',
    type: 'int',
    min: 1,
    default: '500',
    help: 'first backoff delay (doubles each retry)',
  },
  {
    key: 'maxTags',
    flag: 'max-tags',
    env: 'TAG_SPACE_MAX_TAGS',
    type: 'int',
    min: 1,
    default: '8',
    help: 'tags kept per page',
  },

  // Output
  {
    key: 'summaryJson',
    flag: 'summary-json',
    type: 'string',
    help: 'write the run summary as JSON to this file',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'TAGSPACE_LOG_LEVEL',
    type: 'enum',
    values: ['trace', 'debug', 'info', 'warn', 'error', 'silent'],
    default: 'info',
    help: 'log level (logs go to stderr)',
  },
  {
    key: 'heapGrowthPercent',
    flag: 'heap-growth',
    env: 'TAGSPACE_HEAP_GROWTH_PERCENT',
    type: 'int',
    min: 0,
    default: '50',
    help: 'how far (percent) the JS heap may grow past its live data before a full collection; 0 = V8 default (up to 300); keeps a long run flat in memory',
    commands: PIPELINE,
  },
  {
    key: 'report',
    flag: 'report',
    type: 'string',
    help: 'write an HTML run report (charts, no network needed to view) to this file',
    commands: ['replay', 'demo'],
  },

  // Telemetry (the OTEL_* variables are read too: see config.ts)
  {
    key: 'trace',
    flag: 'trace',
    env: 'TAGSPACE_TRACE',
    type: 'bool',
    help: 'export traces over OTLP/HTTP (default: on when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set; without either, to http://localhost:4318)',
  },
  {
    key: 'metricsPort',
    flag: 'metrics-port',
    env: 'TAGSPACE_METRICS_PORT',
    type: 'int',
    min: 0,
    help: 'serve /metrics (Prometheus), /healthz and /readyz on this port; 0 = any free port (default: 9464 for run, off for replay and demo)',
  },
  {
    key: 'metricsHost',
    flag: 'metrics-host',
    env: 'TAGSPACE_METRICS_HOST',
    type: 'string',
    default: '0.0.0.0',
    help: 'address the metrics server listens on',
  },
  {
    key: 'input',
    flag: 'input',
    type: 'string',
    help: 'JSONL file of PageEvents (default: the bundled sample space)',
    commands: ['demo'],
  },
  {
    key: 'out',
    flag: 'out',
    type: 'string',
    help: 'where TagRecords are written',
    commands: ['demo', 'gen'],
  },
  {
    key: 'scenario',
    flag: 'scenario',
    type: 'string',
    help: 'simulator scenario JSON file',
    commands: ['demo', 'sim'],
  },

  // Simulator and generator
  {
    key: 'port',
    flag: 'port',
    env: 'TAGSPACE_SIM_PORT',
    type: 'int',
    min: 0,
    default: '8080',
    help: 'port to listen on',
    commands: ['sim'],
  },
  {
    key: 'host',
    flag: 'host',
    env: 'TAGSPACE_SIM_HOST',
    type: 'string',
    default: '127.0.0.1',
    help: 'address to listen on',
    commands: ['sim'],
  },
  {
    key: 'pages',
    flag: 'pages',
    type: 'int',
    min: 1,
    default: '100',
    help: 'pages to generate',
    commands: ['gen'],
  },
  { key: 'seed', flag: 'seed', type: 'int', min: 0, default: '1', help: 'random seed', commands: ['gen'] },
  { key: 'space', flag: 'space', type: 'string', default: 'ENG', help: 'space key', commands: ['gen'] },
  {
    key: 'truth',
    flag: 'truth',
    type: 'string',
    help: 'also write the ground-truth topics as JSON to this file',
    commands: ['gen'],
  },
];

export function settingsFor(command: string): Setting[] {
  return SETTINGS.filter((s) =>
    s.commands === undefined
      ? (PIPELINE as readonly string[]).includes(command)
      : s.commands.includes(command),
  );
}
