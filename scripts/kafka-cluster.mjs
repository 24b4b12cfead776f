// A replicated Apache Kafka (KRaft) cluster on loopback, for failover tests and for users who want
// to see tagspace survive a broker failure: N nodes (3 by default), each broker and controller,
// from the same cached jars as the single node (kafka-broker.mjs). Internal topics and new topics
// are replicated to every node (at most 3), and a write needs two in-sync replicas, so one node may
// die without losing an acknowledged record. Nodes can be killed (SIGKILL) and started again by id.
//
// Ports from a base B (KAFKA_CLUSTER_PORT, 29092 by default): node i listens on B + 2(i−1) and its
// controller on the port after. State lives under ${cache}/kafka/cluster-B/node-i; the data survives
// a kill, which is what lets a node come back as the follower that catches up.
import fs from 'node:fs';
import path from 'node:path';
import {
  ensureKafkaJars,
  formatStorage,
  kafkaRoot,
  KAFKA_VERSION,
  launchNode,
  LOG4J,
  nodePaths,
  withLock,
} from './kafka-broker.mjs';
import { logTail, pidAlive, runningPid, seconds, stopPid, waitUntil } from './background-process.mjs';

export const DEFAULT_CLUSTER_PORT = 29092;
export const DEFAULT_NODES = 3;
const MAX_NODES = 5;
const HOST = '127.0.0.1';

/** The base port: the explicit one, else KAFKA_CLUSTER_PORT, else 29092. */
export function clusterPort(explicit) {
  const raw = explicit ?? process.env.KAFKA_CLUSTER_PORT ?? DEFAULT_CLUSTER_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port + 2 * MAX_NODES > 65535) {
    throw new Error(`invalid Kafka cluster port: ${raw}`);
  }
  return port;
}

export function nodeCount(explicit) {
  const n = Number(explicit ?? DEFAULT_NODES);
  if (!Number.isInteger(n) || n < 1 || n > MAX_NODES) {
    throw new Error(`invalid node count: ${explicit} (1 to ${MAX_NODES})`);
  }
  return n;
}

/** Node ids are 1…n. */
export function nodeIds(nodes) {
  return Array.from({ length: nodes }, (_, i) => i + 1);
}

export function nodePort(base, id) {
  return base + 2 * (id - 1);
}

export function clusterBootstrap(base, nodes) {
  return nodeIds(nodes).map((id) => `${HOST}:${nodePort(base, id)}`);
}

function clusterState(base) {
  return path.join(kafkaRoot(), `cluster-${base}`);
}

function clusterNodePaths(base, id) {
  const state = path.join(clusterState(base), `node-${id}`);
  return { ...nodePaths(state), clusterIdFile: path.join(clusterState(base), 'cluster-id') };
}

/** The paths of every node: their logs are where a failing test looks. */
export function clusterPaths(base = clusterPort(), nodes = DEFAULT_NODES) {
  return {
    state: clusterState(base),
    lockFile: path.join(clusterState(base), 'lock'),
    nodes: nodeIds(nodes).map((id) => ({ id, port: nodePort(base, id), ...clusterNodePaths(base, id) })),
  };
}

function nodeProperties(base, nodes, id, paths) {
  const port = nodePort(base, id);
  const voters = nodeIds(nodes)
    .map((n) => `${n}@${HOST}:${nodePort(base, n) + 1}`)
    .join(',');
  const rf = Math.min(3, nodes);
  const isr = Math.min(2, rf);
  return `# Written by scripts/kafka-cluster.mjs: node ${id} of a ${nodes}-node KRaft cluster on loopback.
process.roles=broker,controller
node.id=${id}
controller.quorum.voters=${voters}
listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${port + 1}
advertised.listeners=PLAINTEXT://${HOST}:${port}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${paths.data}
num.partitions=1
default.replication.factor=${rf}
min.insync.replicas=${isr}
unclean.leader.election.enable=false
offsets.topic.replication.factor=${rf}
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=${rf}
transaction.state.log.min.isr=${isr}
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
auto.create.topics.enable=true
delete.topic.enable=true
log.cleaner.enable=true
log.cleaner.backoff.ms=1000
log.retention.hours=24
num.network.threads=2
num.io.threads=4
`;
}

/** The pid of node `id` when this cache runs it. */
export function nodePid(base, id) {
  const paths = clusterNodePaths(base, id);
  return runningPid(paths.pidFile, paths.properties);
}

