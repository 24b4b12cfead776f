import { isObject, type JsonObject } from './scenario-fields.js';

/**
 * Reads a Gemini generateContent body the way the real service does: proto JSON, so both
 * lowerCamel and snake_case field names are accepted and an unknown field is a 400 ("Unknown name
 * … Cannot find field"). That includes `responseSchema`, whose Schema message has no
 * `additionalProperties`: a JSON Schema sent there unchanged is rejected, as by the real API
 * (`responseJsonSchema` takes full JSON Schema).
 */
export interface GeminiRequest {
  systemText: string;
  userText: string;
  jsonMode: boolean;
  maxOutputTokens: number | undefined;
}

export interface FieldViolation {
  field: string;
  description: string;
}

const REQUEST_FIELDS = new Set([
  'contents',
  'tools',
  'toolConfig',
  'systemInstruction',
  'generationConfig',
  'safetySettings',
  'cachedContent',
  'labels',
  'model',
]);

const GENERATION_CONFIG_FIELDS = new Set([
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'enableEnhancedCivicAnswers',
  'speechConfig',
  'thinkingConfig',
  'mediaResolution',
]);

const SCHEMA_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

/** The request's texts and output settings, or the violations the real service would answer 400 with. */
export function readGeminiRequest(body: unknown): GeminiRequest | FieldViolation[] {
  if (!isObject(body))
    return [{ field: '', description: 'Invalid JSON payload received. Expected an object.' }];
  const violations = unknownFields(body, REQUEST_FIELDS, '');
  const config = field(body, 'generationConfig');
  if (config !== undefined && !isObject(config)) {
    violations.push(violation('generation_config', 'Invalid value (expected an object).'));
  }
  const generation = isObject(config) ? config : {};
  violations.push(...unknownFields(generation, GENERATION_CONFIG_FIELDS, 'generation_config'));
  const schema = field(generation, 'responseSchema');
  if (isObject(schema)) violations.push(...schemaViolations(schema, 'generation_config.response_schema'));
  const contents = field(body, 'contents');
  if (!Array.isArray(contents) || contents.length === 0) {
    violations.push(violation('contents', '* GenerateContentRequest.contents: contents is not specified'));
  }
  if (violations.length > 0) return violations;
  const maxOutputTokens = field(generation, 'maxOutputTokens');
  return {
    systemText: textOf(field(body, 'systemInstruction')),
    userText: (contents as unknown[])
      .filter((c) => !isObject(c) || c.role === undefined || c.role === 'user')
      .map(textOf)
      .join('\n'),
    jsonMode: field(generation, 'responseMimeType') === 'application/json',
    maxOutputTokens: typeof maxOutputTokens === 'number' && maxOutputTokens > 0 ? maxOutputTokens : undefined,
  };
}

/** Reads a proto field by its lowerCamel name, accepting its snake_case spelling too. */
function field(obj: JsonObject, camel: string): unknown {
  return obj[camel] ?? obj[snake(camel)];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!isObject(content) || !Array.isArray(content.parts)) return '';
  return content.parts
    .map((p: unknown) => (isObject(p) && typeof p.text === 'string' ? p.text : ''))
    .join('');
}

function unknownFields(obj: JsonObject, known: Set<string>, at: string): FieldViolation[] {
  return Object.keys(obj)
    .filter((key) => !known.has(camel(key)))
    .map((key) => {
      const where = at === '' ? '' : ` at '${at}'`;
      return violation(
        at,
        `Invalid JSON payload received. Unknown name "${key}"${where}: Cannot find field.`,
      );
    });
}

function schemaViolations(schema: JsonObject, at: string): FieldViolation[] {
  const out = unknownFields(schema, SCHEMA_FIELDS, at);
  const properties = field(schema, 'properties');
  if (isObject(properties)) {
    Object.values(properties).forEach((value, i) => {
      if (isObject(value)) out.push(...schemaViolations(value, `${at}.properties[${i}].value`));
    });
  }
  const items = field(schema, 'items');
  if (isObject(items)) out.push(...schemaViolations(items, `${at}.items`));
  const anyOf = field(schema, 'anyOf');
  if (Array.isArray(anyOf)) {
    anyOf.forEach((value: unknown, i) => {
      if (isObject(value)) out.push(...schemaViolations(value, `${at}.any_of[${i}]`));
    });
  }
  return out;
}

function violation(at: string, description: string): FieldViolation {
  return { field: at, description };
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}
