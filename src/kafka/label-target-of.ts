import type { LabelTarget } from '../confluence/label-ownership.js';
import { TagspaceError } from '../model/errors.js';
import { parseTagRecord } from '../model/tag-record.js';
import type { Delivery } from '../model/work.js';
import { TOMBSTONE_VERSION_HEADER } from './tombstone-version.js';

/**
 * A message of the tags topic as what the labels job must do: a TagRecord's tags at its version,
 * or a tombstone (null value; the removal's version when its header says). Anything else is the
 * error that dead-letters it.
 */
export function labelTargetOf(delivery: Delivery): LabelTarget | TagspaceError {
  const key = delivery.key?.toString('utf8');
  if (delivery.value === null) {
    if (key === undefined || key === '') return new TagspaceError('invalid_event', 'tombstone without a key');
    const version = Number(delivery.headers[TOMBSTONE_VERSION_HEADER]);
    return {
      pageId: key,
      version: Number.isSafeInteger(version) && version > 0 ? version : undefined,
      tags: undefined,
    };
  }
  const record = parseTagRecord(delivery.value);
  if (record === undefined) return new TagspaceError('invalid_event', 'value is not a TagRecord');
  if (!record.tags.every((t) => typeof t === 'string'))
    return new TagspaceError('invalid_event', 'tags must be strings');
  return { pageId: record.pageId, version: record.version, tags: record.tags };
}
