import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsumerRestarts } from '../../src/kafka/consumer-restarts.js';

describe('ConsumerRestarts', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A consumer whose every run crashes at once, as one does while its broker stays away. */
  function crashing(closed = () => false) {
    const delays: number[] = [];
    const gaveUp: number[] = [];
    let runs = 0;
    const restarts = new ConsumerRestarts({
      run: () => {
        runs++;
        return Promise.reject(new Error('coordinator not available'));
      },
      closed,
      scheduled: (delayMs) => delays.push(delayMs),
      giveUp: (_error, count) => gaveUp.push(count),
    });
    return { restarts, delays, gaveUp, runs: () => runs };
  }

  it('backs off from half a second, doubling up to ten, and gives up after eight restarts', async () => {
    const { restarts, delays, gaveUp, runs } = crashing();
    restarts.after(new Error('crash'));
    await vi.runAllTimersAsync();
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    expect(runs()).toBe(8);
    expect(gaveUp).toEqual([8]);
  });

  it('starts the back-off afresh once the consumer holds an assignment again', async () => {
    const { restarts, delays } = crashing();
    restarts.after(new Error('crash'));
    restarts.after(new Error('crash'));
    restarts.close();
    restarts.reset();
    restarts.after(new Error('crash'));
    restarts.close();
    expect(delays).toEqual([500, 1_000, 500]);
  });

  it('runs nothing more once the source closes', async () => {
    let closed = false;
    const { restarts, runs } = crashing(() => closed);
    restarts.after(new Error('crash'));
    closed = true;
    await vi.runAllTimersAsync();
    expect(runs()).toBe(0);
  });
});
