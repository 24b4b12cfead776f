import type { Admin, ITopicMetadata } from 'kafkajs';
import { TagspaceError } from '../model/errors.js';

export interface ExpectedTopic {
  topic: string;
  /** Partitions the topic was created with; the wait is over only when metadata lists them all. */
  numPartitions: number;
}

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
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
  opts: PollOptions = {},
): Promise<void> {
  await pollMetadata(
    admin,
    topics.map((t) => t.topic),
    (name, found) => {
      const expected = topics.find((t) => t.topic === name)?.numPartitions ?? 1;
      const partitions = found?.partitions ?? [];
      return partitions.length >= expected && partitions.every((p) => p.leader >= 0);
    },
    'no leader for every partition',
    opts,
  );
}

/**
 * How many partitions each topic has, asking metadata again until every topic is listed with at
 * least one, or the deadline passes: right after `ensureTopics` the broker asked may not know a
 * topic another broker created yet (UNKNOWN_TOPIC_OR_PARTITION), which is "not yet", not "none".
 */
export async function topicPartitionCounts(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly string[],
  opts: PollOptions = {},
): Promise<Map<string, number>> {
  const found = await pollMetadata(
    admin,
    topics,
    (_, t) => (t?.partitions.length ?? 0) > 0,
    'not in the metadata',
    opts,
  );
  return new Map(topics.map((name) => [name, found.get(name)?.partitions.length ?? 0]));
}

/** Asks for the topics' metadata until `ready` holds for each, or throws at the deadline. */
async function pollMetadata(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly string[],
  ready: (name: string, found: ITopicMetadata | undefined) => boolean,
  failure: string,
  { timeoutMs = 30_000, intervalMs = 100 }: PollOptions,
): Promise<Map<string, ITopicMetadata>> {
  const seen = new Map<string, ITopicMetadata>();
  if (topics.length === 0) return seen;
  const deadline = Date.now() + timeoutMs;
  let waitingFor = [...topics];
  let lastError: string | undefined;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: waitingFor });
      waitingFor = waitingFor.filter((name) => {
        const t = found.find((f) => f.name === name);
        if (!ready(name, t)) return true;
        if (t !== undefined) seen.set(name, t);
        return false;
      });
      if (waitingFor.length === 0) return seen;
      lastError = undefined;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new TagspaceError(
        'unavailable',
        `topic${waitingFor.length > 1 ? 's' : ''} ${waitingFor.join(', ')}: ${failure} ` +
          `after ${timeoutMs} ms${lastError === undefined ? '' : ` (last answer: ${lastError})`}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