async function kafkaClient(brokers, timeoutMs) {
  const { default: kafkajs } = await import('kafkajs');
  return new kafkajs.Kafka({
    clientId: 'tagspace-cluster-probe',
    brokers,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: kafkajs.logLevel.NOTHING,
  });
}

/** The node ids the broker on `port` lists in its metadata, or undefined when it does not answer. */
export async function brokersSeenBy(port, { timeoutMs = 2000 } = {}) {
  const admin = (await kafkaClient([`${HOST}:${port}`], timeoutMs)).admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when node `id` answers and lists every node in `expected`. */
async function nodeSees(base, id, expected) {
  const seen = await brokersSeenBy(nodePort(base, id));
  return seen !== undefined && expected.every((n) => seen.includes(n));
}

function startNodeProcess(base, nodes, id, heap, libs) {
  const paths = clusterNodePaths(base, id);
  fs.mkdirSync(paths.data, { recursive: true });
  fs.writeFileSync(paths.properties, nodeProperties(base, nodes, id, paths));
  fs.writeFileSync(paths.log4j, LOG4J);
  formatStorage(paths, libs);
  const child = launchNode(paths, libs, heap);
  const state = { exited: null };
  child.on('exit', (code, signal) => (state.exited = signal ?? `exit code ${code}`));
  return { child, state, paths };
}

/**
 * Makes the group and transaction coordinators' topics while every node is up: created later, with
 * a node down, they could not get their replication factor and the coordinators would stay away.
 */
async function createInternalTopics(brokers) {
  const { default: kafkajs } = await import('kafkajs');
  const kafka = new kafkajs.Kafka({
    clientId: 'tagspace-cluster-setup',
    brokers,
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    transactionalId: 'tagspace-cluster-setup',
    idempotent: true,
    maxInFlightRequests: 1,
  });
  try {
    await admin.connect();
    await admin.describeGroups(['tagspace-cluster-setup']); // finds (and so creates) __consumer_offsets
    await producer.connect();
    await (await producer.transaction()).abort(); // finds (and so creates) __transaction_state
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Starts the nodes that are not running and waits until every node answers and lists all the
 * others. `fresh` wipes the data of a stopped cluster first. `started` lists the nodes this call
 * started (a caller stops the cluster only if it started it).
 */
export async function startCluster({
  port = clusterPort(),
  nodes = DEFAULT_NODES,
  fresh = false,
  heap = '384m',
  timeoutMs = 180_000,
  log = console.log,
} = {}) {
  const began = Date.now();
  const base = clusterPort(port);
  const ids = nodeIds(nodeCount(nodes));
  const libs = ensureKafkaJars({ log });
  const paths = clusterPaths(base, ids.length);
  const bootstrap = clusterBootstrap(base, ids.length);
  return withLock(paths, timeoutMs, async () => {
    const running = ids.filter((id) => nodePid(base, id) !== undefined);
    if (fresh && running.length === 0) fs.rmSync(paths.state, { recursive: true, force: true });
    const launched = ids
      .filter((id) => !running.includes(id))
      .map((id) => ({ id, ...startNodeProcess(base, ids.length, id, heap, libs) }));
    try {
      await waitUntil(
        async () => {
          const dead = launched.find((l) => l.state.exited);
          if (dead) throw new Error(`node ${dead.id} exited during start (${dead.state.exited})`);
          const seen = await Promise.all(ids.map((id) => nodeSees(base, id, ids)));
          return seen.every(Boolean);
        },
        { timeoutMs, intervalMs: 500, what: `the ${ids.length}-node cluster at ${bootstrap.join(',')}` },
      );
      if (launched.length === ids.length) await createInternalTopics(bootstrap);
    } catch (err) {
      await Promise.all(launched.map((l) => stopPid(l.child.pid, { timeoutMs: 10_000 })));
      for (const l of launched) fs.rmSync(l.paths.pidFile, { force: true });
      const tails = launched.map((l) => `--- ${l.paths.logFile} (tail) ---\n${logTail(l.paths.logFile, 20)}`);
      throw new Error(`kafka: cluster start failed: ${err.message}\n${tails.join('\n')}`);
    }
    const elapsedMs = Date.now() - began;
    log(
      launched.length === 0
        ? `kafka: cluster already running at ${bootstrap.join(',')}`
        : `kafka: ${ids.length}-node cluster up at ${bootstrap.join(',')} (Kafka ${KAFKA_VERSION}, ` +
            `started node${launched.length > 1 ? 's' : ''} ${launched.map((l) => l.id).join(', ')}) in ${seconds(elapsedMs)}`,
    );
    return { bootstrap, started: launched.map((l) => l.id), elapsedMs };
  });
}

/** Stops every node of the cluster (SIGTERM, then SIGKILL past the deadline); the data is kept. */
export async function stopCluster({
  port = clusterPort(),
  nodes = DEFAULT_NODES,
  timeoutMs = 30_000,
  log = console.log,
} = {}) {
  const base = clusterPort(port);
  const ids = nodeIds(nodeCount(nodes));
  const began = Date.now();
  const stopped = await Promise.all(
    ids.map(async (id) => {
      const pid = nodePid(base, id);
      if (pid === undefined) return undefined;
      const how = await stopPid(pid, { timeoutMs });
      fs.rmSync(clusterNodePaths(base, id).pidFile, { force: true });
      return `node ${id} (pid ${pid}, ${how})`;
    }),
  );
  const which = stopped.filter(Boolean);
  log(
    which.length === 0
      ? `kafka: no node of the cluster at base port ${base} is running`
      : `kafka: stopped ${which.join(', ')} in ${seconds(Date.now() - began)}`,
  );
  return which.length > 0;
}

/** SIGKILLs node `id` (no controlled shutdown: its partitions lose their leader at once). */
export async function killNode({ port = clusterPort(), id, log = console.log } = {}) {
  const base = clusterPort(port);
  const pid = nodePid(base, id);
  if (pid === undefined) throw new Error(`node ${id} of the cluster at base port ${base} is not running`);
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => !pidAlive(pid), { timeoutMs: 10_000, intervalMs: 50, what: `node ${id} to die` });
  fs.rmSync(clusterNodePaths(base, id).pidFile, { force: true });
  log(`kafka: killed node ${id} (pid ${pid}, SIGKILL)`);
  return pid;
}

/**
 * Starts node `id` again on its kept data and waits until it answers and lists every node, so it
 * is registered and fetching again (whether it has caught up is a question for the topics' ISR).
 */
export async function startNode({
  port = clusterPort(),
  nodes = DEFAULT_NODES,
  id,
  heap = '384m',
  timeoutMs = 120_000,
  log = console.log,
} = {}) {
  const base = clusterPort(port);
  const ids = nodeIds(nodeCount(nodes));
  if (!ids.includes(id)) throw new Error(`no node ${id} in a ${ids.length}-node cluster`);
  const began = Date.now();
  const existing = nodePid(base, id);
  if (existing !== undefined) {
    log(`kafka: node ${id} already runs (pid ${existing})`);
    return { pid: existing, started: false, elapsedMs: 0 };
  }
  const libs = ensureKafkaJars({ log });
  const { child, state, paths } = startNodeProcess(base, ids.length, id, heap, libs);
  try {
    await waitUntil(
      async () => {
        if (state.exited) throw new Error(`node ${id} exited during start (${state.exited})`);
        return nodeSees(base, id, ids);
      },
      { timeoutMs, intervalMs: 300, what: `node ${id} at ${HOST}:${nodePort(base, id)}` },
    );
  } catch (err) {
    await stopPid(child.pid, { timeoutMs: 10_000 });
    fs.rmSync(paths.pidFile, { force: true });
    throw new Error(`kafka: node ${id} start failed: ${err.message}\n${logTail(paths.logFile, 30)}`);
  }
  const elapsedMs = Date.now() - began;
  log(`kafka: node ${id} up at ${HOST}:${nodePort(base, id)} (pid ${child.pid}) in ${seconds(elapsedMs)}`);
  return { pid: child.pid, started: true, elapsedMs };
}

/** Per node: its port, pid (if this cache runs it) and whether it answers with every node listed. */
export async function clusterStatus({ port = clusterPort(), nodes = DEFAULT_NODES } = {}) {
  const base = clusterPort(port);
  const ids = nodeIds(nodeCount(nodes));
  return Promise.all(
    ids.map(async (id) => {
      const seen = await brokersSeenBy(nodePort(base, id));
      return {
        id,
        port: nodePort(base, id),
        pid: nodePid(base, id),
        up: seen !== undefined,
        sees: seen ?? [],
      };
    }),
  );
}
