import { isObject, type JsonObject } from './scenario-fields.js';

/**
 * Reads an OpenAI chat.completions body the way the real service does: an unknown parameter is a
 * 400, `json_object` needs the word "json" in the messages, and a `json_schema` with `strict: true`
 * must close every object (`additionalProperties: false`, every property required).
 */
export interface OpenAIRequest {
  model: string;
  systemText: string;
  userText: string;
  jsonMode: boolean;
  maxOutputTokens: number | undefined;
}

export interface OpenAIRequestError {
  message: string;
  param: string | null;
  code: string | null;
}

const PARAMS = new Set([
  'messages',
  'model',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

export function readOpenAIRequest(body: unknown): OpenAIRequest | OpenAIRequestError {
  if (!isObject(body)) return problem('We could not parse the JSON body of your request.', null);
  const unknown = Object.keys(body).find((k) => !PARAMS.has(k));
  if (unknown !== undefined) return problem(`Unrecognized request argument supplied: ${unknown}`, null);
  if (typeof body.model !== 'string' || body.model === '') {
    return problem('you must provide a model parameter', null);
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return problem("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (body.stream === true) return problem('The simulator does not stream; send stream: false.', 'stream');
  const messages = body.messages.filter(isObject);
  const systemText = textOf(messages.filter((m) => m.role === 'system' || m.role === 'developer'));
  const userText = textOf(messages.filter((m) => m.role === 'user'));
  const format = body.response_format;
  let jsonMode = false;
  if (isObject(format) && format.type === 'json_object') {
    if (!/json/i.test(systemText + userText)) {
      return problem(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'messages',
      );
    }
    jsonMode = true;
  } else if (isObject(format) && format.type === 'json_schema') {
    const schemaProblem = jsonSchemaProblem(format.json_schema);
    if (schemaProblem !== undefined) return schemaProblem;
    jsonMode = true;
  }
  const max = body.max_completion_tokens ?? body.max_tokens;
  return {
    model: body.model,
    systemText,
    userText,
    jsonMode,
    maxOutputTokens: typeof max === 'number' && max > 0 ? max : undefined,
  };
}

function jsonSchemaProblem(spec: unknown): OpenAIRequestError | undefined {
  if (!isObject(spec)) {
    return problem(
      "Missing required parameter: 'response_format.json_schema'.",
      'response_format.json_schema',
    );
  }
  if (typeof spec.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) {
    return problem(
      "Invalid 'response_format.json_schema.name': must match ^[a-zA-Z0-9_-]{1,64}$.",
      'response_format.json_schema.name',
    );
  }
  if (spec.strict !== true || !isObject(spec.schema)) return undefined;
  const open = unclosedObject(spec.schema, []);
  if (open === undefined) return undefined;
  return problem(
    `Invalid schema for response_format '${spec.name}': In context=(${open.context}), ${open.message}`,
    'response_format',
  );
}

/** The first object schema strict mode refuses, with its path in OpenAI's context=(...) form. */
function unclosedObject(
  schema: JsonObject,
  path: string[],
): { context: string; message: string } | undefined {
  const context = path.map((p) => `'${p}'`).join(', ');
  if (schema.type === 'object') {
    const properties = isObject(schema.properties) ? Object.keys(schema.properties) : [];
    if (schema.additionalProperties !== false) {
      return { context, message: "'additionalProperties' is required to be supplied and to be false." };
    }
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = properties.find((p) => !required.includes(p));
    if (missing !== undefined) {
      return {
        context,
        message: `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`,
      };
    }
    for (const key of properties) {
      const child = (schema.properties as JsonObject)[key];
      const found = isObject(child) ? unclosedObject(child, [...path, 'properties', key]) : undefined;
      if (found !== undefined) return found;
    }
  }
  if (isObject(schema.items)) return unclosedObject(schema.items, [...path, 'items']);
  return undefined;
}

function textOf(messages: JsonObject[]): string {
  return messages
    .map((m) => {
      if (typeof m.content === 'string') return m.content;
      if (!Array.isArray(m.content)) return '';
      return m.content
        .map((part: unknown) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
        .join('');
    })
    .join('\n');
}

function problem(message: string, param: string | null, code: string | null = null): OpenAIRequestError {
  return { message, param, code };
}
