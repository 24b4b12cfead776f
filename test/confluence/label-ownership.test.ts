import { describe, expect, it } from 'vitest';
import {
  decodeOwnership,
  encodeOwnership,
  isSettled,
  type LabelOwnership,
} from '../../src/confluence/label-ownership.js';

const owned: LabelOwnership = {
  pageId: '42',
  labels: ['kafka'],
  version: 3,
  tags: ['kafka', 'rxjs'],
  at: '2026-01-01T00:00:00.000Z',
};

describe('label ownership', () => {
  it('round-trips through its bytes', () => {
    expect(decodeOwnership(encodeOwnership(owned))).toEqual(owned);
    expect(decodeOwnership(encodeOwnership({ ...owned, removed: true }))?.removed).toBe(true);
  });

  it('reads anything else as nothing', () => {
    expect(decodeOwnership(Buffer.from('{"pageId":1}'))).toBeUndefined();
    expect(decodeOwnership(Buffer.from('not json'))).toBeUndefined();
    expect(decodeOwnership(null)).toBeUndefined();
  });

  it('settles the record its labels already follow, in any tag order', () => {
    expect(isSettled(owned, { pageId: '42', version: 3, tags: ['rxjs', 'kafka'] })).toBe(true);
  });

  it('settles an older record read again, so a replay does not undo newer labels', () => {
    expect(isSettled(owned, { pageId: '42', version: 2, tags: ['other'] })).toBe(true);
  });

  it('does not settle a newer version or other tags at the same version', () => {
    expect(isSettled(owned, { pageId: '42', version: 4, tags: ['kafka', 'rxjs'] })).toBe(false);
    expect(isSettled(owned, { pageId: '42', version: 3, tags: ['kafka'] })).toBe(false);
  });

  it('settles a tombstone when tagspace owns nothing of the page', () => {
    expect(isSettled(undefined, { pageId: '42', version: undefined, tags: undefined })).toBe(true);
    expect(isSettled({ ...owned, labels: [] }, { pageId: '42', version: undefined, tags: undefined })).toBe(
      true,
    );
    expect(isSettled(owned, { pageId: '42', version: undefined, tags: undefined })).toBe(false);
  });

  it('settles the record a removal already followed at the same version', () => {
    const removed = { ...owned, labels: [], tags: [], removed: true };
    expect(isSettled(removed, { pageId: '42', version: 3, tags: ['kafka'] })).toBe(true);
    expect(isSettled(removed, { pageId: '42', version: 4, tags: ['kafka'] })).toBe(false);
  });

  it('does not settle a first record of a page tagspace never labelled', () => {
    expect(isSettled(undefined, { pageId: '42', version: 1, tags: [] })).toBe(false);
  });
});
