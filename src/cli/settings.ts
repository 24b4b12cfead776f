import { CONCURRENCY_POLICY_NAMES, DEFAULT_CONCURRENCY } from '../router/concurrency-policies.js';
import { DEFAULT_MAX_TAGS_PER_PAGE } from '../router/normalise-labels.js';
import { ORIGIN_BACKOFF } from '../operators/backoff.js';
import { SASL_MECHANISMS } from '../kafka/kafka-security.js';

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
  /** The environment variable (TAGSPACE_*, or the standard name where one exists: KAFKA_BROKERS). */
  env?: string;
  /** Older names of the same variable, still read when `env` is unset (the origin document's TAG_SPACE_*). */
  aliases?: readonly string[];
  type: SettingType;
  default?: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  help: string;
  /** Commands the flag is offered on; undefined = every pipeline command. */
  commands?: readonly string[];
  /** Secrets are never printed, not even in --help defaults. */
  secret?: boolean;
  /** The flag may be repeated (a list: its values are joined, each may hold commas too). */
  multiple?: boolean;
}

const PIPELINE = ['run', 'replay', 'demo'] as const;
export const KAFKA_COMMANDS = ['run', 'replay', 'gen', 'ingest', 'webhook', 'labels'] as const;
const CONFLUENCE = ['ingest', 'webhook', 'labels'] as const;

