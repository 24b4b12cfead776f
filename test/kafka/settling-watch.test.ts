import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SettlingWatch } from '../../src/kafka/settling-watch.js';

describe('SettlingWatch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says so at each session timeout while the rebalance lasts, and no more once it ends', () => {
    let settling = true;
    const said: number[] = [];
    const watch = new SettlingWatch({
      timeoutMs: 10_000,
      settling: () => settling,
      unsettled: (w) => said.push(w),
    });
    watch.start();
    vi.advanceTimersByTime(9_999);
    expect(said).toEqual([]);
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(10_000);
    expect(said).toEqual([10_000, 20_000]);
    settling = false;
    vi.advanceTimersByTime(30_000);
    expect(said).toEqual([10_000, 20_000]);
  });

  it('says nothing for a rebalance that ends within the timeout', () => {
    const said: number[] = [];
    const watch = new SettlingWatch({
      timeoutMs: 10_000,
      settling: () => true,
      unsettled: (w) => said.push(w),
    });
    watch.start();
    vi.advanceTimersByTime(5_000);
    watch.stop();
    vi.advanceTimersByTime(60_000);
    expect(said).toEqual([]);
  });
});
