#!/usr/bin/env node
// Local Kafka for tests and for users without Docker (see scripts/kafka-broker.mjs and, for the
// replicated cluster, scripts/kafka-cluster.mjs).
//
//   npm run kafka:up [-- --port 19092] [-- --fresh]   start one node (or find it running), print the bootstrap
//     [--initial-rebalance-delay-ms 3000]               a new group waits for more members, as Kafka's default does (tests: 0)
//   npm run kafka:down [-- --port 19092]              stop it
//   node scripts/kafka.mjs restart | status | jars    restart keeping data; report; fetch jars only
//
//   npm run kafka:up -- --nodes 3 [--port 29092] [--fresh]   a three-node cluster (base port 29092)
//   npm run kafka:down -- --nodes 3                          stop every node
//   node scripts/kafka.mjs status --nodes 3                  each node: up or down, pid, the nodes it sees
//   node scripts/kafka.mjs kill --node 2                     SIGKILL node 2 (its data is kept)
//   node scripts/kafka.mjs start --node 2                    start node 2 again and wait until it rejoined
import { parseArgs } from 'node:util';
import {
  bootstrapFor,
  brokerPaths,
  brokerPid,
  brokerPort,
  ensureKafkaJars,
  isBrokerUp,
  restartBroker,
  startBroker,
  stopBroker,
} from './kafka-broker.mjs';
import {
  clusterPaths,
  clusterPort,
  clusterStatus,
  killNode,
  nodeCount,
  startCluster,
  startNode,
  stopCluster,
} from './kafka-cluster.mjs';

const USAGE = `usage: node scripts/kafka.mjs up|down|restart|status|jars [--port N] [--fresh] [--initial-rebalance-delay-ms 3000]
       node scripts/kafka.mjs up|down|status [--nodes 3] [--port BASE] [--fresh]
       node scripts/kafka.mjs kill|start --node ID [--nodes 3] [--port BASE]`;

async function single(command, values) {
  const port = brokerPort(values.port);
  switch (command) {
    case 'up': {
      const initialRebalanceDelayMs = Number(values['initial-rebalance-delay-ms'] ?? 0);
      if (!Number.isInteger(initialRebalanceDelayMs) || initialRebalanceDelayMs < 0)
        throw new Error(`--initial-rebalance-delay-ms must be a whole number of ms\n${USAGE}`);
      const { bootstrap } = await startBroker({ port, fresh: values.fresh, initialRebalanceDelayMs });
      console.log(`kafka: log ${brokerPaths(port).logFile}`);
      console.log(`KAFKA_BROKERS=${bootstrap}`);
      return;
    }
    case 'down':
      await stopBroker({ port });
      return;
    case 'restart':
      await restartBroker({ port });
      return;
    case 'status': {
      const up = await isBrokerUp({ port });
      const pid = brokerPid(port);
      console.log(`kafka: ${up ? 'up' : 'down'} at ${bootstrapFor(port)}${pid ? ` (pid ${pid})` : ''}`);
      process.exitCode = up ? 0 : 3;
      return;
    }
    case 'jars':
      console.log(ensureKafkaJars());
      return;
    default:
      throw new Error(USAGE);
  }
}

function nodeId(values, nodes) {
  const id = Number(values.node);
  if (values.node === undefined || !Number.isInteger(id) || id < 1 || id > nodes) {
    throw new Error(`--node must name a node, 1 to ${nodes}\n${USAGE}`);
  }
  return id;
}

async function cluster(command, values) {
  const port = clusterPort(values.port);
  const nodes = nodeCount(values.nodes ?? 3);
  switch (command) {
    case 'up': {
      const { bootstrap } = await startCluster({ port, nodes, fresh: values.fresh });
      for (const n of clusterPaths(port, nodes).nodes) console.log(`kafka: node ${n.id} log ${n.logFile}`);
      console.log(`KAFKA_BROKERS=${bootstrap.join(',')}`);
      return;
    }
    case 'down':
      await stopCluster({ port, nodes });
      return;
    case 'status': {
      const status = await clusterStatus({ port, nodes });
      for (const s of status) {
        const pid = s.pid === undefined ? '' : ` (pid ${s.pid})`;
        const sees = s.up ? `, sees nodes ${s.sees.join(',')}` : '';
        console.log(`kafka: node ${s.id} ${s.up ? 'up' : 'down'} at 127.0.0.1:${s.port}${pid}${sees}`);
      }
      process.exitCode = status.every((s) => s.up && s.sees.length === nodes) ? 0 : 3;
      return;
    }
    case 'kill':
      await killNode({ port, id: nodeId(values, nodes) });
      return;
    case 'start':
      await startNode({ port, nodes, id: nodeId(values, nodes) });
      return;
    default:
      throw new Error(USAGE);
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      nodes: { type: 'string' },
      node: { type: 'string' },
      'initial-rebalance-delay-ms': { type: 'string' },
    },
  });
  const command = positionals[0];
  const clustered = values.nodes !== undefined || values.node !== undefined;
  await (clustered ? cluster(command, values) : single(command, values));
}

main().catch((err) => {
  console.error(err.message.startsWith('kafka:') ? err.message : `kafka: ${err.message}`);
  process.exit(1);
});