const TABLE = [
  // Kafka
  {
    key: 'brokers',
    flag: 'brokers',
    env: 'KAFKA_BROKERS',
    type: 'list',
    default: 'localhost:9092',
    help: 'Kafka bootstrap servers, comma-separated',
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaSsl',
    flag: 'kafka-ssl',
    env: 'KAFKA_SSL',
    type: 'bool',
    default: 'false',
    help: 'connect to the brokers over TLS (--kafka-ca-file turns it on too)',
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaCaFile',
    flag: 'kafka-ca-file',
    env: 'KAFKA_CA_FILE',
    type: 'string',
    help: "PEM file of the CA the brokers' certificates chain to, trusted instead of Node's CAs",
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaSaslMechanism',
    flag: 'kafka-sasl-mechanism',
    env: 'KAFKA_SASL_MECHANISM',
    type: 'enum',
    values: SASL_MECHANISMS,
    help: 'authenticate to the brokers with SASL (plain and scram with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD; oauthbearer with KAFKA_SASL_OAUTHBEARER_*)',
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaSaslUsername',
    flag: 'kafka-sasl-username',
    env: 'KAFKA_SASL_USERNAME',
    type: 'string',
    help: 'SASL user name (Confluent Cloud: the API key)',
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaSaslPassword',
    flag: 'kafka-sasl-password',
    env: 'KAFKA_SASL_PASSWORD',
    type: 'string',
    help: 'SASL password (prefer the env var; Confluent Cloud: the API secret)',
    secret: true,
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaOauthTokenEndpointUrl',
    flag: 'kafka-sasl-oauthbearer-token-endpoint-url',
    env: 'KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL',
    type: 'url',
    help: 'OAUTHBEARER: the OAuth token endpoint access tokens come from (client-credentials grant)',
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaOauthClientId',
    flag: 'kafka-sasl-oauthbearer-client-id',
    env: 'KAFKA_SASL_OAUTHBEARER_CLIENT_ID',
    type: 'string',
    help: 'OAUTHBEARER: the OAuth client id',
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaOauthClientSecret',
    flag: 'kafka-sasl-oauthbearer-client-secret',
    env: 'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET',
    type: 'string',
    help: 'OAUTHBEARER: the OAuth client secret (prefer the env var)',
    secret: true,
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaOauthScope',
    flag: 'kafka-sasl-oauthbearer-scope',
    env: 'KAFKA_SASL_OAUTHBEARER_SCOPE',
    type: 'string',
    help: 'OAUTHBEARER: the scope asked for with each token, when the provider wants one',
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'kafkaOauthExtensions',
    flag: 'kafka-sasl-oauthbearer-extensions',
    env: 'KAFKA_SASL_OAUTHBEARER_EXTENSIONS',
    type: 'list',
    help: 'OAUTHBEARER: SASL extensions as key=value pairs, comma-separated (Confluent Cloud: logicalCluster=lkc-…,identityPoolId=pool-…)',
    commands: KAFKA_COMMANDS,
  },
  {
    key: 'topic',
    flag: 'topic',
    env: 'TAGSPACE_TOPIC',
    type: 'string',
    default: 'page-events',
    help: 'topic of page-change events',
    commands: ['run', 'replay', 'gen', 'ingest', 'webhook'],
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
    help: 'topic of TagRecords (compacted): the pipeline writes it, labels reads it',
    commands: ['run', 'replay', 'labels'],
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
    help: 'events in flight before the consumer pauses, at most: it reads only about what the providers serve in a quota window (at least 2 × max concurrency × batch size)',
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
    commands: ['run', 'replay', 'labels'],
  },
  {
    key: 'sessionTimeoutMs',
    flag: 'session-timeout-ms',
    env: 'TAGSPACE_SESSION_TIMEOUT_MS',
    type: 'int',
    min: 6000,
    default: '10000',
    help: 'a member silent this long leaves the consumer group and its partitions move (also how long a restarted member waits for its old self to be dropped); the broker must allow it (group.min/max.session.timeout.ms)',
    commands: ['run', 'labels'],
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
    key: 'quotaSharing',
    flag: 'quota-sharing',
    env: 'TAGSPACE_QUOTA_SHARING',
    type: 'bool',
    default: 'true',
    help: "share each provider key's quota with the other instances that use the same key (any group), through the quota topic",
    commands: ['run', 'replay'],
  },
  {
    key: 'quotaTopic',
    flag: 'quota-topic',
    env: 'TAGSPACE_QUOTA_TOPIC',
    type: 'string',
    default: 'tagspace-quota',
    help: 'compacted topic on which instances sharing a key publish their usage, demand and quota estimate (keys appear only as fingerprints)',
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
    commands: ['run', 'replay', 'labels'],
  },
  {
    key: 'giveUpAfterMs',
    flag: 'give-up-after-ms',
    env: 'TAGSPACE_GIVE_UP_AFTER_MS',
    type: 'int',
    min: 0,
    default: '300000',
    help: 'once no provider has served (failures, not waits on a quota) for this long, give up and exit 1 with the summary; the tags written are kept and the next replay goes on from them (0: wait until stopped)',
    commands: ['replay'],
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
    help: 'Gemini API base URL (e.g. the simulator); without GEMINI_API_KEY the provider is used with no key',
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
    help: 'OpenAI API base URL, ending in /v1; without OPENAI_API_KEY the provider is used with no key',
  },
  {
    key: 'providerTimeoutMs',
    flag: 'provider-timeout-ms',
    env: 'TAGSPACE_PROVIDER_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: '60000',
    help: 'timeout of one provider call (the ceiling of --min-call-deadline-ms)',
  },
  {
    key: 'minCallDeadlineMs',
    flag: 'min-call-deadline-ms',
    env: 'TAGSPACE_MIN_CALL_DEADLINE_MS',
    type: 'int',
    min: 100,
    default: '10000',
    help: "a call not answered within max(this, 3 × the provider's slowest recent answer, scaled to the call's pages; once three answers of its size have come) is given up and asked again, here or by spill-over on the other provider, so a hung call costs seconds instead of the whole --provider-timeout-ms, which stays the ceiling (set this to --provider-timeout-ms to always wait that long)",
  },

  // The origin document's knobs (its TAG_SPACE_* names are aliases)
  {
    key: 'concurrency',
    flag: 'concurrency',
    env: 'TAGSPACE_CONCURRENCY',
    aliases: ['TAG_SPACE_AI_CONCURRENCY'],
    type: 'int',
    min: 1,
    default: String(DEFAULT_CONCURRENCY.initial),
    help: 'initial concurrent LLM calls, per provider',
  },
  {
    key: 'maxConcurrency',
    flag: 'max-concurrency',
    env: 'TAGSPACE_MAX_CONCURRENCY',
    aliases: ['TAG_SPACE_MAX_AI_CONCURRENCY'],
    type: 'int',
    min: 1,
    default: String(DEFAULT_CONCURRENCY.max),
    help: 'upper bound of concurrent LLM calls per provider: not a total cap, since with --spill on and both providers configured each gets its own limit and up to twice this many calls are in flight',
  },
  {
    key: 'concurrencyPolicy',
    flag: 'concurrency-policy',
    env: 'TAGSPACE_CONCURRENCY_POLICY',
    type: 'enum',
    values: CONCURRENCY_POLICY_NAMES,
    default: DEFAULT_CONCURRENCY.policy,
    help: 'how the concurrency limit follows call outcomes',
  },
  {
    key: 'batchSize',
    flag: 'batch-size',
    env: 'TAGSPACE_BATCH_SIZE',
    aliases: ['TAG_SPACE_BATCH_SIZE'],
    type: 'int',
    min: 1,
    default: '5',
    help: 'pages per LLM call to start with (1 = one page per call, never more: the rollback switch)',
  },
  {
    key: 'batchPolicy',
    flag: 'batch-policy',
    env: 'TAGSPACE_BATCH_POLICY',
    type: 'enum',
    values: ['fixed', 'adaptive'],
    default: 'adaptive',
    help: 'fixed keeps --batch-size; adaptive sizes batches to the quota that binds (bench/README.md)',
  },
  {
    key: 'maxBatchSize',
    flag: 'max-batch-size',
    env: 'TAGSPACE_MAX_BATCH_SIZE',
    type: 'int',
    min: 1,
    default: '40',
    help: 'pages per LLM call the adaptive batch size grows to at most',
  },
  {
    key: 'lingerMs',
    flag: 'linger-ms',
    env: 'TAGSPACE_LINGER_MS',
    type: 'int',
    min: 0,
    default: '200',
    help: 'how long a partial batch waits for more pages',
  },
  {
    key: 'maxPromptTokens',
    flag: 'max-prompt-tokens',
    env: 'TAGSPACE_MAX_PROMPT_TOKENS',
    type: 'int',
    min: 100,
    default: '16000',
    help: 'token budget of one batched prompt',
  },
  {
    key: 'maxPageTokens',
    flag: 'max-page-tokens',
    env: 'TAGSPACE_MAX_PAGE_TOKENS',
    type: 'int',
    min: 50,
    default: '2000',
    help: 'token budget of one page; longer pages are truncated',
  },
  {
    key: 'cacheEnabled',
    flag: 'cache',
    env: 'TAGSPACE_CACHE_ENABLED',
    aliases: ['TAG_SPACE_CACHE_ENABLED'],
    type: 'bool',
    default: 'true',
    help: 'skip pages whose content was already tagged',
  },
  {
    key: 'cacheSize',
    flag: 'cache-size',
    env: 'TAGSPACE_CACHE_SIZE',
    aliases: ['TAG_SPACE_CACHE_SIZE'],
    type: 'int',
    min: 1,
    default: '1000',
    help: 'entries kept in the tag cache (LRU)',
  },
  {
    key: 'spill',
    flag: 'spill',
    env: 'TAGSPACE_SPILL',
    type: 'bool',
    default: 'true',
    help: 'with both providers configured, send a batch its provider would hold longer than --spill-after-ms, or cannot start because its calls fill its concurrency limit, to the other when that one can start it now (off: every batch stays with its provider)',
  },
  {
    key: 'spillAfterMs',
    flag: 'spill-after-ms',
    env: 'TAGSPACE_SPILL_AFTER_MS',
    type: 'int',
    min: 0,
    default: '3000',
    help: 'how long a batch may be held by its provider (pacing, retry pause, retry hint) before it spills over',
  },
  {
    key: 'maxRetries',
    flag: 'max-retries',
    env: 'TAGSPACE_MAX_RETRIES',
    type: 'int',
    min: 0,
    default: String(ORIGIN_BACKOFF.maxRetries),
    help: 'retries of one provider call',
  },
  {
    key: 'retryBaseMs',
    flag: 'retry-base-ms',
    env: 'TAGSPACE_RETRY_BASE_MS',
    type: 'int',
    min: 1,
    default: String(ORIGIN_BACKOFF.baseDelayMs),
    help: 'first backoff delay (doubles each retry)',
  },
  {
    key: 'maxTags',
    flag: 'max-tags',
    env: 'TAGSPACE_MAX_TAGS',
    type: 'int',
    min: 1,
    default: String(DEFAULT_MAX_TAGS_PER_PAGE),
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
    commands: [...PIPELINE, ...CONFLUENCE],
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
    commands: [...PIPELINE, ...CONFLUENCE],
  },
  {
    key: 'metricsPort',
    flag: 'metrics-port',
    env: 'TAGSPACE_METRICS_PORT',
    type: 'int',
    min: 0,
    max: 65535,
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
    default: 'tags.jsonl',
    help: 'the JSONL file TagRecords are appended to and the tag state is restored from; dead letters go beside it (NAME.dlq.jsonl)',
    commands: ['demo'],
  },
  {
    key: 'out',
    flag: 'out',
    type: 'string',
    help: 'write the PageEvents to this JSONL file instead of to --topic',
    commands: ['gen', 'ingest'],
  },
  {
    key: 'scenario',
    flag: 'scenario',
    type: 'string',
    help: 'simulator scenario JSON file',
    commands: ['demo', 'sim'],
  },

  // Confluence (ingest, webhook, labels; docs/confluence.md)
  {
    key: 'confluenceUrl',
    flag: 'confluence-url',
    env: 'CONFLUENCE_URL',
    type: 'url',
    help: 'the Confluence site, https://SITE.atlassian.net (with or without /wiki)',
    commands: CONFLUENCE,
  },
  {
    key: 'confluenceEmail',
    flag: 'confluence-email',
    env: 'CONFLUENCE_EMAIL',
    type: 'string',
    help: 'the Atlassian account whose API token is CONFLUENCE_API_TOKEN (Cloud)',
    commands: CONFLUENCE,
  },
  {
    key: 'confluenceApiToken',
    flag: 'confluence-api-token',
    env: 'CONFLUENCE_API_TOKEN',
    type: 'string',
    help: 'API token of CONFLUENCE_EMAIL, sent as HTTP Basic (Cloud; prefer the env var)',
    commands: CONFLUENCE,
    secret: true,
  },
  {
    key: 'confluenceToken',
    flag: 'confluence-token',
    env: 'CONFLUENCE_TOKEN',
    type: 'string',
    help: 'personal access token, sent as Bearer (Data Center; instead of email and API token; prefer the env var)',
    commands: CONFLUENCE,
    secret: true,
  },
  {
    key: 'confluenceSpaces',
    flag: 'space',
    env: 'CONFLUENCE_SPACES',
    type: 'list',
    multiple: true,
    help: 'space key to ingest; repeat the flag or separate keys with commas',
    commands: ['ingest'],
  },
  {
    key: 'follow',
    flag: 'follow',
    env: 'TAGSPACE_FOLLOW',
    type: 'bool',
    default: 'false',
    help: 'after the crawl (or from the checkpoint), poll for edits and removals until SIGTERM',
    commands: ['ingest'],
  },
  {
    key: 'pollIntervalMs',
    flag: 'poll-interval-ms',
    env: 'TAGSPACE_POLL_INTERVAL_MS',
    type: 'int',
    min: 100,
    default: '30000',
    help: 'with --follow, the pause between two polls of each space',
    commands: ['ingest'],
  },
  {
    key: 'checkpointTopic',
    flag: 'checkpoint-topic',
    env: 'TAGSPACE_CHECKPOINT_TOPIC',
    type: 'string',
    default: 'tagspace-confluence-checkpoints',
    help: 'compacted topic keeping where each followed space was left',
    commands: ['ingest'],
  },
  {
    key: 'cqlTimeZone',
    flag: 'cql-time-zone',
    env: 'CONFLUENCE_TIME_ZONE',
    type: 'string',
    default: 'UTC',
    help: "the Confluence user's time zone (IANA name): CQL reads the follower's dates in it",
    commands: ['ingest'],
  },
  {
    key: 'confluenceMaxConcurrency',
    flag: 'confluence-max-concurrency',
    env: 'CONFLUENCE_MAX_CONCURRENCY',
    type: 'int',
    min: 1,
    default: '4',
    help: 'Confluence calls at once at most (the controller paces them below the quota)',
    commands: CONFLUENCE,
  },
  {
    key: 'confluenceMaxRetries',
    flag: 'confluence-max-retries',
    env: 'CONFLUENCE_MAX_RETRIES',
    type: 'int',
    min: 0,
    default: '6',
    help: 'retries of a Confluence call refused with 429 or 5xx (Retry-After honoured)',
    commands: CONFLUENCE,
  },
  {
    key: 'confluenceTimeoutMs',
    flag: 'confluence-timeout-ms',
    env: 'CONFLUENCE_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: '30000',
    help: 'timeout of one Confluence call',
    commands: CONFLUENCE,
  },
  {
    key: 'webhookSecret',
    flag: 'secret',
    env: 'CONFLUENCE_WEBHOOK_SECRET',
    type: 'string',
    help: "the webhook's secret: requests not signed with it are refused (prefer the env var)",
    commands: ['webhook'],
    secret: true,
  },
  {
    key: 'webhookPort',
    flag: 'port',
    env: 'TAGSPACE_WEBHOOK_PORT',
    type: 'int',
    min: 0,
    default: '8090',
    help: 'port the webhook receiver listens on',
    commands: ['webhook'],
  },
  {
    key: 'webhookHost',
    flag: 'host',
    env: 'TAGSPACE_WEBHOOK_HOST',
    type: 'string',
    default: '0.0.0.0',
    help: 'address the webhook receiver listens on',
    commands: ['webhook'],
  },
  {
    key: 'labelsGroup',
    flag: 'group',
    env: 'TAGSPACE_LABELS_GROUP',
    type: 'string',
    default: 'tagspace-labels',
    help: 'consumer group of the labels writer',
    commands: ['labels'],
  },
  {
    key: 'untilEnd',
    flag: 'until-end',
    env: 'TAGSPACE_UNTIL_END',
    type: 'bool',
    default: 'false',
    help: 'read the tags topic from its beginning up to its end at start, then exit with a summary (no group)',
    commands: ['labels'],
  },
  {
    key: 'dryRun',
    flag: 'dry-run',
    env: 'TAGSPACE_DRY_RUN',
    type: 'bool',
    default: 'false',
    help: 'print the label changes that would be made, and write nothing',
    commands: ['labels'],
  },
  {
    key: 'labelsStateTopic',
    flag: 'labels-state-topic',
    env: 'TAGSPACE_LABELS_STATE_TOPIC',
    type: 'string',
    default: 'tagspace-label-ownership',
    help: 'compacted topic keeping which labels of each page tagspace added',
    commands: ['labels'],
  },
  {
    key: 'labelsDlqTopic',
    flag: 'labels-dlq-topic',
    env: 'TAGSPACE_LABELS_DLQ_TOPIC',
    type: 'string',
    default: 'page-labels-dlq',
    help: 'dead-letter topic of TagRecords whose labels cannot be written (page gone, forbidden)',
    commands: ['labels'],
  },
  {
    key: 'confluenceDemo',
    flag: 'confluence',
    type: 'bool',
    default: 'false',
    help: 'the whole loop in one process: Confluence simulator → ingest → tagging → labels',
    commands: ['demo'],
  },

  // Simulator and generator
  {
    key: 'port',
    flag: 'port',
    env: 'TAGSPACE_SIM_PORT',
    type: 'int',
    min: 0,
    max: 65535,
    default: '8080',
    help: 'port to listen on (0 = any free port)',
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
] as const satisfies readonly Setting[];

/** The table as rows, for code that walks it (parsing, --help). */
export const SETTINGS: readonly Setting[] = TABLE;

type Entry = (typeof TABLE)[number];
export type SettingKey = Entry['key'];

/** What a setting's parser (config.ts `parseValue`) turns its text into. */
type ValueOf<S> = S extends { type: 'int' | 'number' }
  ? number
  : S extends { type: 'bool' }
    ? boolean
    : S extends { type: 'list' }
      ? string[]
      : S extends { type: 'enum'; values: readonly (infer V)[] }
        ? V
        : string;

/**
 * The parsed settings, typed from the table: a setting with a default always has a value (config.ts
 * gives every default, offered by the command or not); one without may be undefined.
 */
export type SettingValues = {
  [S in Entry as S['key']]: S extends { default: string } ? ValueOf<S> : ValueOf<S> | undefined;
};

/** The commands a setting is offered on. */
export function commandsOf(s: Pick<Setting, 'commands'>): readonly string[] {
  return s.commands ?? PIPELINE;
}

export function settingsFor(command: string): Setting[] {
  return SETTINGS.filter((s) => commandsOf(s).includes(command));
}
