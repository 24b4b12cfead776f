import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PendingWrites } from '../../src/kafka/pending-writes.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function watch() {
  const said: string[] = [];
  const w = new PendingWrites({
    stallMs: 10_000,
    stalled: (ms) => said.push(`stalled ${ms}`),
    resumed: (ms) => said.push(`resumed ${ms}`),
  });
  return { w, said };
}

describe('PendingWrites', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is not stalled while every write is acknowledged within the stall time, and says nothing', async () => {
    const { w, said } = watch();
    for (let i = 0; i < 3; i++) {
      const write = deferred();
      const tracked = w.track(write.promise);
      await vi.advanceTimersByTimeAsync(9_000);
      expect(w.stalled).toBe(false);
      write.resolve();
      await tracked;
    }
    await vi.advanceTimersByTimeAsync(60_000);
    expect(said).toEqual([]);
  });

  it('is stalled once the oldest write has waited the stall time, says so once, and says when writes go through again', async () => {
    const { w, said } = watch();
    const first = deferred();
    const firstTracked = w.track(first.promise);
    await vi.advanceTimersByTimeAsync(4_000);
    const second = deferred();
    const secondTracked = w.track(second.promise);
    await vi.advanceTimersByTimeAsync(5_999);
    expect(w.stalled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.stalled).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(said).toEqual(['stalled 10000']);
    // kafkajs gives up on the first after its retries; the second is still waiting.
    first.reject(new Error('Connection error'));
    await expect(firstTracked).rejects.toThrow('Connection error');
    expect(w.stalled).toBe(true);
    second.resolve();
    await secondTracked;
    expect(w.stalled).toBe(false);
    expect(said).toEqual(['stalled 10000', 'resumed 36000']);
  });
});
