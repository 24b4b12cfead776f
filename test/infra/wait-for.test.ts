import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';

describe('waitFor', () => {
  it('resolves with the first truthy value the condition returns', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('treats a throwing condition as not yet met', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls < 2) throw new Error('not ready');
        return 'ready';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ready');
  });

  it('rejects at the deadline, naming what it waited for and the last error', async () => {
    const started = Date.now();
    await expect(
      waitFor(
        () => {
          throw new Error('still closed');
        },
        { timeoutMs: 100, intervalMs: 10, message: 'the gate to open' },
      ),
    ).rejects.toThrow('timed out after 100 ms waiting for the gate to open; last error: still closed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
