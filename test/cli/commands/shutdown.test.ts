import { describe, expect, it } from 'vitest';
import { shutdownTimes } from '../../../src/cli/commands/shutdown.js';

describe('shutdownTimes', () => {
  it('keeps the last 5 s of a long deadline for the commit and the closes, and exits at the deadline', () => {
    expect(shutdownTimes(30_000)).toEqual({ cutMs: 25_000, exitMs: 30_000 });
  });

  it('keeps a quarter of a short deadline', () => {
    expect(shutdownTimes(8_000)).toEqual({ cutMs: 6_000, exitMs: 8_000 });
  });

  it('cuts at once without a deadline, and still gives the commit a second', () => {
    expect(shutdownTimes(0)).toEqual({ cutMs: 0, exitMs: 1_000 });
  });
});
