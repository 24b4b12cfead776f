import { kafkaConnection, reachKafka } from '../kafka-connection.js';
import { writeFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { TagspaceError } from '../../model/errors.js';
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
    await writeJsonl(config.out, events);
    log.info({ pages, seed, space, out: config.out, durationMs: Date.now() - started }, 'space written');
  } else {
    await reachKafka(config);
    await producePageEvents({ ...kafkaConnection(config), topic: config.kafka.topic }, events);
    log.info(
      { pages, seed, space, topic: config.kafka.topic, durationMs: Date.now() - started },
      'space produced',
    );
  }
  if (truthPath !== undefined) await writeFile(truthPath, `${JSON.stringify(Object.fromEntries(truth))}\n`);
  process.stdout.write(
    `generated ${events.length} pages (seed ${seed}, space ${space}) → ${config.out ?? `topic ${config.kafka.topic}`}\n`,
  );
  return 0;
}

/** The whole file at once (the space is in memory already); a failed write is the run's failure. */
async function writeJsonl(path: string, items: readonly unknown[]): Promise<void> {
  const text = items.map((item) => `${JSON.stringify(item)}\n`).join('');
  await writeFile(path, text).catch((err: Error) => {
    throw new TagspaceError('config', `cannot write --out ${path}: ${err.message}`);
  });
}
