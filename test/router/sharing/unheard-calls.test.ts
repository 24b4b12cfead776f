import { describe, expect, it } from 'vitest';
import { UnheardCalls } from '../../../src/router/sharing/unheard-calls.js';

const usage = { requests: 10, tokens: 1_000 };

describe('UnheardCalls', () => {
  it('adds nothing to the peers’ usage before a count found calls no one heard of', () => {
    const u = new UnheardCalls();
    expect(u.at(0)).toBeUndefined();
    expect(u.addedTo(usage, 0)).toBe(usage);
  });

  it('counts the calls a count found unheard of with the peers’ usage until they must have left the window', () => {
    const u = new UnheardCalls();
    u.found(10_000, 4, 0);
    expect(u.at(9_999)).toMatchObject({ requests: 4, tokens: 0 });
    expect(u.addedTo(usage, 9_999)).toEqual({ requests: 14, tokens: 1_000 });
    expect(u.at(10_000)).toBeUndefined();
    expect(u.addedTo(usage, 10_000)).toBe(usage);
  });

  it('ignores a count that found nothing missing, and never counts a shortfall below zero', () => {
    const u = new UnheardCalls();
    u.found(10_000, 0, -50);
    expect(u.at(0)).toBeUndefined();
    u.found(10_000, -2, 300);
    expect(u.addedTo(usage, 0)).toEqual({ requests: 10, tokens: 1_300 });
    u.found(10_000, 3, -50);
    expect(u.addedTo(usage, 0)).toEqual({ requests: 13, tokens: 1_000 });
  });

  it('keeps only the latest count’s finding', () => {
    const u = new UnheardCalls();
    u.found(10_000, 4, 0);
    u.found(5_000, 1, 0);
    expect(u.addedTo(usage, 6_000)).toBe(usage);
  });
});
