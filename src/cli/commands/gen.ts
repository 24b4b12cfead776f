import { kafkaConnection, reachKafka } from '../kafka-connection.js';
import type { Config } from '../config.js';
import { writeOutput } from '../../run/write-output.js';
import { logger } from '../../telemetry/log.js';
import { generateSpace } from '../../gen/generate-space.js';
import { producePageEvents } from '../../kafka/produce-page-events.js';

const log = logger('gen');

/** `tagspace gen`: a synthetic space as PageEvents, to a JSONL file (--out) or a topic (--brokers/--topic). */
export async function genCommand(config: Config): Promise<number> {
  const started = Date.now();
  const { pages, seed, space, truth: truthPath } = config.gen;
  const { events, truth } = generateSpace({ pages, seed, spaceKey: space });
  if (config.out !== undefined) {
    await writeOutput('--out', config.out, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    log.info({ pages, seed, space, out: config.out, durationMs: Date.now() - started }, 'space written');
  } else {
    await reachKafka(config);
    await producePageEvents({ ...kafkaConnection(config), topic: config.kafka.topic }, events);
    log.info(
      { pages, seed, space, topic: config.kafka.topic, durationMs: Date.now() - started },
      'space produced',
    );
  }
  if (truthPath !== undefined)
    await writeOutput('--truth', truthPath, `${JSON.stringify(Object.fromEntries(truth))}\n`);
  process.stdout.write(
    `generated ${events.length} pages (seed ${seed}, space ${space}) → ${config.out ?? `topic ${config.kafka.topic}`}\n`,
  );
  return 0;
}
