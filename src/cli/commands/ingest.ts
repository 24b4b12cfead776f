import type { Config } from '../config.js';
import { kafkaConnection, reachKafka } from '../kafka-connection.js';
import { confluenceFromConfig } from '../confluence-from-config.js';
import { confluenceSummaryLine } from '../confluence-summary-line.js';
import { onShutdownSignals } from './shutdown.js';
import {
  newIngestCounts,
  runIngest,
  type CheckpointStore,
  type EventSink,
  type IngestCounts,
} from '../../confluence/ingest-runner.js';
import { CheckpointTopic } from '../../kafka/checkpoint-topic.js';
import { JsonlWriter } from '../../kafka/jsonl-writer.js';
import { createKafka } from '../../kafka/kafka-client.js';
import { PageEventWriter } from '../../kafka/page-event-writer.js';
import type { PageEvent } from '../../model/page-event.js';
import { CountProgress } from '../../run/count-progress.js';
import { confluenceGateSources, confluenceHttpSources, ingestSources } from '../confluence-metric-sources.js';
import { logger } from '../../telemetry/log.js';
import { serveServiceMetrics } from '../serve-service-metrics.js';

const log = logger('ingest');

/** How far before its checkpoint each poll reaches: Confluence's search index lags its edits. */
const SEARCH_LAG_MS = 60_000;
/** Every how many polls the follower also lists the space's pages, for purged and restored ones. */
const RECONCILE_EVERY = 10;

/**
 * `tagspace ingest`: crawls the spaces into PageEvents on a topic (or --out), then exits 0 with a
 * summary; with --follow it goes on polling for edits and removals until SIGTERM, keeping its
 * checkpoint on a compacted topic. The credentials are proven before anything else starts, so a
 * wrong token ends it within seconds with one line naming the setting.
 */
export async function ingestCommand(config: Config): Promise<number> {
  const cf = config.confluence;
  const abort = new AbortController();
  const signals = onShutdownSignals({
    drain: () => abort.abort(),
    deadline: () => {},
    deadlineMs: config.shutdownTimeoutMs,
  });
  const client = confluenceFromConfig(config);
  const started = Date.now();
  const closers: (() => Promise<void>)[] = [];
  const progress = new CountProgress('pages');
  const live = newIngestCounts();
  let running = false;
  // Kafka's side of readiness, once there is a writer (a file sink is always writing).
  let writing = () => true;
  let counts: IngestCounts | undefined;
  const metrics = await serveServiceMetrics(
    config,
    [
      ...confluenceHttpSources(client.api.http.stats),
      ...confluenceGateSources(client),
      ...ingestSources(live),
    ],
    () => ({ ingesting: running, kafka_writing: writing() }),
  ).catch(async (err: unknown) => {
    signals.dispose();
    await client.close();
    throw err;
  });
  try {
    await client.api.verifyCredentials(abort.signal);
    let sink: EventSink;
    let checkpoints: CheckpointStore | undefined;
    if (config.out !== undefined) {
      const file = new JsonlWriter<PageEvent>(config.out);
      closers.push(() => file.close());
      sink = file;
    } else {
      await reachKafka(config, abort.signal);
      const kafka = createKafka({ ...kafkaConnection(config), clientId: 'tagspace-ingest' });
      const writer = new PageEventWriter(kafka, config.kafka.topic);
      writing = () => writer.writing;
      await writer.start();
      closers.push(() => writer.close());
      sink = writer;
      const topic = new CheckpointTopic(kafka, cf.checkpointTopic, {
        wikiRoot: client.root,
        eventsTopic: config.kafka.topic,
      });
      await topic.start();
      closers.push(() => topic.close());
      checkpoints = topic;
    }
    progress.start();
    // Credentials proven and the sink open: from here on it crawls and follows.
    running = true;
    counts = await runIngest(
      { api: client.api, sink, ...(checkpoints && { checkpoints }) },
      {
        spaces: cf.spaces,
        follow: cf.follow,
        pollIntervalMs: cf.pollIntervalMs,
        timeZone: cf.timeZone,
        lagMs: SEARCH_LAG_MS,
        reconcileEvery: RECONCILE_EVERY,
        signal: abort.signal,
        progress,
        onCrawled: () => progress.stop(),
        counts: live,
      },
    );
  } catch (err) {
    if (!abort.signal.aborted) throw err;
    counts = undefined;
  } finally {
    progress.stop();
    signals.dispose();
    for (const close of closers.reverse())
      await close().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'close failed'));
    await client.close();
    await metrics.close();
  }
  const stats = client.api.http.stats;
  if (counts === undefined) {
    process.stderr.write(
      'tagspace: ingest interrupted before its crawl finished (run it again to crawl the rest)\n',
    );
    return 1;
  }
  const target = config.out ?? `topic ${config.kafka.topic}`;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const lines = [
    `ingested ${cf.spaces.join(', ')} → ${target} in ${seconds} s: ${counts.snapshots} pages crawled` +
      (counts.resumed > 0 ? `, ${counts.resumed} space(s) resumed from their checkpoint` : ''),
  ];
  if (cf.follow) {
    lines.push(
      `followed for ${counts.polls} poll(s): ${counts.updated} updated, ${counts.created} created, ${counts.removed} removed` +
        (counts.failedPolls > 0 ? ` (${counts.failedPolls} space poll(s) failed and were tried again)` : ''),
    );
  }
  lines.push(confluenceSummaryLine(stats, client.learnt()));
  process.stdout.write(`${lines.join('\n')}\n`);
  log.info({ ...counts, ...stats, durationMs: Date.now() - started }, 'ingest finished');
  return 0;
}
