import { describe, expect, it } from 'vitest';
import { ConditionWaiters } from '../../src/kafka/condition-waiters.js';

/** Lets settled promises run their callbacks. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ConditionWaiters', () => {
  it('resolves at the first wake that finds the condition holding, not before', async () => {
    const waiters = new ConditionWaiters();
    let orphans = 2;
    let resolved = false;
    void waiters.until(() => orphans === 0, new AbortController().signal).then(() => (resolved = true));
    orphans = 1;
    waiters.wake();
    await flush();
    expect(resolved).toBe(false);
    orphans = 0;
    await flush();
    expect(resolved).toBe(false);
    waiters.wake();
    await flush();
    expect(resolved).toBe(true);
  });

  it('resolves at once when the condition holds already, and when the signal aborts', async () => {
    const waiters = new ConditionWaiters();
    await waiters.until(() => true, new AbortController().signal);
    const closing = new AbortController();
    const pending = waiters.until(() => false, closing.signal);
    closing.abort();
    await pending;
  });
});
