/**
 * The OpenTelemetry semantic-convention attribute names tagspace writes. Messaging and GenAI
 * conventions are still "development" status, and the package advises copying such names rather
 * than importing them from its incubating entry point, so they are spelled out here, once.
 */
export const MESSAGING_SYSTEM = 'messaging.system';
export const MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
export const MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
export const MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
export const MESSAGING_KAFKA_MESSAGE_KEY = 'messaging.kafka.message.key';
export const MESSAGING_KAFKA_MESSAGE_TOMBSTONE = 'messaging.kafka.message.tombstone';

/** Deprecated in favour of gen_ai.provider.name; both are written, for older backends. */
export const GEN_AI_SYSTEM = 'gen_ai.system';
export const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';

export const ERROR_TYPE = 'error.type';
export const HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const SERVER_ADDRESS = 'server.address';
export const SERVER_PORT = 'server.port';

/**
 * The GenAI client metrics (semantic conventions, "Generative AI metrics"): names, units and the
 * bucket boundaries the conventions advise.
 */
export const GEN_AI_CLIENT_TOKEN_USAGE = {
  name: 'gen_ai.client.token.usage',
  unit: '{token}',
  description: 'Measures number of input and output tokens used',
  buckets: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
} as const;
export const GEN_AI_CLIENT_OPERATION_DURATION = {
  name: 'gen_ai.client.operation.duration',
  unit: 's',
  description: 'GenAI operation duration',
  buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
} as const;

/** tagspace's own attributes: what the conventions have no name for. */
export const TAGSPACE_ATTEMPT = 'tagspace.attempt';
export const TAGSPACE_OUTCOME = 'tagspace.outcome';
export const TAGSPACE_RETRY_AFTER_MS = 'tagspace.retry_after_ms';
export const TAGSPACE_PAGES = 'tagspace.pages';
export const TAGSPACE_PAGE_ID = 'tagspace.page.id';
export const TAGSPACE_PAGE_IDS = 'tagspace.page_ids';
export const TAGSPACE_PAGE_VERSION = 'tagspace.page.version';
export const TAGSPACE_COST_USD = 'tagspace.cost_usd';
export const TAGSPACE_PROVIDER_LATENCY_MS = 'tagspace.provider_latency_ms';
export const TAGSPACE_CALLS = 'tagspace.calls';
export const TAGSPACE_DELAY_MS = 'tagspace.delay_ms';
export const TAGSPACE_PROVIDER = 'tagspace.provider';
export const TAGSPACE_FROM = 'tagspace.from';
export const TAGSPACE_TO = 'tagspace.to';
export const TAGSPACE_REASON = 'tagspace.reason';
export const TAGSPACE_SETTING = 'tagspace.setting';
export const TAGSPACE_WAIT_MS = 'tagspace.wait_ms';
export const TAGSPACE_UNANSWERED = 'tagspace.unanswered';
export const TAGSPACE_INVENTED = 'tagspace.invented';
export const TAGSPACE_DUPLICATED = 'tagspace.duplicated';
export const TAGSPACE_SUSPECT = 'tagspace.suspect';
/** A doubt settled by asking again: true when the first page alone showed no swap. */
export const TAGSPACE_REFUTED = 'tagspace.refuted';
export const TAGSPACE_INTO = 'tagspace.into';
export const TAGSPACE_SKIP_REASON = 'tagspace.skip_reason';

/** The provider names of gen_ai.provider.name (and gen_ai.system) for tagspace's providers. */
export const GEN_AI_PROVIDERS = { gemini: 'gcp.gemini', openai: 'openai' } as const;

/** The operation each provider's API performs (gen_ai.operation.name). */
export const GEN_AI_OPERATIONS = { gemini: 'generate_content', openai: 'chat' } as const;

/** HTTP client spans (the Confluence calls). */
export const HTTP_REQUEST_METHOD = 'http.request.method';
export const URL_PATH = 'url.path';
