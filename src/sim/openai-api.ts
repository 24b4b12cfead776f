import {
  concurrencyLimited,
  insufficientQuota,
  invalidPrompt,
  invalidRequest,
  missingKey,
  modelNotFound,
  rateLimitHeaders,
  serverError,
  windowError,
  wrongKey,
} from './openai-errors.js';
import { readOpenAIRequest } from './openai-request.js';
import type { Caller } from './caller.js';
import type { Decision, ProviderRuntime } from './provider-runtime.js';
import { fenced, jsonResponse, type SimResponse } from './sim-response.js';

/**
 * OpenAI's chat.completions over the wire: `POST /v1/chat/completions`, the key in
 * `Authorization: Bearer`. Answers are chat.completion objects carrying the x-ratelimit-* headers the
 * real service sends; errors are in openai-errors.
 */

let completionCounter = 0;

export function openaiResponse(runtime: ProviderRuntime, caller: Caller, bodyText: string): SimResponse {
  const denied = runtime.authorize(caller);
  if (denied !== undefined) return respond(runtime, '', denied, caller);
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    runtime.count(caller, 'rejected');
    return invalidRequest('We could not parse the JSON body of your request.', null, null);
  }
  const request = readOpenAIRequest(body);
  if (!('userText' in request)) {
    runtime.count(caller, 'rejected');
    return invalidRequest(request.message, request.param, request.code);
  }
  const decision = runtime.serves(caller, request.model) ?? runtime.decide(caller, request);
  if (decision.kind === 'answer' && !request.jsonMode) decision.text = fenced(decision.text, decision.finish);
  return respond(runtime, request.model, decision, caller);
}

function respond(runtime: ProviderRuntime, model: string, d: Decision, caller: Caller): SimResponse {
  switch (d.kind) {
    case 'not_found':
      return modelNotFound(model);
    case 'auth':
      return d.missing ? missingKey() : wrongKey(caller.apiKey ?? '');
    case 'outage':
      return serverError(d.status, false);
    case 'daily':
      return insufficientQuota();
    case 'reject':
      return invalidPrompt();
    case 'concurrency':
      return concurrencyLimited(runtime, caller, model, d.limit);
    case 'window':
      return windowError(runtime, caller, model, d.refusal);
    case 'timeout':
      return d.hangMs === undefined
        ? { ...serverError(504, true), delayMs: Infinity }
        : { ...serverError(504, true), delayMs: d.hangMs };
    case 'server_error':
      return serverError(d.status, true);
    case 'safety':
      return completion(runtime, caller, model, d.delayMs, {
        message: { content: null, refusal: "I'm sorry, but I can't help with that request." },
        finish: 'stop',
        usage: { prompt: d.inputTokens, completion: 12 },
      });
    case 'answer':
      return completion(runtime, caller, model, d.delayMs, {
        message: { content: d.text, refusal: null },
        finish: d.finish,
        usage: { prompt: d.inputTokens, completion: d.outputTokens },
      });
  }
}

interface CompletionParts {
  message: { content: string | null; refusal: string | null };
  finish: 'stop' | 'length';
  usage: { prompt: number; completion: number };
}

function completion(
  runtime: ProviderRuntime,
  caller: Caller,
  model: string,
  delayMs: number,
  parts: CompletionParts,
): SimResponse {
  completionCounter += 1;
  const payload = {
    id: `chatcmpl-sim${completionCounter.toString(36).padStart(10, '0')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: runtime.scenario.model ?? model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', ...parts.message, annotations: [] },
        logprobs: null,
        finish_reason: parts.finish,
      },
    ],
    usage: {
      prompt_tokens: parts.usage.prompt,
      completion_tokens: parts.usage.completion,
      total_tokens: parts.usage.prompt + parts.usage.completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_simulator',
  };
  const headers = { ...rateLimitHeaders(runtime, caller), 'openai-processing-ms': String(delayMs) };
  return jsonResponse(200, payload, headers, delayMs, true);
}
