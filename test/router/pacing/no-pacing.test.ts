import { describe, expect, it } from 'vitest';
import { NoPacing } from '../../../src/router/pacing/no-pacing.js';
import type { Pacer } from '../../../src/router/pacing/pacer.js';

describe('NoPacing', () => {
  it('lets every call go at once, never pauses, and leaves every 429 to the limit', () => {
    const p: Pacer = new NoPacing();
    p.started(0, 5_000);
    expect(p.openAt(0, 5_000)).toBe(0);
    expect(p.record({ kind: 'rate_limited', retryAfterMs: 30_000, startedAt: 0 }, 0)).toBe('momentary');
    expect(p.record({ kind: 'success', latencyMs: 10, startedAt: 0 }, 10)).toBeUndefined();
    expect(p.pausedUntil).toBe(0);
    expect(p.learnt).toBeUndefined();
  });
});
