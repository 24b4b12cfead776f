import type { QuotaShape, SharedEstimate } from './quota-share.js';

/**
 * What one instance publishes about one key on the coordination topic, keyed by
 * `<key fingerprint>/<instance>` (recordKey); a null value (tombstone) says the instance left.
 * JSON, version 1:
 *
 *   v          1; a reader takes the fields it knows from any version ≥ 1 and ignores the rest
 *   provider   'gemini' | 'openai' (for people reading the topic)
 *   sentAt     the sender's clock when it published
 *   bucketMs   the width of its usage buckets
 *   usage      [ago, requests, tokens] per non-empty bucket: the bucket began at sentAt − ago
 *   waiting    the most calls waiting at its gate since its last record (its demand)
 *   estimate   its own newest quota estimate, learntAt on its clock; `floor` when it is a lower
 *              bound (a count that may miss a silent peer's calls, a trial that passed)
 *   refusal    its newest window-sized 429 of the last window, if any: the refused call left
 *              `ago` before sentAt, room frees `untilIn` after sentAt (negative: already), read
 *              over a window of `windowMs`, `tokens` when the token quota refused
 *
 * Times travel relative to sentAt, so a reader maps them onto its own clock with one offset.
 * Nothing here may hold an API key: the key is known by its fingerprint only.
 */
export interface ShareRecord {
  v: number;
  provider: string;
  sentAt: number;
  bucketMs: number;
  usage: [ago: number, requests: number, tokens: number][];
  waiting: number;
  estimate?: SharedEstimate;
  refusal?: RecordRefusal;
}

export interface RecordRefusal {
  ago: number;
  untilIn: number;
  windowMs: number;
  tokens: boolean;
}

export const SHARE_RECORD_VERSION = 1;

const SHAPES: readonly QuotaShape[] = ['sliding', 'token_bucket', 'fixed_window'];

export function recordKey(fingerprint: string, instance: string): string {
  return `${fingerprint}/${instance}`;
}

/** The fingerprint and instance of a record key, or undefined when it is not one. */
export function parseRecordKey(key: string): { fingerprint: string; instance: string } | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return undefined;
  return { fingerprint: key.slice(0, slash), instance: key.slice(slash + 1) };
}

export function encodeShareRecord(record: ShareRecord): string {
  return JSON.stringify(record);
}

/**
 * Reads a record, or undefined when it is not one this version can use (not JSON, v < 1, a
 * required field missing or of the wrong type). An unusable usage entry or estimate is left out
 * rather than failing the whole record.
 */
export function decodeShareRecord(text: string): ShareRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(raw)) return undefined;
  const { v, provider, sentAt, bucketMs, usage, waiting, estimate, refusal } = raw;
  if (!isNumber(v) || v < 1 || !isNumber(sentAt) || !isNumber(bucketMs) || bucketMs <= 0) return undefined;
  const entries = Array.isArray(usage) ? usage : [];
  return {
    v,
    provider: typeof provider === 'string' ? provider : 'unknown',
    sentAt,
    bucketMs,
    usage: entries.filter(
      (e): e is [number, number, number] =>
        Array.isArray(e) && e.length >= 3 && isNumber(e[0]) && e[0] >= 0 && isNumber(e[1]) && isNumber(e[2]),
    ),
    waiting: isNumber(waiting) && waiting > 0 ? waiting : 0,
    ...(decodeEstimate(estimate) !== undefined && { estimate: decodeEstimate(estimate) }),
    ...(decodeRefusal(refusal) !== undefined && { refusal: decodeRefusal(refusal) }),
  };
}

function decodeRefusal(raw: unknown): RecordRefusal | undefined {
  if (!isObject(raw)) return undefined;
  const { ago, untilIn, windowMs, tokens } = raw;
  if (!isNumber(ago) || ago < 0 || !isNumber(untilIn) || !isNumber(windowMs) || windowMs <= 0)
    return undefined;
  return { ago, untilIn, windowMs, tokens: tokens === true };
}

function decodeEstimate(raw: unknown): SharedEstimate | undefined {
  if (!isObject(raw)) return undefined;
  const { windowMs, requests, tokens, shape, floor, learntAt, by } = raw;
  if (!isNumber(windowMs) || windowMs <= 0 || !isNumber(learntAt) || typeof by !== 'string') return undefined;
  const positive = (x: unknown): x is number => isNumber(x) && x > 0;
  if (!positive(requests) && !positive(tokens)) return undefined;
  return {
    windowMs,
    ...(positive(requests) && { requests }),
    ...(positive(tokens) && { tokens }),
    ...(SHAPES.includes(shape as QuotaShape) && { shape: shape as QuotaShape }),
    ...(floor === true && { floor: true }),
    learntAt,
    by,
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
