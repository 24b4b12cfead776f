import type { TestProject } from 'vitest/node';
import { bootstrapFor, brokerPid, brokerPort, startBroker, stopBroker } from '../../scripts/kafka-broker.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated bootstrap list for the integration tests. */
    kafkaBrokers: string;
    /** Port of a broker this machine's cache runs, which tests may stop and restart; else null. */
    kafkaManagedPort: number | null;
  }
}

/**
 * Integration tests get a real broker: the cluster named by KAFKA_BROKERS when set, else the local
 * KRaft node from scripts/kafka-broker.mjs (started here if it is not running, and stopped at the
 * end only if it was started here).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[kafka-global-setup] ${line}`);
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  let brokers: string;
  let managedPort: number | null = null;
  let startedHere = false;
  if (fromEnv) {
    brokers = fromEnv;
    // The cache's own broker named through KAFKA_BROKERS can still be restarted by tests.
    const port = brokerPort();
    if (fromEnv === bootstrapFor(port) && brokerPid(port) !== undefined) managedPort = port;
    log(`using KAFKA_BROKERS=${brokers}`);
  } else {
    const port = brokerPort();
    const result = await startBroker({ port, log });
    brokers = result.bootstrap;
    managedPort = result.pid === undefined ? null : port;
    startedHere = result.started;
  }
  project.provide('kafkaBrokers', brokers);
  project.provide('kafkaManagedPort', managedPort);
  process.env.TAGSPACE_TEST_BROKERS = brokers;

  return async () => {
    if (startedHere && managedPort !== null) await stopBroker({ port: managedPort, log });
  };
}
