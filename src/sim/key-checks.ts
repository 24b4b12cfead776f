import type { Caller } from './caller.js';
import { authError, error as geminiError } from './gemini-errors.js';
import { missingKey, modelNotFound, wrongKey } from './openai-errors.js';
import { estimateTokens, type ProviderRuntime } from './provider-runtime.js';
import { jsonResponse, type SimResponse } from './sim-response.js';

/**
 * The requests a client proves its key and model with, which cost no quota: Gemini's
 * `POST /v1beta/models/{model}:countTokens` and OpenAI's `GET /v1/models/{model}`. Each answers the
 * key and the model as the generation endpoint would (the same refusals, counted in /stats as
 * theirs), and otherwise its own 200; neither counts against a window or a day, as neither does at
 * the real services.
 */
export function geminiCountTokens(
  runtime: ProviderRuntime,
  model: string,
  caller: Caller,
  bodyText: string,
): SimResponse {
  const denied = runtime.authorize(caller) ?? runtime.serves(caller, model);
  if (denied?.kind === 'auth') return authError(runtime.scenario.authStatus, denied.missing);
  if (denied !== undefined)
    return geminiError(
      404,
      'NOT_FOUND',
      `models/${model} is not found for API version v1beta, or is not supported for countTokens. ` +
        'Call ListModels to see the list of available models and their supported methods.',
    );
  return jsonResponse(200, { totalTokens: countedTokens(bodyText) });
}

export function openaiModel(runtime: ProviderRuntime, model: string, caller: Caller): SimResponse {
  const denied = runtime.authorize(caller) ?? runtime.serves(caller, model);
  if (denied?.kind === 'auth') return denied.missing ? missingKey() : wrongKey(caller.apiKey ?? '');
  if (denied !== undefined) return modelNotFound(model);
  return jsonResponse(200, { id: model, object: 'model', created: 1_715_367_049, owned_by: 'system' });
}

/** The texts of a countTokens body (contents, or a generateContentRequest's), at the simulator's ⌈chars / 4⌉. */
function countedTokens(bodyText: string): number {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return 0;
  }
  const texts: string[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'text' && typeof v === 'string') texts.push(v);
        else if (k !== 'generationConfig') collect(v);
      }
    }
  };
  collect(body);
  return texts.reduce((sum, t) => sum + estimateTokens(t), 0);
}
