import { describe, expect, it } from 'vitest';
import { PartitionOwnership } from '../../src/kafka/partition-ownership.js';

const d = (partition: number) => ({ partition });

describe('PartitionOwnership', () => {
  it('owns deliveries of assigned partitions fetched in the current epoch', () => {
    const o = new PartitionOwnership();
    expect(o.assign([0, 1])).toEqual({ added: [0, 1], lost: [], kept: [] });
    const a = d(0);
    o.stamp(a);
    expect(o.owns(a)).toBe(true);
    expect(o.owns(d(0))).toBe(false);
  });

  it('no longer owns deliveries of a lost partition, even once it is assigned again', () => {
    const o = new PartitionOwnership();
    o.assign([0, 1]);
    const old = d(1);
    o.stamp(old);
    expect(o.assign([0])).toEqual({ added: [], lost: [1], kept: [0] });
    expect(o.owns(old)).toBe(false);
    expect(o.assign([0, 1]).added).toEqual([1]);
    expect(o.owns(old)).toBe(false);
    const fresh = d(1);
    o.stamp(fresh);
    expect(o.owns(fresh)).toBe(true);
  });

  it('holds a partition until every orphan has been released, each counted once', () => {
    const o = new PartitionOwnership();
    o.assign([2]);
    const orphans = [d(2), d(2)];
    for (const x of orphans) o.stamp(x);
    o.assign([]);
    o.orphan(2, 2);
    expect(o.hasOrphans(2)).toBe(true);
    expect(o.release(orphans[0]!)).toBeUndefined();
    expect(o.release(orphans[0]!)).toBeUndefined();
    expect(o.hasOrphans(2)).toBe(true);
    expect(o.release(orphans[1]!)).toBe(2);
    expect(o.hasOrphans(2)).toBe(false);
  });

  it('does not release a delivery it still owns', () => {
    const o = new PartitionOwnership();
    o.assign([0]);
    const x = d(0);
    o.stamp(x);
    expect(o.release(x)).toBeUndefined();
    expect(o.owns(x)).toBe(true);
  });

  it('moves its version on a rebalance and on an assignment, and settles with the assignment', async () => {
    const o = new PartitionOwnership();
    const v0 = o.version;
    o.beginRebalance();
    expect(o.settling).toBe(true);
    expect(o.version).toBeGreaterThan(v0);
    let settled = false;
    const waiting = o.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    const v1 = o.version;
    o.assign([0]);
    await waiting;
    expect(settled).toBe(true);
    expect(o.version).toBeGreaterThan(v1);
    await expect(o.settled()).resolves.toBeUndefined();
  });
});
