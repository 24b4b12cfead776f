import { authError, badRequest, error, quotaError, serverError, windowError } from './gemini-errors.js';
import { readGeminiRequest } from './gemini-request.js';
import type { Caller } from './caller.js';
import type { Decision, ProviderRuntime } from './provider-runtime.js';
import { fenced, jsonResponse, type SimResponse } from './sim-response.js';

/**
 * Gemini's generateContent over the wire: `POST /v1beta/models/{model}:generateContent`, the key in
 * `x-goog-api-key` (or `?key=`); the caller (caller.ts) is known by the key's hash and its instance header. Answers and errors are shaped as the real service shapes them —
 * candidates/usageMetadata, promptFeedback for a blocked prompt, google.rpc error bodies (gemini-errors).
 */
let responseCounter = 0;

export function geminiResponse(
  runtime: ProviderRuntime,
  model: string,
  caller: Caller,
  bodyText: string,
): SimResponse {
  const denied = runtime.authorize(caller) ?? runtime.serves(caller, model);
  if (denied !== undefined) return respond(runtime, model, denied);
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    runtime.count(caller, 'rejected');
    return badRequest([{ field: '', description: 'Invalid JSON payload received. Unexpected token.' }]);
  }
  const request = readGeminiRequest(body);
  if (Array.isArray(request)) {
    runtime.count(caller, 'rejected');
    return badRequest(request);
  }
  const decision = runtime.decide(caller, request);
  if (decision.kind === 'answer' && !request.jsonMode) decision.text = fenced(decision.text, decision.finish);
  return respond(runtime, model, decision);
}

function respond(runtime: ProviderRuntime, model: string, d: Decision): SimResponse {
  const modelVersion = runtime.scenario.model ?? model;
  switch (d.kind) {
    case 'not_found':
      return error(
        404,
        'NOT_FOUND',
        `models/${model} is not found for API version v1beta, or is not supported for generateContent. ` +
          'Call ListModels to see the list of available models and their supported methods.',
      );
    case 'auth':
      return authError(runtime.scenario.authStatus, d.missing);
    case 'outage':
      return serverError(d.status, 'The service is currently unavailable.', false);
    case 'daily':
      return quotaError(model, 'daily', runtime.scenario.rpd ?? 0, undefined);
    case 'reject':
      return error(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
    case 'concurrency':
      // The real service answers a burst beyond its capacity with a bare RESOURCE_EXHAUSTED.
      return error(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).');
    case 'window':
      // The project's quota value, however much of it another service on the key takes.
      return windowError(
        model,
        { ...d.refusal, limitValue: d.refusal.limitValue + runtime.takenByOthers(d.refusal.limit) },
        runtime.limits().windowMs,
      );
    case 'timeout':
      return d.hangMs === undefined
        ? { ...error(504, 'DEADLINE_EXCEEDED', ''), delayMs: Infinity, admitted: true }
        : {
            ...error(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'),
            delayMs: d.hangMs,
            admitted: true,
          };
    case 'server_error':
      return serverError(d.status, 'The model is overloaded. Please try again later.', true);
    case 'safety':
      return jsonResponse(
        200,
        {
          promptFeedback: {
            blockReason: 'SAFETY',
            safetyRatings: [
              { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
              { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
              { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
              { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
            ],
          },
          usageMetadata: { promptTokenCount: d.inputTokens, totalTokenCount: d.inputTokens },
          modelVersion,
          responseId: nextResponseId(),
        },
        timing(d.delayMs),
        d.delayMs,
        true,
      );
    case 'answer':
      return jsonResponse(
        200,
        {
          candidates: [
            {
              content: { parts: [{ text: d.text }], role: 'model' },
              finishReason: d.finish === 'length' ? 'MAX_TOKENS' : 'STOP',
              index: 0,
            },
          ],
          usageMetadata: {
            promptTokenCount: d.inputTokens,
            candidatesTokenCount: d.outputTokens,
            totalTokenCount: d.inputTokens + d.outputTokens,
            promptTokensDetails: [{ modality: 'TEXT', tokenCount: d.inputTokens }],
          },
          modelVersion,
          responseId: nextResponseId(),
        },
        timing(d.delayMs),
        d.delayMs,
        true,
      );
  }
}

function timing(delayMs: number): Record<string, string> {
  return { 'server-timing': `gfet4t7; dur=${delayMs}` };
}

function nextResponseId(): string {
  responseCounter += 1;
  return `sim${responseCounter.toString(36).padStart(8, '0')}`;
}
