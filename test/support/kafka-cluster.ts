import { inject } from 'vitest';
import {
  killNode as killClusterNode,
  nodePid,
  startNode as startClusterNode,
} from '../../scripts/kafka-cluster.mjs';
import { withAdmin } from './kafka.js';
import { waitFor } from './wait-for.js';

/**
 * The three-node cluster of the failover suite (test/setup/kafka-cluster-setup.ts): which node
 * leads what, killing and restarting nodes, and waiting for the cluster to heal.
 */
function cluster(): { port: number; nodes: number[] } {
  const port = inject('kafkaClusterPort');
  const count = inject('kafkaClusterNodes');
  if (port === undefined || count === undefined) {
    throw new Error('no Kafka cluster: run the failover tests through vitest.failover.config.ts');
  }
  return { port, nodes: Array.from({ length: count }, (_, i) => i + 1) };
}

const quiet = () => undefined;

/** Kills node `id` with SIGKILL: no controlled shutdown, its partitions lose their leader at once. */
export async function killNode(id: number): Promise<void> {
  await killClusterNode({ port: cluster().port, id, log: quiet });
}

/** Starts node `id` again on its kept data; resolves once it answers and sees every node. */
export async function startNode(id: number): Promise<void> {
  const { port, nodes } = cluster();
  await startClusterNode({ port, nodes: nodes.length, id, log: quiet });
}

/**
 * Starts every node that is down (a test that failed half-way may have left one so) and waits
 * until all replicas are in sync: each test begins on a whole cluster.
 */
export async function healCluster(): Promise<void> {
  const { port, nodes } = cluster();
  for (const id of nodes) {
    if (nodePid(port, id) === undefined)
      await startClusterNode({ port, nodes: nodes.length, id, log: quiet });
  }
  await waitForInSync([]);
}

/** The leader of each partition of the topic (-1 while it has none), as the cluster says now. */
export async function partitionLeaders(topic: string): Promise<Map<number, number>> {
  return withAdmin(async (admin) => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics.find((t) => t.name === topic)?.partitions ?? [];
    return new Map(partitions.map((p) => [p.partitionId, p.leader]));
  });
}

/**
 * The node that leads the most partitions of the topic (the lowest id on a tie), leaving out the
 * nodes in `except`.
 */
export async function leaderOfMost(
  topic: string,
  except: readonly number[] = [],
): Promise<{ node: number; partitions: number[] }> {
  const led = new Map<number, number[]>(
    cluster()
      .nodes.filter((n) => !except.includes(n))
      .map((n) => [n, []]),
  );
  for (const [partition, leader] of await partitionLeaders(topic)) {
    led.get(leader)?.push(partition);
  }
  const [node, partitions] = [...led].sort((a, b) => b[1].length - a[1].length || a[0] - b[0])[0] ?? [];
  if (node === undefined || partitions === undefined)
    throw new Error(`no partition of ${topic} has a leader`);
  return { node, partitions };
}

/** Resolves once no partition of the topics is led by `node` any more (the failover happened). */
export async function waitForLeadersOff(topics: string[], node: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      for (const topic of topics) {
        for (const leader of (await partitionLeaders(topic)).values()) {
          if (leader === node || leader < 0) return false;
        }
      }
      return true;
    },
    { timeoutMs, intervalMs: 200, message: `the leaders of ${topics.join(', ')} to move off node ${node}` },
  );
}

/**
 * Resolves once every partition of the topics (the internal ones included) has all its replicas
 * in sync again: a node restarted after a kill has caught up, so killing another loses nothing
 * the cluster acknowledged.
 */
export async function waitForInSync(topics: string[], timeoutMs = 120_000): Promise<void> {
  const all = [...topics, '__consumer_offsets', '__transaction_state'];
  await waitFor(
    () =>
      withAdmin(async (admin) => {
        const existing = new Set(await admin.listTopics());
        const { topics: found } = await admin.fetchTopicMetadata({
          topics: all.filter((t) => existing.has(t)),
        });
        return found.every((t) =>
          t.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length),
        );
      }),
    { timeoutMs, intervalMs: 500, message: `every replica of ${topics.join(', ')} to be in sync` },
  );
}

/** Partitions of __consumer_offsets on the cluster (offsets.topic.num.partitions in kafka-cluster.mjs). */
const OFFSETS_PARTITIONS = 10;

/**
 * The node coordinating a consumer group: the leader of its __consumer_offsets partition, which
 * Kafka picks as |hashCode(groupId)| mod partitions (Java's String.hashCode).
 */
export async function groupCoordinator(groupId: string): Promise<number> {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(31, hash) + groupId.charCodeAt(i)) | 0;
  const partition = (hash === -2147483648 ? 0 : Math.abs(hash)) % OFFSETS_PARTITIONS;
  const leader = (await partitionLeaders('__consumer_offsets')).get(partition);
  if (leader === undefined || leader < 0) throw new Error(`__consumer_offsets[${partition}] has no leader`);
  return leader;
}
