import {
  GoogleGenerativeAI,
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIError,
  GoogleGenerativeAIFetchError,
  GoogleGenerativeAIRequestInputError,
  SchemaType,
  type GenerateContentResponse,
  type GenerativeModel,
  type ResponseSchema,
} from '@google/generative-ai';
import { TagspaceError } from '../model/errors.js';
import { parseAnswerJson } from './answer-validation.js';
import { unreachableError } from './unreachable-error.js';
import {
  classifyGeminiError,
  classifyGeminiResponse,
  type GeminiErrorContext,
} from './classify-gemini-error.js';
import { buildUserPrompt, SYSTEM_INSTRUCTION, type PromptPage } from '../model/prompt.js';
import { INSTANCE_HEADER } from '../model/instance-header.js';
import {
  serverOf,
  type Provider,
  type ProviderAnswer,
  type ProviderOptions,
  type ProviderResponseInfo,
  type ServerAddress,
  type TagCallOptions,
} from './provider.js';

/** ANSWER_JSON_SCHEMA in Gemini's dialect: SchemaType enums, no additionalProperties. */
export const GEMINI_ANSWER_SCHEMA: ResponseSchema = {
  type: SchemaType.OBJECT,
  properties: {
    pages: {
      type: SchemaType.ARRAY,
      items: {
        type: SchemaType.OBJECT,
        properties: {
          id: { type: SchemaType.STRING },
          tags: { type: SchemaType.ARRAY, items: { type: SchemaType.STRING } },
        },
        required: ['id', 'tags'],
      },
    },
  },
  required: ['pages'],
};

export interface GeminiProviderOptions extends ProviderOptions {
  /** The service root (the SDK adds /v1beta/models/…); absent = Google's. */
  baseUrl?: string;
}

/** Gemini through @google/generative-ai, with JSON output constrained to the answer schema. */
export class GeminiProvider implements Provider {
  readonly name = 'gemini' as const;
  readonly model: string;
  readonly keySetting: string;
  readonly server: ServerAddress;
  private readonly modelSetting: string;
  private readonly baseUrlSetting: string | undefined;
  private readonly client: GenerativeModel;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(opts: GeminiProviderOptions) {
    this.model = opts.model;
    this.keySetting = opts.keySetting ?? 'GEMINI_API_KEY';
    this.server = serverOf(opts.baseUrl ?? 'https://generativelanguage.googleapis.com');
    this.modelSetting = opts.modelSetting ?? 'GEMINI_MODEL';
    this.baseUrlSetting = opts.baseUrl === undefined ? undefined : (opts.baseUrlSetting ?? 'GEMINI_BASE_URL');
    this.timeoutMs = opts.timeoutMs;
    this.now = opts.now ?? Date.now;
    this.client = new GoogleGenerativeAI(opts.apiKey).getGenerativeModel(
      {
        model: opts.model,
        systemInstruction: SYSTEM_INSTRUCTION,
        generationConfig: {
          responseMimeType: 'application/json',
          responseSchema: GEMINI_ANSWER_SCHEMA,
          ...(opts.maxOutputTokens === undefined ? {} : { maxOutputTokens: opts.maxOutputTokens }),
        },
      },
      // No SDK `timeout`: its timer is never cleared and would hold the process open after the
      // call. tag() keeps its own timer and aborts through the signal instead.
      {
        ...(opts.baseUrl !== undefined && { baseUrl: opts.baseUrl }),
        ...(opts.instanceId !== undefined && { customHeaders: { [INSTANCE_HEADER]: opts.instanceId } }),
      },
    );
  }

  async tag(pages: readonly PromptPage[], opts: TagCallOptions = {}): Promise<ProviderAnswer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = (): void => controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted === true) controller.abort();
    const startedAt = this.now();
    try {
      const { response } = await this.client.generateContent(
        { contents: [{ role: 'user', parts: [{ text: buildUserPrompt(pages) }] }] },
        { signal: controller.signal },
      );
      const info = this.info(response, startedAt);
      opts.onResponse?.(info);
      const problem = classifyGeminiResponse(response);
      if (problem !== undefined) throw problem;
      const text = answerText(response);
      return { ...info, text, json: parseAnswerJson(text, this.name) };
    } catch (err) {
      throw this.failure(err, timedOut, opts.signal);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  async check(signal: AbortSignal): Promise<void> {
    try {
      await this.client.countTokens('tagspace', { signal });
    } catch (err) {
      const error = this.failure(err, false, signal);
      // A proxy at the base URL may serve the calls and not this request: its 404 proves nothing.
      if (error.kind === 'config' && error.setting === this.baseUrlSetting)
        throw new TagspaceError(
          'unavailable',
          `gemini's base URL does not answer countTokens: key not proven`,
          {
            provider: this.name,
            cause: error,
          },
        );
      throw error;
    }
  }

  private info(response: GenerateContentResponse, startedAt: number): ProviderResponseInfo {
    return {
      finishReason: response.candidates?.[0]?.finishReason ?? response.promptFeedback?.blockReason ?? 'STOP',
      usage: {
        inputTokens: response.usageMetadata?.promptTokenCount ?? 0,
        outputTokens: response.usageMetadata?.candidatesTokenCount ?? 0,
      },
      latencyMs: this.now() - startedAt,
      ...responseModelOf(response),
    };
  }

  private errorContext(): GeminiErrorContext {
    return {
      keySetting: this.keySetting,
      modelSetting: this.modelSetting,
      ...(this.baseUrlSetting !== undefined && { baseUrlSetting: this.baseUrlSetting }),
    };
  }

  private failure(err: unknown, timedOut: boolean, signal: AbortSignal | undefined): TagspaceError {
    if (err instanceof TagspaceError) return err;
    const base = { provider: this.name, cause: err };
    if (signal?.aborted === true) return new TagspaceError('unavailable', 'gemini call aborted', base);
    if (timedOut || err instanceof GoogleGenerativeAIAbortError) {
      return new TagspaceError('timeout', `gemini did not answer within ${this.timeoutMs} ms`, base);
    }
    if (err instanceof GoogleGenerativeAIFetchError) {
      return classifyGeminiError(err, this.errorContext());
    }
    if (err instanceof GoogleGenerativeAIRequestInputError)
      return new TagspaceError('internal', err.message, base);
    if (err instanceof GoogleGenerativeAIError) {
      // A fetch that failed below HTTP (refused, reset): the service is not reachable now.
      return unreachableError(this.name, this.server, err);
    }
    return classifyGeminiError(err, this.errorContext());
  }
}

/** The text of the first candidate (the SDK's text() would also warn about extra candidates). */
function answerText(response: GenerateContentResponse): string {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts.map((p) => p.text ?? '').join('');
}

/**
 * The REST API's GenerateContentResponse carries `modelVersion` (the model that answered); the
 * SDK's type predates the field, but hands the parsed JSON through, so it is read from there.
 */
function responseModelOf(response: GenerateContentResponse): { responseModel?: string } {
  const version = (response as { modelVersion?: unknown }).modelVersion;
  return typeof version === 'string' ? { responseModel: version } : {};
}
