import type { Admin, ITopicMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { topicPartitionCounts, waitForTopicLeaders } from '../../src/kafka/topic-leaders.js';

type Metadata = Pick<Admin, 'fetchTopicMetadata'>;

/** Metadata that answers from a list of steps, one per request; the last step repeats. */
function metadataOf(steps: (ITopicMetadata[] | Error)[]): Metadata & { asked: number } {
  const m = {
    asked: 0,
    fetchTopicMetadata: ({ topics }: { topics?: string[] } = {}) => {
      const step = steps[Math.min(m.asked++, steps.length - 1)]!;
      if (step instanceof Error) return Promise.reject(step);
      return Promise.resolve({ topics: step.filter((t) => topics?.includes(t.name) ?? true) });
    },
  };
  return m;
}

function topic(name: string, leaders: number[]): ITopicMetadata {
  return {
    name,
    partitions: leaders.map((leader, partitionId) => ({
      partitionId,
      leader,
      replicas: [],
      isr: [],
      offlineReplicas: [],
      partitionErrorCode: 0,
    })),
  };
}

const unknown = new Error('This server does not host this topic-partition');

describe('topicPartitionCounts', () => {
  it('counts the partitions of each topic once the broker asked knows them all', async () => {
    const admin = metadataOf([unknown, [topic('a', [1, 2, 3])], [topic('b', [1])]]);
    const counts = await topicPartitionCounts(admin, ['a', 'b'], { intervalMs: 1 });
    expect(counts).toEqual(
      new Map([
        ['a', 3],
        ['b', 1],
      ]),
    );
    expect(admin.asked).toBe(3);
  });

  it('fails at its deadline naming the topic and the last answer', async () => {
    const admin = metadataOf([unknown]);
    await expect(topicPartitionCounts(admin, ['gone'], { timeoutMs: 20, intervalMs: 1 })).rejects.toThrow(
      /topic gone: not in the metadata after 20 ms \(last answer: This server does not host/,
    );
  });
});

describe('waitForTopicLeaders', () => {
  it('waits until every partition is listed and has a leader', async () => {
    const admin = metadataOf([unknown, [topic('a', [1])], [topic('a', [1, -1])], [topic('a', [1, 2])]]);
    await waitForTopicLeaders(admin, [{ topic: 'a', numPartitions: 2 }], { intervalMs: 1 });
    expect(admin.asked).toBe(4);
  });

  it('fails at its deadline while a partition has no leader', async () => {
    const admin = metadataOf([[topic('a', [1, -1])]]);
    await expect(
      waitForTopicLeaders(admin, [{ topic: 'a', numPartitions: 2 }], { timeoutMs: 20, intervalMs: 1 }),
    ).rejects.toThrow(/topic a: no leader for every partition after 20 ms/);
  });
});
