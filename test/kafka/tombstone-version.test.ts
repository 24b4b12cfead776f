import { describe, expect, it } from 'vitest';
import {
  removalVersion,
  tombstoneVersion,
  TOMBSTONE_VERSION_HEADER,
} from '../../src/kafka/tombstone-version.js';
import type { Outcome } from '../../src/model/work.js';

const tombstone = (value: string | null): Extract<Outcome, { kind: 'tombstone' }> => ({
  kind: 'tombstone',
  pageId: 'p',
  delivery: {
    topic: 't',
    partition: 0,
    offset: '0',
    key: null,
    value: value === null ? null : Buffer.from(value),
    headers: {},
    receivedAt: 0,
  },
});

describe('tombstone versions', () => {
  it('reads the version of the removal from its event', () => {
    expect(removalVersion(tombstone('{"type":"page_removed","version":7}'))).toBe(7);
    expect(removalVersion(tombstone('not json'))).toBeUndefined();
    expect(removalVersion(tombstone(null))).toBeUndefined();
  });

  it('reads it back from the header, and nothing that is not a positive integer', () => {
    expect(tombstoneVersion({ [TOMBSTONE_VERSION_HEADER]: Buffer.from('7') })).toBe(7);
    expect(tombstoneVersion({ [TOMBSTONE_VERSION_HEADER]: '0' })).toBeUndefined();
    expect(tombstoneVersion({ [TOMBSTONE_VERSION_HEADER]: 'x' })).toBeUndefined();
    expect(tombstoneVersion(undefined)).toBeUndefined();
  });
});
