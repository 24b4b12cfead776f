import { describe, expect, it } from 'vitest';
import { SampleQueue } from '../../src/sim/sample-queue.js';

describe('SampleQueue', () => {
  it('finds the youngest sample that must leave to release an amount', () => {
    const q = new SampleQueue();
    q.push(10, 5);
    q.push(20, 5);
    q.push(30, 10);
    expect(q.timeWhenReleased(1)).toBe(10);
    expect(q.timeWhenReleased(5)).toBe(10);
    expect(q.timeWhenReleased(6)).toBe(20);
    expect(q.timeWhenReleased(20)).toBe(30);
    expect(q.timeWhenReleased(21)).toBeUndefined();
  });

  it('keeps totals right across pruning and growth of the ring', () => {
    const q = new SampleQueue();
    for (let t = 0; t < 1_000; t += 1) {
      q.push(t, 2);
      q.pruneThrough(t - 100);
    }
    expect(q.count).toBe(100);
    expect(q.total).toBe(200);
    expect(q.oldestTime()).toBe(900);
    expect(q.newestTime()).toBe(999);
    expect(q.timeWhenReleased(3)).toBe(901);
  });

  it('empties on clear and starts counting afresh', () => {
    const q = new SampleQueue();
    q.push(1, 7);
    q.clear();
    expect(q.count).toBe(0);
    expect(q.total).toBe(0);
    q.push(2, 3);
    expect(q.total).toBe(3);
    expect(q.timeWhenReleased(3)).toBe(2);
  });
});
