import { describe, expect, it } from 'vitest';
import { callerOf } from '../../src/sim/caller.js';

describe('callerOf', () => {
  it('knows a key by a short hash, never the key itself', () => {
    const caller = callerOf('sk-live-very-secret-key-0001', undefined);
    expect(caller.keyTag).toMatch(/^key-[0-9a-f]{8}$/);
    expect(caller.clientId).toBe(caller.keyTag);
    expect(caller.clientId).not.toContain('secret');
    expect(callerOf('sk-live-very-secret-key-0001', undefined).keyTag).toBe(caller.keyTag);
    expect(callerOf('sk-live-very-secret-key-0002', undefined).keyTag).not.toBe(caller.keyTag);
  });

  it('tells instances sharing a key apart by their instance header', () => {
    const a = callerOf('shared-key', 'worker-a');
    const b = callerOf('shared-key', 'worker-b');
    expect(a.keyTag).toBe(b.keyTag);
    expect(a.clientId).toBe(`${a.keyTag}/worker-a`);
    expect(b.clientId).toBe(`${a.keyTag}/worker-b`);
  });

  it('names a keyless caller, and keeps an odd instance name short and printable', () => {
    expect(callerOf(undefined, undefined).clientId).toBe('no-key');
    expect(callerOf('', 'x').clientId).toBe('no-key/x');
    expect(callerOf('k', `a b\n${'z'.repeat(100)}`).clientId).toMatch(/^key-[0-9a-f]{8}\/a_b_z{60}$/);
  });
});
