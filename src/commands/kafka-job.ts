import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { logger } from '../log.js';
import { Progress } from '../progress.js';
import { routerFromConfig } from '../router/router-from-config.js';
import { runTagging } from '../run-tagging.js';
import { RunStats } from '../run-stats.js';
import { createKafka } from '../streams/kafka-client.js';
import { ensureTopics, topicOffsets } from '../streams/ensure-topics.js';
import { kafkaSink } from '../streams/kafka-sink.js';
import { KafkaSource } from '../streams/kafka-source.js';
import { restoreTagState } from '../streams/restore-tag-state.js';
import { transactionalKafkaSink } from '../streams/transactional-sink.js';
import { buildSummary, reportSummary } from '../summary.js';
import { TagCache } from '../tag-cache.js';
import { configuredProviders, startTelemetry } from '../telemetry/telemetry.js';
import { onShutdownSignals } from './shutdown.js';

const log = logger('job');
const DLQ_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * `run` and `replay` on Kafka. Both consume, tag, write and commit the same way; `replay` reads
 * from the beginning up to the end offsets captured at start, with a throwaway group, and ends;
 * `run` consumes as a member of the configured group until it is told to stop.
 */
export async function kafkaJob(config: Config, mode: 'run' | 'replay'): Promise<number> {
  const { kafka: k } = config;
  const kafka = createKafka({ brokers: k.brokers, clientId: `tagspace-${mode}` });
  const router = routerFromConfig(config);
  const cache = new TagCache({ enabled: config.cache.enabled, maxSize: config.cache.size });
  const stats = new RunStats();
  await ensureTopics(kafka, [
    { topic: k.topic },
    { topic: k.tagsTopic, compacted: true },
    // Dead letters keep the original bytes, however large the event was.
    { topic: k.dlqTopic, maxMessageBytes: DLQ_MAX_MESSAGE_BYTES },
  ]);
  const producer = k.exactlyOnce
    ? kafka.producer({
        // Stable per instance and input: a restart fences its predecessor and aborts its open
        // transaction, so read_committed readers (the restore below) are not held up by it.
        transactionalId: `tagspace-${mode === 'run' ? k.group : 'replay'}-${k.topic}-${k.instanceId}`,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 30_000,
      })
    : kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  if (config.restore) await restoreTagState(kafka, k.tagsTopic, cache);

  let stopAt: Map<number, string> | undefined;
  let total: number | undefined;
  if (mode === 'replay') {
    const offsets = await topicOffsets(kafka, k.topic);
    stopAt = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, o.high]));
    total = offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0);
    log.info({ topic: k.topic, events: total, partitions: offsets.length }, 'replay bounded at end offsets');
  }
  const groupId = mode === 'replay' ? `tagspace-replay-${randomUUID()}` : k.group;
  const source = new KafkaSource({
    kafka,
    topic: k.topic,
    groupId,
    fromBeginning: true,
    maxInFlight: k.maxInFlight,
    ...(stopAt !== undefined && { stopAt }),
    onRebalancing: () => {
      if (!k.exactlyOnce) commit('rebalance');
    },
  });
  const commit = (reason: string) => {
    source
      .commit()
      .catch((err: unknown) =>
        log.warn({ reason, err: (err as Error).message }, 'commit failed; will retry'),
      );
  };

  const telemetry = await startTelemetry(config.telemetry, {
    command: mode,
    router,
    cache,
    providers: configuredProviders(config),
    kafka: { tagsTopic: k.tagsTopic, group: groupId },
    consumer: { ready: () => source.ready, lag: () => source.lag },
  });
  const { headersFor } = telemetry;

  const abort = new AbortController();
  const run = runTagging({
    deliveries$: source.deliveries$,
    sink: k.exactlyOnce
      ? transactionalKafkaSink({ producer, source, tagsTopic: k.tagsTopic, dlqTopic: k.dlqTopic, headersFor })
      : kafkaSink({ producer, tagsTopic: k.tagsTopic, dlqTopic: k.dlqTopic, headersFor }),
    written: (outcome) => {
      stats.written(outcome);
      telemetry.written(outcome);
      // In exactly-once mode the sink marked it inside the transaction that committed its offset.
      if (!k.exactlyOnce) source.finished(outcome.delivery);
    },
    deps: { router, cache, stats, batch: config.batch, signal: abort.signal, observer: telemetry.observer },
  });

  const commitTimer = setInterval(() => {
    source
      .commit()
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'commit failed; will retry'));
  }, k.commitIntervalMs);
  const progress = new Progress(stats, total, { llmCalls: () => router.metrics().total_ai_calls });
  progress.start();
  const signals = onShutdownSignals({
    drain: () => source.stop(),
    deadline: () => {
      abort.abort();
      run.cancel();
    },
    deadlineMs: config.shutdownTimeoutMs,
  });

  try {
    await run.done;
  } finally {
    signals.dispose();
    if (commitTimer !== undefined) clearInterval(commitTimer);
    progress.stop();
    // Whatever happened, commit exactly what is written, so a restart resumes right after it.
    // (In exactly-once mode every written outcome's offset is already in its transaction.)
    const committed = k.exactlyOnce
      ? []
      : await source.commit().catch((err: unknown) => {
          log.error({ err: (err as Error).message }, 'final commit failed');
          return [];
        });
    log.info({ committed, inFlight: source.tracker.inFlight }, 'offsets committed');
    await Promise.allSettled([source.close(), producer.disconnect()]);
    router.close();
    await telemetry.shutdown();
  }
  const summary = buildSummary(stats, router.metrics(), cache.stats());
  await reportSummary(summary, config.summaryJson);
  await telemetry.finish(summary);
  return 0;
}
