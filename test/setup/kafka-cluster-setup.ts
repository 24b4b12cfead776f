import type { TestProject } from 'vitest/node';
import { clusterBootstrap, clusterPort, startCluster, stopCluster } from '../../scripts/kafka-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base port of the three-node cluster the failover tests kill and restart nodes of. */
    kafkaClusterPort: number;
    kafkaClusterNodes: number;
  }
}

const NODES = 3;

/**
 * The failover suite gets a three-node KRaft cluster from scripts/kafka-cluster.mjs (base port
 * KAFKA_CLUSTER_PORT, 29092 by default): started fresh here unless it is running already, and
 * stopped at the end only if it was started here. Its tests kill and restart nodes, so it must be
 * one this machine's cache runs: KAFKA_BROKERS is not consulted.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[kafka-cluster-setup] ${line}`);
  const port = clusterPort();
  const { started } = await startCluster({ port, nodes: NODES, fresh: true, log });
  const brokers = clusterBootstrap(port, NODES).join(',');
  project.provide('kafkaBrokers', brokers);
  project.provide('kafkaManagedPort', null);
  project.provide('kafkaClusterPort', port);
  project.provide('kafkaClusterNodes', NODES);
  process.env.TAGSPACE_TEST_BROKERS = brokers;
  return async () => {
    if (started.length === NODES) await stopCluster({ port, nodes: NODES, log });
  };
}
