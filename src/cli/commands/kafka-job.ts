import { randomUUID } from 'node:crypto';
import type { OperatorFunction } from 'rxjs';
import type { Config } from '../config.js';
import { logger } from '../../telemetry/log.js';
import { Progress } from '../../run/progress.js';
import { routerFromConfig } from '../router-from-config.js';
import type { RouterOptions } from '../../router/router-options.js';
import { runTagging } from '../../pipeline/run-tagging.js';
import { RunStats } from '../../run/run-stats.js';
import { PartitionSender } from '../../kafka/partition-sender.js';
import { reachKafka } from '../kafka-connection.js';
import { readCommittedFilterIsSound } from '../../kafka/read-committed-filter.js';
import { abortedError, TagspaceError } from '../../model/errors.js';
import { kafkaSink } from '../../kafka/kafka-sink.js';
import { KafkaSource } from '../../kafka/kafka-source.js';
import { keepOwned } from '../../kafka/keep-owned.js';
import { tagStateRestorer } from '../../kafka/restore-tag-state.js';
import { transactionalKafkaSink } from '../../kafka/transactional-sink.js';
import { buildSummary, reportSummary } from '../../run/summary.js';
import { allWritten } from '../../run/write-output.js';
import { TagCache } from '../../pipeline/tag-cache.js';
import { configuredProviders, startTelemetry } from '../start-telemetry.js';
import type { Outcome } from '../../model/work.js';
import { onShutdownSignals } from './shutdown.js';
import { ReadAhead } from '../../pipeline/read-ahead.js';
import { quotaSharingFor } from '../start-quota-sharing.js';
import { closeKafkaJob } from './close-kafka-job.js';
import { giveUpWatch } from '../../run/give-up-watch.js';
import { connectKafkaJob, type KafkaJobClients } from './connect-kafka-job.js';

const log = logger('job');

/** How long start-up waits for a provider to prove its key before leaving it to its first call. */
const PROVIDER_CHECK_TIMEOUT_MS = 5_000;

/** What a shutdown signal acts on; filled in as the job starts. */
interface Stoppable {
  source?: KafkaSource;
  cancel?: () => void;
  readonly abort: AbortController;
  /** Aborted by the first signal: ends any wait of start-up at once. */
  readonly startup: AbortController;
  /** Time left before a signalled stop exits; undefined without a signal. */
  remainingMs: () => number | undefined;
}

/**
 * `run` and `replay` on Kafka. Both consume, tag, write and commit the same way; `replay` reads
 * from the beginning up to the end offsets captured at start, with a throwaway group, and ends;
 * `run` consumes as a member of the configured group until it is told to stop.
 *
 * Delivery: every event ends as exactly one written outcome before its offset is committed.
 * At-least-once (default): outcomes are produced, then their offsets committed periodically, on
 * a rebalance and at the end. Exactly-once (--exactly-once): outcomes and offsets share one
 * transaction per flush. A signal stops fetching, drains, writes, commits and exits 0.
 *
 * `router` overrides the router's options built from the config (bench/scaled-run.ts shrinks its
 * time constants with a time-scaled simulator; the CLI passes none).
 */
export async function kafkaJob(
  config: Config,
  mode: 'run' | 'replay',
  router: Partial<RouterOptions> = {},
): Promise<number> {
  const job: Stoppable = {
    abort: new AbortController(),
    startup: new AbortController(),
    remainingMs: () => undefined,
  };
  // First of all: a signal during start-up stops the run as cleanly as one during it.
  const signals = onShutdownSignals({
    drain: () => {
      job.startup.abort();
      job.source?.stop();
    },
    deadline: () => {
      job.abort.abort();
      job.cancel?.();
    },
    deadlineMs: config.shutdownTimeoutMs,
  });
  job.remainingMs = () => signals.remainingMs();
  try {
    return await runJob(config, mode, job, () => signals.requested, router);
  } catch (err) {
    // Stopped while starting: nothing was consumed, so nothing is lost; a clean stop.
    if (signals.requested && isStartupAbort(err, job)) {
      log.info('stopped during start-up');
      return 0;
    }
    throw err;
  } finally {
    signals.dispose();
  }
}

