import { GEMINI_ANSWER_SCHEMA } from '../../src/router/gemini-provider.js';
import {
  GoogleGenerativeAI,
  type GenerateContentResult,
  type GenerationConfig,
  type GenerativeModel,
} from '@google/generative-ai';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import {
  ANSWER_JSON_SCHEMA,
  buildUserPrompt,
  SYSTEM_INSTRUCTION,
  type PromptPage,
} from '../../src/model/prompt.js';
import type { Simulator } from '../../src/sim/simulator.js';

/** What the simulator tests share: the real SDK clients pointed at a simulator, and a batch of pages. */
export const PAGES: PromptPage[] = [
  {
    id: 'p-1',
    title: 'Kafka consumer lag runbook',
    text: 'When consumer lag grows, check the kafka partitions.',
  },
  { id: 'p-2', title: 'Onboarding', text: 'Getting started: your first week, laptop setup and access.' },
  { id: 'p-3', title: 'TLS certificates', text: 'Rotate certificates before they expire; security review.' },
];

export const PROMPT = buildUserPrompt(PAGES);

/** The answer schema in Gemini's Schema dialect: the one the Gemini adapter sends. */
export const GEMINI_SCHEMA = GEMINI_ANSWER_SCHEMA;

export interface GeminiOptions {
  apiKey?: string;
  model?: string;
  generationConfig?: GenerationConfig;
  timeoutMs?: number;
  /** Sent on every request, through the SDK's documented `customHeaders` option. */
  headers?: Record<string, string>;
}

export function geminiModel(sim: Simulator, options: GeminiOptions = {}): GenerativeModel {
  return new GoogleGenerativeAI(options.apiKey ?? 'AIza-test-key').getGenerativeModel(
    {
      model: options.model ?? 'gemini-2.0-flash',
      systemInstruction: SYSTEM_INSTRUCTION,
      generationConfig: options.generationConfig ?? {
        responseMimeType: 'application/json',
        responseSchema: GEMINI_SCHEMA,
      },
    },
    {
      baseUrl: sim.geminiBaseUrl,
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      ...(options.headers === undefined ? {} : { customHeaders: options.headers }),
    },
  );
}

/** `headers` are sent on every request, through the SDK's documented `defaultHeaders` option. */
export function openaiClient(
  sim: Simulator,
  apiKey = 'sk-test-key',
  timeoutMs?: number,
  headers?: Record<string, string>,
): OpenAI {
  return new OpenAI({
    apiKey,
    baseURL: sim.openaiBaseUrl,
    maxRetries: 0,
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    ...(headers === undefined ? {} : { defaultHeaders: headers }),
  });
}

export function chatRequest(
  prompt = PROMPT,
  overrides: Partial<ChatCompletionCreateParamsNonStreaming> = {},
): ChatCompletionCreateParamsNonStreaming {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: SYSTEM_INSTRUCTION },
      { role: 'user', content: prompt },
    ],
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'tag_answer',
        strict: true,
        schema: ANSWER_JSON_SCHEMA as unknown as Record<string, unknown>,
      },
    },
    ...overrides,
  };
}

/** Runs `fn` and returns what it threw; fails the test when it does not throw. */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

/** The page ids a Gemini answer names, in order (it must parse as the answer JSON). */
export function geminiAnswerIds(result: GenerateContentResult): string[] {
  return (JSON.parse(result.response.text()) as { pages: { id: string }[] }).pages.map((p) => p.id);
}

/** The page ids a chat completion's answer names, in order. */
export function openaiAnswerIds(completion: OpenAI.Chat.Completions.ChatCompletion): string[] {
  const text = completion.choices[0]?.message.content ?? '';
  return (JSON.parse(text) as { pages: { id: string }[] }).pages.map((p) => p.id);
}

/** The ids of PAGES, as a right answer names them. */
export const PAGE_IDS = PAGES.map((p) => p.id);
