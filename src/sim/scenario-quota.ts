import type { QuotaShape } from './rate-quota.js';
import { QUOTA_SHAPES } from './rate-quota.js';
import type { ScheduleStep } from './quota-schedule.js';
import {
  fail,
  fieldPath,
  numberAt,
  objectAt,
  onlyKnownKeys,
  optionalNumberAt,
  type JsonObject,
} from './scenario-fields.js';

/**
 * The quota fields of a provider block beside rpm/tpm/windowMs (which keep their meaning: the
 * allowance per window):
 *
 *   quotaShape  "sliding" (default) · "token_bucket" · "fixed_window" — how the window is metered
 *   burst       token_bucket only: the bucket's capacity as a share of one window's allowance (default 1)
 *   schedule    [{ atMs, rpm?, tpm? }]: limit changes in ms since the simulator started, increasing
 *   quotaScope  "key" (default): each API key has its own quota · "shared": one for every caller
 */
export const QUOTA_SCOPES = ['key', 'shared'] as const;
export type QuotaScope = (typeof QUOTA_SCOPES)[number];

export interface QuotaFields {
  quotaShape: QuotaShape;
  /** Absent = 1 (kept absent, so a parsed scenario parses again unchanged). */
  burst?: number;
  schedule: ScheduleStep[];
  quotaScope: QuotaScope;
}

export const QUOTA_KEYS = ['quotaShape', 'burst', 'schedule', 'quotaScope'] as const;

export function parseQuotaFields(block: JsonObject, path: string): QuotaFields {
  const quotaShape = choiceAt(block, 'quotaShape', path, QUOTA_SHAPES, 'sliding');
  const burst = optionalNumberAt(block, 'burst', path, { min: 0, exclusive: true });
  if (burst !== undefined && quotaShape !== 'token_bucket') {
    fail(fieldPath(path, 'burst'), 'applies only to quotaShape "token_bucket"');
  }
  return {
    quotaShape,
    ...(burst !== undefined && { burst }),
    schedule: parseSchedule(block.schedule, fieldPath(path, 'schedule')),
    quotaScope: choiceAt(block, 'quotaScope', path, QUOTA_SCOPES, 'key'),
  };
}

function parseSchedule(value: unknown, path: string): ScheduleStep[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array of { atMs, rpm?, tpm? }');
  let previous = -1;
  return value.map((item, i) => {
    const where = `${path}[${i}]`;
    const step = objectAt(item, where);
    onlyKnownKeys(step, ['atMs', 'rpm', 'tpm'], where);
    if (step.atMs === undefined || step.atMs === null) fail(`${where}.atMs`, 'is required');
    const atMs = numberAt(step, 'atMs', where, 0, { min: 0 });
    if (atMs <= previous) fail(`${where}.atMs`, `must be greater than the step before's (${previous})`);
    previous = atMs;
    const rpm = optionalNumberAt(step, 'rpm', where, { min: 0, exclusive: true });
    const tpm = optionalNumberAt(step, 'tpm', where, { min: 0, exclusive: true });
    return { atMs, ...(rpm !== undefined && { rpm }), ...(tpm !== undefined && { tpm }) };
  });
}

function choiceAt<T extends string>(
  block: JsonObject,
  key: string,
  path: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = block[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    fail(fieldPath(path, key), `must be one of ${choices.map((c) => `"${c}"`).join(', ')}`);
  }
  return value as T;
}
