import type { Admin } from 'kafkajs';
import { TagspaceError } from '../model/errors.js';

export interface ExpectedTopic {
  topic: string;
  /** Partitions the topic was created with; the wait is over only when metadata lists them all. */
  numPartitions: number;
}

/**
 * Waits until every partition of the topics has a leader, asking the cluster's metadata again
 * until the deadline:
 *
 *   ready ⇔ ∀ t: |partitions(t)| = numPartitions(t) ∧ ∀ p ∈ partitions(t): leader(p) ≥ 0
 *
 * On a cluster a topic just created is not yet known to every broker, and the one asked may answer
 * UNKNOWN_TOPIC_OR_PARTITION: kafkajs's `createTopics({ waitForLeaders })` gives up at that
 * answer, so this counts it (and any other error) as "not yet" instead.
 */
export async function waitForTopicLeaders(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly ExpectedTopic[],
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  let waitingFor = topics.map((t) => t.topic);
  let lastError: string | undefined;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: waitingFor });
      waitingFor = waitingFor.filter((name) => {
        const expected = topics.find((t) => t.topic === name)?.numPartitions ?? 1;
        const partitions = found.find((t) => t.name === name)?.partitions ?? [];
        return partitions.length < expected || partitions.some((p) => p.leader < 0);
      });
      if (waitingFor.length === 0) return;
      lastError = undefined;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new TagspaceError(
        'unavailable',
        `topic${waitingFor.length > 1 ? 's' : ''} ${waitingFor.join(', ')} had no leader for every partition ` +
          `after ${timeoutMs} ms${lastError === undefined ? '' : ` (last answer: ${lastError})`}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
