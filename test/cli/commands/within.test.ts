import { describe, expect, it } from 'vitest';
import { within } from '../../../src/cli/commands/within.js';

describe('within', () => {
  it('passes on the value of work that finishes in time', async () => {
    await expect(within(Promise.resolve(7), 1_000, 'quick work')).resolves.toBe(7);
  });

  it('stops waiting for work that does not finish in time', async () => {
    const never = new Promise<number>(() => undefined);
    await expect(within(never, 20, 'stuck work')).resolves.toBeUndefined();
  });

  it('passes on a rejection', async () => {
    await expect(within(Promise.reject(new Error('no')), 1_000, 'failing work')).rejects.toThrow('no');
  });
});
