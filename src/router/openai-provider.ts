import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { TagspaceError } from '../model/errors.js';
import { parseAnswerJson } from './answer-validation.js';
import { unreachableError } from './unreachable-error.js';
import {
  classifyOpenAICompletion,
  classifyOpenAIError,
  type OpenAIErrorContext,
} from './classify-openai-error.js';
import { ANSWER_JSON_SCHEMA, buildUserPrompt, SYSTEM_INSTRUCTION, type PromptPage } from '../model/prompt.js';
import { INSTANCE_HEADER } from '../model/instance-header.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';
import {
  serverOf,
  type Provider,
  type ProviderAnswer,
  type ProviderOptions,
  type ProviderResponseInfo,
  type ServerAddress,
  type TagCallOptions,
} from './provider.js';

export interface OpenAIProviderOptions extends ProviderOptions {
  /** Up to and including /v1; absent = OpenAI's. */
  baseUrl?: string;
}

/**
 * OpenAI chat completions through the openai SDK, with a strict json_schema response format. Every
 * answer and 429 reports the quota it was admitted or refused against (x-ratelimit-* headers:
 * `reading`, rate-limit-headers.ts), evidence for the pacer.
 */
export class OpenAIProvider implements Provider {
  readonly name = 'openai' as const;
  readonly model: string;
  readonly keySetting: string;
  readonly server: ServerAddress;
  private readonly modelSetting: string;
  private readonly baseUrlSetting: string | undefined;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;
  private readonly maxOutputTokens: number | undefined;
  private readonly now: () => number;

  constructor(opts: OpenAIProviderOptions) {
    this.model = opts.model;
    this.keySetting = opts.keySetting ?? 'OPENAI_API_KEY';
    this.server = serverOf(opts.baseUrl ?? 'https://api.openai.com/v1');
    this.modelSetting = opts.modelSetting ?? 'OPENAI_MODEL';
    this.baseUrlSetting = opts.baseUrl === undefined ? undefined : (opts.baseUrlSetting ?? 'OPENAI_BASE_URL');
    this.timeoutMs = opts.timeoutMs;
    this.maxOutputTokens = opts.maxOutputTokens;
    this.now = opts.now ?? Date.now;
    // maxRetries 0: the router's one retry loop owns every attempt.
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      baseURL: opts.baseUrl,
      maxRetries: 0,
      timeout: opts.timeoutMs,
      ...(opts.instanceId !== undefined && { defaultHeaders: { [INSTANCE_HEADER]: opts.instanceId } }),
    });
  }

  async tag(pages: readonly PromptPage[], opts: TagCallOptions = {}): Promise<ProviderAnswer> {
    const startedAt = this.now();
    try {
      // withResponse: the answer's headers carry the quota (x-ratelimit-*), read as evidence.
      const { data: completion, response } = await this.client.chat.completions
        .create(
          {
            model: this.model,
            messages: [
              { role: 'system', content: SYSTEM_INSTRUCTION },
              { role: 'user', content: buildUserPrompt(pages) },
            ],
            response_format: {
              type: 'json_schema',
              json_schema: { name: 'page_tags', strict: true, schema: ANSWER_JSON_SCHEMA },
            },
            ...(this.maxOutputTokens === undefined ? {} : { max_completion_tokens: this.maxOutputTokens }),
          },
          { signal: opts.signal },
        )
        .withResponse();
      const reading = readRateLimitHeaders(response.headers);
      const arrivedBy = this.arrivedBy(response.headers);
      const info = {
        ...this.info(completion, startedAt),
        ...(reading !== undefined && { reading }),
        ...(arrivedBy !== undefined && { arrivedBy }),
      };
      opts.onResponse?.(info);
      const problem = classifyOpenAICompletion(completion);
      if (problem !== undefined) throw problem;
      const text = completion.choices[0]?.message.content ?? '';
      return { ...info, text, json: parseAnswerJson(text, this.name) };
    } catch (err) {
      throw this.failure(err, opts.signal);
    }
  }

  async check(signal: AbortSignal): Promise<void> {
    try {
      await this.client.models.retrieve(this.model, { signal });
    } catch (err) {
      const error = this.failure(err, signal);
      // A proxy at the base URL may serve the calls and not this request: its 404 proves nothing.
      if (error.kind === 'config' && error.setting === this.baseUrlSetting)
        throw new TagspaceError(
          'unavailable',
          `openai's base URL does not answer models.retrieve: key not proven`,
          {
            provider: this.name,
            cause: error,
          },
        );
      throw error;
    }
  }

  /**
   * Now less openai-processing-ms ("time taken processing your API request", OpenAI's API
   * reference, Debugging requests): the provider got the call by then. Undefined without it.
   */
  private arrivedBy(headers: Headers): number | undefined {
    const raw = headers.get('openai-processing-ms');
    const ms = raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
    return Number.isFinite(ms) && ms >= 0 ? this.now() - ms : undefined;
  }

  private info(completion: ChatCompletion, startedAt: number): ProviderResponseInfo {
    return {
      finishReason: completion.choices[0]?.finish_reason ?? 'stop',
      usage: {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      },
      latencyMs: this.now() - startedAt,
      responseModel: completion.model,
    };
  }

  private errorContext(): OpenAIErrorContext {
    return {
      keySetting: this.keySetting,
      modelSetting: this.modelSetting,
      ...(this.baseUrlSetting !== undefined && { baseUrlSetting: this.baseUrlSetting }),
    };
  }

  private failure(err: unknown, signal: AbortSignal | undefined): TagspaceError {
    if (err instanceof TagspaceError) return err;
    const base = { provider: this.name, cause: err };
    if (signal?.aborted === true || err instanceof APIUserAbortError) {
      return new TagspaceError('unavailable', 'openai call aborted', base);
    }
    if (err instanceof APIConnectionTimeoutError) {
      return new TagspaceError('timeout', `openai did not answer within ${this.timeoutMs} ms`, base);
    }
    if (err instanceof APIConnectionError) return unreachableError(this.name, this.server, err);
    // HTTP errors (APIError with a status) and anything unexpected (a bug: `internal`).
    return classifyOpenAIError(err, this.errorContext());
  }
}
