import type { IHeaders } from 'kafkajs';
import type { Outcome } from '../model/work.js';

/**
 * A tombstone has no value, so the version of the removal rides in a header. Restoring the tag
 * state from the tags topic then keeps that version (TagCache.remove(pageId, version)): a replay
 * of the page's older events stays stale instead of bringing the removed page back.
 */
export const TOMBSTONE_VERSION_HEADER = 'tagspace.removed.version';

/** The version of the page_removed event behind a tombstone, if its bytes say. */
export function removalVersion(outcome: Extract<Outcome, { kind: 'tombstone' }>): number | undefined {
  const value = outcome.delivery.value;
  if (value === null) return undefined;
  try {
    const version = (JSON.parse(value.toString('utf8')) as { version?: unknown }).version;
    return typeof version === 'number' && Number.isSafeInteger(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the removal version back from a tombstone's headers. */
export function tombstoneVersion(headers: IHeaders | undefined): number | undefined {
  const raw = headers?.[TOMBSTONE_VERSION_HEADER];
  const text = Array.isArray(raw) ? raw[0]?.toString() : raw?.toString();
  const version = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(version) && version > 0 ? version : undefined;
}
