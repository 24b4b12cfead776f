import type { PromptPage } from '../model/prompt.js';
import type { QuotaReading } from '../model/quota-reading.js';
import type { ProviderName } from '../model/provider-name.js';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * What the provider reported about a call that got an answer (HTTP 200), whether or not the
 * answer turned out usable: the tokens were spent either way, so accounting needs it either way.
 */
export interface ProviderResponseInfo {
  /** The provider's own finish reason, as it spelled it ("STOP", "MAX_TOKENS", "stop", "length"...). */
  finishReason: string;
  usage: TokenUsage;
  latencyMs: number;
  /** The model that answered, as the provider named it (Gemini's modelVersion, OpenAI's model). */
  responseModel?: string;
  /** The quota as the provider reported it with the answer (OpenAI's x-ratelimit-* headers). */
  reading?: QuotaReading;
  /**
   * The latest the provider can have got the call, on the caller's clock: the answer's arrival less
   * the time the provider says it spent on it (OpenAI's openai-processing-ms), when it says.
   */
  arrivedBy?: number;
}

/** A usable answer: JSON that parsed. Whether it names the right pages is the router's check. */
export interface ProviderAnswer extends ProviderResponseInfo {
  text: string;
  json: unknown;
}

export interface TagCallOptions {
  signal?: AbortSignal;
  /** Called once for every answer the provider sent, before `tag` resolves or throws. */
  onResponse?: (info: ProviderResponseInfo) => void;
}

/**
 * One LLM provider behind its SDK. `tag` sends one batched prompt (prompt.ts) and resolves with
 * the parsed JSON answer, or throws a TagspaceError whose kind the router's policy reads
 * (rate_limited with retryAfterMs, quota_exhausted, overloaded, timeout, bad_request, auth with
 * the setting to fix, malformed_output, truncated_output, safety_blocked). The SDK's own retries
 * are off: the router owns every attempt.
 */
export interface Provider {
  readonly name: ProviderName;
  readonly model: string;
  /** The setting that holds this provider's key, named in auth errors (never the key itself). */
  readonly keySetting: string;
  /** Where calls go (the base URL's host and port), for server.address on spans and metrics. */
  readonly server?: ServerAddress;
  tag(pages: readonly PromptPage[], opts?: TagCallOptions): Promise<ProviderAnswer>;
  /**
   * Proves the key and the model with a request that costs no quota (Gemini's countTokens,
   * OpenAI's models.retrieve), at start-up; throws the TagspaceError a call would (auth, config,
   * unreachable…). A provider without it is taken on trust until its first call.
   */
  check?(signal: AbortSignal): Promise<void>;
}

export interface ServerAddress {
  address: string;
  port: number;
}

/** The host and port of a base URL (the scheme's port when none is written). */
export function serverOf(baseUrl: string): ServerAddress {
  const url = new URL(baseUrl);
  return {
    address: url.hostname,
    port: url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port),
  };
}

/** What every provider adapter is built from; each adapter documents its own `baseUrl`. */
export interface ProviderOptions {
  apiKey: string;
  /** Sent as `x-tagspace-instance` when given (the instance's name, never a secret). */
  instanceId?: string;
  model: string;
  baseUrl?: string;
  timeoutMs: number;
  maxOutputTokens?: number;
  /** The setting a user fixes when the key is rejected (named in errors, never the key). */
  keySetting?: string;
  modelSetting?: string;
  /** The setting of `baseUrl`, named when the URL serves no API (default PROVIDER_BASE_URL). */
  baseUrlSetting?: string;
  now?: () => number;
}
