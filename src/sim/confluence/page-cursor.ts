import { compareIds } from './cql-filter.js';
import { WikiError } from './wiki-error.js';

/**
 * Cursor pagination as v2 does it: the cursor is opaque (here base64url JSON, as Cloud's look) and
 * names the sort key of the last item served, so the next page starts strictly after it:
 *
 *   page(after k) = first `limit` items i of the sorted list with key(i) > k
 *
 * Keyset, not offset: pages edited or added between two requests do not shift what follows.
 * v1 search cursors carry an offset instead ({ start }), as v1 pages by `start`.
 */
export type SortKey = readonly (string | number)[];

export interface KeysetPage<T> {
  results: T[];
  /** The key of the last result, when more items follow. */
  next: SortKey | undefined;
}

export function encodeCursor(state: object): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const state: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof state === 'object' && state !== null && !Array.isArray(state))
      return state as Record<string, unknown>;
  } catch {
    // fall through: any undecodable cursor is the client's mistake
  }
  throw new WikiError('bad_request', `Provided value {${cursor}} for 'cursor' is not valid`);
}

export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    const [sx, sy] = [String(x), String(y)];
    const diff = /^\d+$/.test(sx) && /^\d+$/.test(sy) ? compareIds(sx, sy) : sx.localeCompare(sy);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** `sorted` must already be in `direction` order of `keyOf`. */
export function keysetPage<T>(
  sorted: readonly T[],
  keyOf: (item: T) => SortKey,
  after: SortKey | undefined,
  limit: number,
  direction: 1 | -1 = 1,
): KeysetPage<T> {
  let start = 0;
  if (after !== undefined) {
    while (start < sorted.length && direction * compareKeys(keyOf(sorted[start] as T), after) <= 0) start++;
  }
  const results = sorted.slice(start, start + limit);
  const last = results[results.length - 1];
  const more = start + limit < sorted.length;
  return { results, next: more && last !== undefined ? keyOf(last) : undefined };
}

/** `limit`: default 25, more than `max` is served as `max`, a non-positive or non-integer limit is a 400. */
export function readLimit(raw: string | null, fallback = 25, max = 250): number {
  if (raw === null || raw === '') return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new WikiError('bad_request', `Provided value {${raw}} for 'limit' is not valid`);
  }
  return Math.min(limit, max);
}
