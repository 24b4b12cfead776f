/**
 * bench/backlog-pipe — the ceiling bench/backlog measures tagspace against: a bare kafkajs
 * consume → produce pipe, no decoding, no LLM, no offset bookkeeping beyond kafkajs's own. Each
 * fetched batch is produced as it is to an output topic before the next is taken. Run as a child
 * process by bench/backlog.ts, so its memory is its own; prints one JSON line when done:
 *
 *   { events, ms, eventsPerSec, maxRssMb }
 *
 *   npx tsx bench/backlog-pipe.ts --brokers B --topic IN --out OUT --events N
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: '127.0.0.1:19092' },
    topic: { type: 'string' },
    out: { type: 'string' },
    events: { type: 'string' },
  },
});
const total = Number(values.events);
const kafka = new Kafka({
  clientId: 'backlog-pipe',
  brokers: values.brokers.split(','),
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({ groupId: `backlog-pipe-${randomUUID()}`, maxWaitTimeInMs: 250 });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await Promise.all([consumer.connect(), producer.connect()]);
await consumer.subscribe({ topic: values.topic as string, fromBeginning: true });

const started = Date.now();
let piped = 0;
await new Promise<void>((resolve, reject) => {
  consumer
    .run({
      eachBatch: async ({ batch }) => {
        const messages = batch.messages.map((m) => ({ key: m.key, value: m.value }));
        await producer.sendBatch({ topicMessages: [{ topic: values.out as string, messages }] });
        piped += messages.length;
        if (piped >= total) resolve();
      },
    })
    .catch(reject);
});
const ms = Date.now() - started;
await Promise.all([consumer.disconnect(), producer.disconnect()]);
process.stdout.write(
  `${JSON.stringify({
    events: piped,
    ms,
    eventsPerSec: Math.round((piped / ms) * 1000),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
