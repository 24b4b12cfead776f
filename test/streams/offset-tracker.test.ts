import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../../src/streams/offset-tracker.js';

function receive(t: OffsetTracker, partition: number, from: number, to: number): void {
  for (let o = from; o <= to; o++) t.received('t', partition, String(o));
}

describe('OffsetTracker', () => {
  it('commits nothing until the first received offset is finished', () => {
    const t = new OffsetTracker();
    receive(t, 0, 10, 12);
    t.finished('t', 0, '11');
    t.finished('t', 0, '12');
    expect(t.takeCommits()).toEqual([]);
    expect(t.inFlight).toBe(1);
  });

  it('commits past the longest finished prefix when a gap closes', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 4);
    t.finished('t', 0, '1');
    t.finished('t', 0, '0');
    expect(t.takeCommits()).toEqual([{ topic: 't', partition: 0, offset: '2' }]);
    t.finished('t', 0, '3');
    expect(t.takeCommits()).toEqual([]);
    t.finished('t', 0, '2');
    expect(t.takeCommits()).toEqual([{ topic: 't', partition: 0, offset: '4' }]);
    expect(t.inFlight).toBe(1);
  });

  it('tracks partitions independently', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 1);
    receive(t, 1, 5, 6);
    t.finished('t', 1, '5');
    t.finished('t', 0, '1');
    expect(t.takeCommits()).toEqual([{ topic: 't', partition: 1, offset: '6' }]);
  });

  it('ignores duplicate and unknown completions', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 1);
    t.finished('t', 0, '0');
    t.finished('t', 0, '0');
    t.finished('t', 9, '0');
    expect(t.inFlight).toBe(1);
    expect(t.takeCommits()).toEqual([{ topic: 't', partition: 0, offset: '1' }]);
  });

  it('drops a revoked partition and its unfinished events', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 3);
    receive(t, 1, 0, 1);
    t.finished('t', 0, '2');
    t.revoke('t', [0]);
    expect(t.inFlight).toBe(2);
    expect(t.pendingPartitions()).toEqual([{ topic: 't', partition: 1, pending: 2 }]);
  });

  it('handles a long run of out-of-order completions', () => {
    const t = new OffsetTracker();
    const n = 10_000;
    receive(t, 0, 0, n - 1);
    for (let o = n - 1; o >= 0; o -= 2) t.finished('t', 0, String(o));
    for (let o = n - 2; o >= 0; o -= 2) t.finished('t', 0, String(o));
    expect(t.takeCommits()).toEqual([{ topic: 't', partition: 0, offset: String(n) }]);
    expect(t.inFlight).toBe(0);
  });
});
