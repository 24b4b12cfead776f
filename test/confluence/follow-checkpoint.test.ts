import { describe, expect, it } from 'vitest';
import {
  advanceCheckpoint,
  checkpointKey,
  decodeCheckpoint,
  encodeCheckpoint,
  isNewVersion,
  sameCheckpoint,
  type SpaceCheckpoint,
} from '../../src/confluence/follow-checkpoint.js';

const cp: SpaceCheckpoint = {
  spaceKey: 'DEV',
  spaceId: '98306',
  since: Date.parse('2026-05-04T10:21:30.000Z'),
  versions: new Map([
    ['1001', 3],
    ['1002', 1],
  ]),
};

describe('the follower checkpoint', () => {
  it('round-trips through its stored text', () => {
    const back = decodeCheckpoint(encodeCheckpoint(cp));
    expect(back).toEqual(cp);
    expect(back !== undefined && sameCheckpoint(back, cp)).toBe(true);
  });

  it('reads a record of another format as no checkpoint', () => {
    expect(decodeCheckpoint('{"v":2}')).toBeUndefined();
    expect(
      decodeCheckpoint('{"v":1,"spaceKey":"DEV","spaceId":"1","since":"never","versions":{}}'),
    ).toBeUndefined();
    expect(decodeCheckpoint('garbage')).toBeUndefined();
  });

  it('is keyed by site, space and events topic', () => {
    expect(checkpointKey('https://x.atlassian.net/wiki', 'DEV', 'page-events')).not.toBe(
      checkpointKey('https://x.atlassian.net/wiki', 'DEV', 'other-events'),
    );
  });

  it('drops versions already emitted, which absorbs the overlapping minute', () => {
    expect(isNewVersion(cp, '1001', 3)).toBe(false);
    expect(isNewVersion(cp, '1001', 2)).toBe(false);
    expect(isNewVersion(cp, '1001', 4)).toBe(true);
    expect(isNewVersion(cp, '2000', 1)).toBe(true);
  });

  it('advances with what was emitted and removed, and never moves since backwards', () => {
    const next = advanceCheckpoint(cp, {
      emitted: new Map([
        ['1001', 4],
        ['2000', 1],
      ]),
      removed: ['1002'],
      newestModified: Date.parse('2026-05-04T10:20:00.000Z'),
    });
    expect(Object.fromEntries(next.versions)).toEqual({ '1001': 4, '2000': 1 });
    expect(next.since).toBe(cp.since);
    const later = advanceCheckpoint(cp, {
      emitted: new Map(),
      removed: [],
      newestModified: cp.since + 60_000,
    });
    expect(later.since).toBe(cp.since + 60_000);
    expect(sameCheckpoint(cp, later)).toBe(false);
    expect(
      sameCheckpoint(
        cp,
        advanceCheckpoint(cp, { emitted: new Map(), removed: [], newestModified: undefined }),
      ),
    ).toBe(true);
  });
});
