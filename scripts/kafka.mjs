#!/usr/bin/env node
// Local Kafka for tests and for users without Docker (see scripts/kafka-broker.mjs).
//
//   npm run kafka:up [-- --port 19092] [-- --fresh]   start (or find running) and print the bootstrap
//   npm run kafka:down [-- --port 19092]              stop
//   node scripts/kafka.mjs restart | status | jars    restart keeping data; report; fetch jars only
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

const USAGE = 'usage: node scripts/kafka.mjs up|down|restart|status|jars [--port N] [--fresh]';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string' }, fresh: { type: 'boolean', default: false } },
  });
  const port = brokerPort(values.port);
  switch (positionals[0]) {
    case 'up': {
      const { bootstrap } = await startBroker({ port, fresh: values.fresh });
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

main().catch((err) => {
  console.error(err.message.startsWith('kafka:') ? err.message : `kafka: ${err.message}`);
  process.exit(1);
});
