import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../../src/kafka/offset-tracker.js';

function receive(t: OffsetTracker, partition: number, from: number, to: number): void {
  for (let o = from; o <= to; o++) t.received('t', partition, String(o));
}

/** Takes what is pending and confirms it, as a successful commit does. */
function commit(t: OffsetTracker) {
  const offsets = t.pendingCommits();
  t.confirm(offsets);
  return offsets;
}

describe('OffsetTracker', () => {
  it('commits nothing until the first received offset is finished', () => {
    const t = new OffsetTracker();
    receive(t, 0, 10, 12);
    t.finished('t', 0, '11');
    t.finished('t', 0, '12');
    expect(commit(t)).toEqual([]);
    expect(t.inFlight).toBe(1);
  });

  it('commits past the longest finished prefix when a gap closes', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 4);
    t.finished('t', 0, '1');
    t.finished('t', 0, '0');
    expect(commit(t)).toEqual([{ topic: 't', partition: 0, offset: '2' }]);
    t.finished('t', 0, '3');
    expect(commit(t)).toEqual([]);
    t.finished('t', 0, '2');
    expect(commit(t)).toEqual([{ topic: 't', partition: 0, offset: '4' }]);
    expect(t.inFlight).toBe(1);
  });

  it('offers a commit again until it is confirmed', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 1);
    t.finished('t', 0, '0');
    expect(t.pendingCommits()).toEqual([{ topic: 't', partition: 0, offset: '1' }]);
    // The commit failed: nothing confirmed, so the same offset is pending still.
    expect(t.pendingCommits()).toEqual([{ topic: 't', partition: 0, offset: '1' }]);
    t.confirm([{ topic: 't', partition: 0, offset: '1' }]);
    expect(t.pendingCommits()).toEqual([]);
  });

  it('tracks partitions independently', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 1);
    receive(t, 1, 5, 6);
    t.finished('t', 1, '5');
    t.finished('t', 0, '1');
    expect(commit(t)).toEqual([{ topic: 't', partition: 1, offset: '6' }]);
  });

  it('ignores duplicate and unknown completions', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 1);
    t.finished('t', 0, '0');
    t.finished('t', 0, '0');
    t.finished('t', 9, '0');
    t.finished('t', 0, '7');
    expect(t.inFlight).toBe(1);
    expect(commit(t)).toEqual([{ topic: 't', partition: 0, offset: '1' }]);
  });

  it('refuses an offset at or below the last one received, so a redelivery is not handed on twice', () => {
    const t = new OffsetTracker();
    expect(t.received('t', 0, '5')).toBe(true);
    expect(t.received('t', 0, '6')).toBe(true);
    expect(t.received('t', 0, '5')).toBe(false);
    expect(t.received('t', 0, '6')).toBe(false);
    expect(t.inFlight).toBe(2);
    expect(t.nextOffset('t', 0)).toBe('7');
    expect(t.nextOffset('t', 1)).toBeUndefined();
  });

  it('drops a revoked partition and reports its unfinished events', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 3);
    receive(t, 1, 0, 1);
    t.finished('t', 0, '2');
    expect(t.revoke('t', [0])).toEqual(new Map([[0, 3]]));
    expect(t.inFlight).toBe(2);
    expect(t.pendingPartitions()).toEqual([{ topic: 't', partition: 1, pending: 2 }]);
    // Received afresh after the revocation, offset 0 is new again.
    expect(t.received('t', 0, '0')).toBe(true);
  });

  it('previews the commits a transaction would make without recording them', () => {
    const t = new OffsetTracker();
    receive(t, 0, 0, 3);
    receive(t, 1, 0, 0);
    t.finished('t', 0, '1');
    const extra = [
      { topic: 't', partition: 0, offset: '0' },
      { topic: 't', partition: 1, offset: '0' },
    ];
    expect(t.pendingCommitsWith(extra)).toEqual([
      { topic: 't', partition: 0, offset: '2' },
      { topic: 't', partition: 1, offset: '1' },
    ]);
    // An aborted transaction leaves the tracker as it was.
    expect(t.pendingCommits()).toEqual([]);
    expect(t.inFlight).toBe(4);
  });

  it('handles a long run of out-of-order completions', () => {
    const t = new OffsetTracker();
    const n = 10_000;
    receive(t, 0, 0, n - 1);
    for (let o = n - 1; o >= 0; o -= 2) t.finished('t', 0, String(o));
    for (let o = n - 2; o >= 0; o -= 2) t.finished('t', 0, String(o));
    expect(commit(t)).toEqual([{ topic: 't', partition: 0, offset: String(n) }]);
    expect(t.inFlight).toBe(0);
  });
});
