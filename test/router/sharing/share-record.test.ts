import { describe, expect, it } from 'vitest';
import {
  decodeShareRecord,
  encodeShareRecord,
  parseRecordKey,
  recordKey,
  type ShareRecord,
} from '../../../src/router/sharing/share-record.js';
import { keyFingerprint } from '../../../src/router/sharing/key-fingerprint.js';

const record: ShareRecord = {
  v: 1,
  provider: 'gemini',
  sentAt: 1_000_000,
  bucketMs: 250,
  usage: [
    [750, 2, 900],
    [0, 1, 400],
  ],
  waiting: 3,
  estimate: { windowMs: 10_000, requests: 30, shape: 'sliding', learntAt: 990_000, by: 'host-a' },
  refusal: { ago: 1_200, untilIn: 3_800, windowMs: 10_000, tokens: false },
};

describe('share records', () => {
  it('read back what was written', () => {
    expect(decodeShareRecord(encodeShareRecord(record))).toEqual(record);
  });

  it('leave out a refusal without its times or window, and read one without a quota as of requests', () => {
    const read = (refusal: unknown) => decodeShareRecord(JSON.stringify({ ...record, refusal }))?.refusal;
    expect(read({ ago: -1, untilIn: 0, windowMs: 10_000 })).toBeUndefined();
    expect(read({ ago: 5, untilIn: 'soon', windowMs: 10_000 })).toBeUndefined();
    expect(read({ ago: 5, untilIn: -20, windowMs: 0 })).toBeUndefined();
    expect(read({ ago: 5, untilIn: -20, windowMs: 60_000 })).toEqual({
      ago: 5,
      untilIn: -20,
      windowMs: 60_000,
      tokens: false,
    });
  });

  it('are keyed by the key fingerprint and the instance, and the key reads back', () => {
    const key = recordKey('0123abcd0123abcd', 'host-a/7');
    expect(key).toBe('0123abcd0123abcd/host-a/7');
    expect(parseRecordKey(key)).toEqual({ fingerprint: '0123abcd0123abcd', instance: 'host-a/7' });
    expect(parseRecordKey('no-slash')).toBeUndefined();
    expect(parseRecordKey('/x')).toBeUndefined();
  });

  it('from a newer version are read for the fields this version knows', () => {
    const newer = { ...record, v: 2, lease: { until: 5 }, usage: [[10, 1, 2, 'extra']] };
    const read = decodeShareRecord(JSON.stringify(newer));
    expect(read?.v).toBe(2);
    expect(read?.usage).toEqual([[10, 1, 2, 'extra']]);
    expect(read?.waiting).toBe(3);
  });

  it('that cannot be used are ignored rather than failing', () => {
    expect(decodeShareRecord('not json')).toBeUndefined();
    expect(decodeShareRecord('[]')).toBeUndefined();
    expect(decodeShareRecord(JSON.stringify({ ...record, v: 0 }))).toBeUndefined();
    expect(decodeShareRecord(JSON.stringify({ ...record, sentAt: 'now' }))).toBeUndefined();
    expect(decodeShareRecord(JSON.stringify({ ...record, bucketMs: 0 }))).toBeUndefined();
  });

  it('leave out bad usage entries and an estimate without a window or a quota', () => {
    const bad = {
      ...record,
      usage: [
        [-1, 1, 1],
        [5, 'x', 1],
        [5, 1, 1],
      ],
      estimate: { windowMs: 10, learntAt: 1, by: 'a' },
    };
    const read = decodeShareRecord(JSON.stringify(bad));
    expect(read?.usage).toEqual([[5, 1, 1]]);
    expect(read?.estimate).toBeUndefined();
  });

  it('name a key by a fingerprint that does not contain it', () => {
    const key = 'AIzaSy-secret-key-material';
    const fp = keyFingerprint(key);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fp).toBe(keyFingerprint(key));
    expect(fp).not.toBe(keyFingerprint(`${key}x`));
  });
});
