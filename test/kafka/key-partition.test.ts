import { describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { partitionOfKey } from '../../src/kafka/key-partition.js';

describe('partitionOfKey', () => {
  it('agrees with the partitioner producers use by default', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2, 3, 4].map((i) => ({
      partitionErrorCode: 0,
      partitionId: i,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    for (const key of ['page-1', '20000317', 'page-🚀-שלום', 'x'.repeat(200)]) {
      expect(partitionOfKey(key, 5)).toBe(
        partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }),
      );
    }
  });

  it('spreads keys over every partition', () => {
    const seen = new Set(Array.from({ length: 200 }, (_, i) => partitionOfKey(`page-${i}`, 3)));
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });
});
