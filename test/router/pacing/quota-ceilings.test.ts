import { describe, expect, it } from 'vitest';
import { QuotaCeilings } from '../../../src/router/pacing/quota-ceilings.js';

describe('QuotaCeilings', () => {
  it('has no ceiling until one is lowered, and keeps the lowest', () => {
    const u = new QuotaCeilings();
    expect(u.tokens).toBe(Number.POSITIVE_INFINITY);
    u.lower('tokens', 1_200);
    u.lower('tokens', 1_500);
    expect(u.tokens).toBe(1_200);
    expect(u.requests).toBe(Number.POSITIVE_INFINITY);
  });

  it('puts the ceiling a twenty-fifth above an exact reading', () => {
    const u = new QuotaCeilings();
    u.exact('requests', 50);
    expect(u.requests).toBe(52);
  });

  it('lifts the ceiling of one budget, or of both when none is named', () => {
    const u = new QuotaCeilings();
    u.lower('requests', 10);
    u.lower('tokens', 1_000);
    u.lift('tokens');
    expect(u.tokens).toBe(Number.POSITIVE_INFINITY);
    expect(u.requests).toBe(10);
    u.lower('tokens', 1_000);
    u.lift();
    expect(u.requests).toBe(Number.POSITIVE_INFINITY);
    expect(u.tokens).toBe(Number.POSITIVE_INFINITY);
  });

  it('leaves a rate room to grow while a ceiling stands more than a twentieth above its level', () => {
    const u = new QuotaCeilings();
    u.lower('tokens', 1_050);
    expect(u.rateRoom({ requests: undefined, tokens: 1_000 })).toBe(false);
    expect(u.rateRoom({ requests: undefined, tokens: 999 })).toBe(true);
    // A level with no ceiling has room.
    expect(u.rateRoom({ requests: 10, tokens: 1_000 })).toBe(true);
    expect(u.rateRoom({ requests: undefined, tokens: undefined })).toBe(false);
  });
});