async function runJob(
  config: Config,
  mode: 'run' | 'replay',
  job: Stoppable,
  stopRequested: () => boolean,
  routerOptions: Partial<RouterOptions>,
): Promise<number> {
  const { kafka: k } = config;
  if (k.exactlyOnce && !readCommittedFilterIsSound())
    throw new TagspaceError(
      'config',
      "--exactly-once needs kafkajs's read_committed filter fixed: run npm install (scripts/patch-kafkajs.mjs)",
      { setting: 'TAGSPACE_EXACTLY_ONCE or --exactly-once' },
    );
  const groupId = mode === 'replay' ? `tagspace-replay-${randomUUID()}` : k.group;
  const sharing = quotaSharingFor(config);
  const router = routerFromConfig(config, {
    ...(sharing.shares !== undefined && { shares: sharing.shares }),
    ...routerOptions,
  });
  const cache = new TagCache({ enabled: config.cache.enabled, maxSize: config.cache.size });
  const stats = new RunStats();
  // Telemetry first, so a bad --metrics-port stops start-up before any wait on Kafka.
  const telemetry = await startTelemetry(config.telemetry, {
    command: mode,
    router,
    cache,
    providers: configuredProviders(config),
    kafka: { tagsTopic: k.tagsTopic, group: groupId },
    consumer: {
      ready: () => job.source?.ready ?? false,
      lag: () => job.source?.committedLag,
      fetchLag: () => job.source?.lag,
    },
  });
  const startup = job.startup.signal;
  const starting = <T>(step: Promise<T>): Promise<T> => untilAborted(step, startup);
  const cleanupStart = async () => {
    router.close();
    await telemetry.shutdown();
  };
  let clients: KafkaJobClients;
  try {
    await reachKafka(config, startup);
    // Each provider's key and model are proven before anything is read: a wrong one is said in
    // seconds, where a quiet topic would leave it unsaid until its first page. After Kafka is
    // reached, so that an unreachable cluster is said alone.
    const none = await starting(
      router.checkProviders({ timeoutMs: PROVIDER_CHECK_TIMEOUT_MS, signal: startup }),
    );
    if (none !== undefined) throw new TagspaceError('config', none.message, { setting: none.setting });
    clients = await connectKafkaJob(config, mode, sharing, starting);
  } catch (err) {
    await cleanupStart();
    throw err;
  }
  const { kafka, producer, transactional, partitions, stopAt, total, sharingStarted } = clients;
  // Read about what the providers serve in a window, not a backlog this member may lose unserved.
  // Pages per call: what adaptive batches may grow to (not the rollback switch's 1), so a backlog
  // can fill them.
  const grows = config.batch.policy === 'adaptive' && config.batch.size > 1;
  const pagesPerCall = grows ? (config.batch.maxSize ?? config.batch.size) : config.batch.size;
  const readAhead = new ReadAhead({
    maxInFlight: k.maxInFlight,
    batchSize: Math.max(config.batch.size, pagesPerCall),
    maxConcurrency: config.concurrency.max,
  });
  const sender = new PartitionSender(partitions, { oneAtATime: k.exactlyOnce });
  let fatal: Error | undefined;
  const source = new KafkaSource({
    kafka,
    topic: k.topic,
    groupId,
    fromBeginning: true,
    maxInFlight: k.maxInFlight,
    readAhead: () => readAhead.bound(Date.now(), () => router.quotas()),
    sessionTimeoutMs: k.sessionTimeoutMs,
    ...(stopAt !== undefined && { stopAt }),
    exclusive: mode === 'replay',
    onFatal: (err) => {
      fatal = err;
      job.cancel?.();
    },
    // What is written is committed before partitions move (transactions committed it already).
    onRebalancing: () => {
      if (!k.exactlyOnce) commit('rebalance');
    },
    // The tags topic is the persistent tag state: restore the pages of partitions as they arrive.
    ...(config.restore && { onAssigned: tagStateRestorer(kafka, k.topic, k.tagsTopic, cache) }),
  });
  job.source = source;
  if (stopRequested()) source.stop();
  const commit = (reason: string) => {
    source
      .commit()
      .catch((err: unknown) =>
        log.warn({ reason, err: (err as Error).message }, 'commit failed; will retry'),
      );
  };

  const { headersFor } = telemetry;

  // What the pipeline remembered of an outcome that is dropped is not on the topic (tag-cache.ts).
  const forget = (outcome: Outcome) => cache.forget(outcome);
  const { tagsTopic, dlqTopic } = k;
  await sharingStarted;
  const sink: OperatorFunction<Outcome, Outcome> = transactional
    ? transactionalKafkaSink({
        producer: transactional,
        sender,
        source,
        tagsTopic,
        dlqTopic,
        headersFor,
        onDropped: forget,
      })
    : (outcomes$) =>
        outcomes$.pipe(
          keepOwned(source, forget),
          kafkaSink({ producer, sender, tagsTopic, dlqTopic, headersFor }),
        );
  const run = runTagging({
    deliveries$: source.deliveries$,
    sink,
    written: (outcome) => {
      stats.written(outcome);
      readAhead.finished(Date.now());
      telemetry.written(outcome);
      // In exactly-once mode the sink marked it once the transaction that holds it committed.
      if (!k.exactlyOnce) source.finished(outcome.delivery);
    },
    deps: {
      router,
      cache,
      stats,
      batch: config.batch,
      signal: job.abort.signal,
      observer: telemetry.observer,
      // Pages of partitions this member loses stop costing calls at once.
      ownership: source,
    },
  });
  job.cancel = run.cancel;

  // Exactly-once commits offsets only inside transactions: a plain commit could pass an outcome
  // whose transaction then aborts.
  const commitTimer = k.exactlyOnce ? undefined : setInterval(() => commit('interval'), k.commitIntervalMs);
  const progress = new Progress(stats, total, { llmCalls: () => router.metrics().total_ai_calls });
  progress.start();
  // A bounded run whose providers all stay down ends, saying why; what it wrote is kept.
  let gaveUp: TagspaceError | undefined;
  const watch =
    mode === 'replay' && config.giveUpAfterMs > 0
      ? giveUpWatch({
          transitions: () => router.metrics().breaker_transitions,
          providers: configuredProviders(config),
          afterMs: config.giveUpAfterMs,
          onGiveUp: (reason) => {
            log.error({ afterMs: config.giveUpAfterMs, reason }, 'giving up: no provider is serving');
            gaveUp = new TagspaceError('unavailable', `gave up: ${reason}`);
            source.stop();
            job.abort.abort();
            run.cancel();
          },
        })
      : undefined;

  try {
    await run.done;
  } finally {
    watch?.unsubscribe();
    if (commitTimer !== undefined) clearInterval(commitTimer);
    progress.stop();
    const parts = {
      clients,
      source,
      exactlyOnce: k.exactlyOnce,
      sharing,
      router,
      telemetry,
      ...(mode === 'replay' && { ownGroup: groupId }),
    };
    await closeKafkaJob(parts, () => job.remainingMs());
  }
  // The consumer failed for good: what was written is committed, the rest is re-read next time.
  if (fatal !== undefined) throw fatal;
  const summary = buildSummary(stats, router.metrics(), cache.stats());
  const outputs = allWritten([reportSummary(summary, config.summaryJson), telemetry.finish(summary)]);
  if (gaveUp === undefined) await outputs;
  else {
    // Giving up is the run's failure; a file refused as well is still said, in its own line.
    await outputs.catch((err: TagspaceError) => log.error({ err: err.message }, 'output not written'));
    throw gaveUp;
  }
  return 0;
}

/** The step, or `unavailable` (aborted) as soon as the signal aborts; the step itself goes on. */
function untilAborted<T>(step: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortedError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    step.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** True for the error of a start-up wait cut short by a signal. */
function isStartupAbort(err: unknown, job: Stoppable): boolean {
  return job.startup.signal.aborted && (err as { cause?: unknown }).cause === job.startup.signal.reason;
}
