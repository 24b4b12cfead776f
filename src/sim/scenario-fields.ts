import { TagspaceError } from '../model/errors.js';

/**
 * Field readers for scenario validation. Each names the full path of the field it rejects
 * ("scenario: gemini.rpm must be a positive number"), so a bad scenario file fails with one line
 * that says what to fix.
 */
export type JsonObject = Record<string, unknown>;

/** The dotted path of `key` inside `path` ('' is the top level). */
export function fieldPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function fail(path: string, problem: string): never {
  throw new TagspaceError('config', `scenario: ${path} ${problem}`, { setting: path });
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, path: string): JsonObject {
  if (!isObject(value)) fail(path, 'must be an object');
  return value;
}

export function onlyKnownKeys(obj: JsonObject, known: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) fail(fieldPath(path, key), 'is not a known field');
  }
}

interface NumberRule {
  min?: number;
  /** The value must be strictly greater than `min`. */
  exclusive?: boolean;
  max?: number;
  integer?: boolean;
}

export function numberAt(
  obj: JsonObject,
  key: string,
  path: string,
  fallback: number,
  rule: NumberRule,
): number {
  return optionalNumberAt(obj, key, path, rule) ?? fallback;
}

export function optionalNumberAt(
  obj: JsonObject,
  key: string,
  path: string,
  rule: NumberRule,
): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  const where = fieldPath(path, key);
  const what = describe(rule);
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, `must be ${what}`);
  if (rule.integer === true && !Number.isInteger(value)) fail(where, `must be ${what}`);
  if (rule.min !== undefined && (rule.exclusive === true ? value <= rule.min : value < rule.min)) {
    fail(where, `must be ${what}`);
  }
  if (rule.max !== undefined && value > rule.max) fail(where, `must be ${what}`);
  return value;
}

export function rateAt(obj: JsonObject, key: string, path: string): number {
  return numberAt(obj, key, path, 0, { min: 0, max: 1 });
}

export function stringAt(obj: JsonObject, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') fail(fieldPath(path, key), 'must be a non-empty string');
  return value;
}

export function booleanAt(obj: JsonObject, key: string, path: string, fallback: boolean): boolean {
  const value = obj[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') fail(fieldPath(path, key), 'must be true or false');
  return value;
}

function describe(rule: NumberRule): string {
  const kind = rule.integer === true ? 'an integer' : 'a number';
  if (rule.min === 0 && rule.exclusive === true && rule.max === undefined) {
    return rule.integer === true ? 'a positive integer' : 'a positive number';
  }
  if (rule.min === 0 && rule.max === 1) return 'a number between 0 and 1';
  if (rule.min === 0 && rule.max === undefined) return `${kind} >= 0`;
  const parts = [kind];
  if (rule.min !== undefined) parts.push(`${rule.exclusive === true ? '>' : '>='} ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.join(' ');
}

/** `patch` applied to `base`: objects merge, arrays and values replace, null removes. */
export function mergeJson(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeJson(out[key], value);
  }
  return out;
}
