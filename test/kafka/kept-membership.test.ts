import { describe, expect, it } from 'vitest';
import { KeptMembership } from '../../src/kafka/kept-membership.js';

describe('KeptMembership', () => {
  it('ends a rebalance when the member of the last join is accepted in the generation of its assignment', () => {
    const m = new KeptMembership();
    m.joined('a');
    expect(m.heartbeat('a', 7, false)).toBe(false);
    expect(m.heartbeat('a', 7, true)).toBe(true);
  });

  it('does not end it for a heartbeat in another generation or of another member', () => {
    const m = new KeptMembership();
    m.joined('a');
    m.heartbeat('a', 7, false);
    expect(m.heartbeat('a', 8, true)).toBe(false);
    expect(m.heartbeat('b', 7, true)).toBe(false);
  });

  it('learns no generation from a heartbeat sent while a rebalance is under way', () => {
    const m = new KeptMembership();
    m.joined('a');
    expect(m.heartbeat('a', 8, true)).toBe(false);
    expect(m.heartbeat('a', 8, true)).toBe(false);
  });

  it('takes the generation again after each join, and none after a crash', () => {
    const m = new KeptMembership();
    m.joined('a');
    m.heartbeat('a', 7, false);
    m.joined('a');
    expect(m.heartbeat('a', 7, true)).toBe(false);
    m.heartbeat('a', 8, false);
    expect(m.heartbeat('a', 8, true)).toBe(true);
    m.forget();
    expect(m.heartbeat('a', 8, true)).toBe(false);
  });
});
