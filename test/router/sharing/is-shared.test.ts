import { describe, expect, it } from 'vitest';
import { isShared } from '../../../src/router/sharing/is-shared.js';
import { LONE_SHARE, type QuotaShare } from '../../../src/router/sharing/quota-share.js';

describe('isShared', () => {
  it('is false for an instance alone whose peers’ calls have left the window', () => {
    expect(isShared(LONE_SHARE, 0, 10_000)).toBe(false);
  });

  it('is true while a peer is live on the key', () => {
    expect(isShared({ ...LONE_SHARE, instances: () => 2 }, 0, undefined)).toBe(true);
  });

  it('is true while a departed peer’s calls are still in the window, once the window is known', () => {
    const share: QuotaShare = {
      ...LONE_SHARE,
      peersUsage: (_now, w) => ({ requests: w > 5_000 ? 1 : 0, tokens: 0 }),
    };
    expect(isShared(share, 0, 10_000)).toBe(true);
    expect(isShared(share, 0, 5_000)).toBe(false);
    expect(isShared(share, 0, undefined)).toBe(false);
  });
});
