import { randomUUID } from 'node:crypto';
import { deleteGroup } from '../../kafka/delete-group.js';
import { within } from './within.js';
import { GROUP_DELETE_MS } from './close-kafka-job.js';
import { kafkaConnection, reachKafka } from '../kafka-connection.js';
import { lastValueFrom, map } from 'rxjs';
import type { Config } from '../config.js';
import { confluenceFromConfig } from '../confluence-from-config.js';
import { confluenceSummaryLine } from '../confluence-summary-line.js';
import { onShutdownSignals } from './shutdown.js';
import type { LabelOwnership, LabelTarget } from '../../confluence/label-ownership.js';
import type { LabelPlan } from '../../confluence/label-plan.js';
import { newLabelStats, syncLabels } from '../../confluence/label-sync.js';
import { ensureTopics, topicOffsets } from '../../kafka/ensure-topics.js';
import { createKafka } from '../../kafka/kafka-client.js';
import { KafkaSource } from '../../kafka/kafka-source.js';
import { partitionOfKey } from '../../kafka/key-partition.js';
import { LabelStateTopic } from '../../kafka/label-state-topic.js';
import { labelTargetOf } from '../../kafka/label-target-of.js';
import { confluenceGateSources, confluenceHttpSources, labelSources } from '../confluence-metric-sources.js';
import { CountProgress } from '../../run/count-progress.js';
import { OffsetProgress } from '../../run/offset-progress.js';
import { logger } from '../../telemetry/log.js';
import { missingTopicError } from '../missing-topic.js';
import { serveServiceMetrics } from '../serve-service-metrics.js';

const log = logger('labels');

/**
 * `tagspace labels`: makes each page's Confluence labels follow its latest TagRecord
 * (label-sync.ts), as a member of --group, or with --until-end from the tags topic's beginning up
 * to its end at start. What tagspace owns is restored from the labels state topic for the
 * partitions this member is given; offsets are committed only past messages whose labels (and
 * ownership) are written. --dry-run prints the changes and writes nothing, offsets included.
 */
export async function labelsCommand(config: Config): Promise<number> {
  const { labels: lc } = config.confluence;
  const { tagsTopic } = config.kafka;
  const abort = new AbortController();
  const job: { source?: KafkaSource } = {};
  const signals = onShutdownSignals({
    drain: () => job.source?.stop(),
    deadline: () => abort.abort(),
    deadlineMs: config.shutdownTimeoutMs,
  });
  const client = confluenceFromConfig(config);
  const started = Date.now();
  const stats = newLabelStats();
  let commitTimer: NodeJS.Timeout | undefined;
  let state: LabelStateTopic | undefined;
  let fatal: Error | undefined;
  const metrics = await serveServiceMetrics(
    config,
    [
      ...confluenceHttpSources(client.api.http.stats),
      ...confluenceGateSources(client),
      ...labelSources(stats, () => job.source?.committedLag),
    ],
    () => ({ consumer_joined: job.source?.ready ?? false }),
  ).catch(async (err: unknown) => {
    signals.dispose();
    await client.close();
    throw err;
  });
  try {
    await client.api.verifyCredentials(abort.signal);
    await reachKafka(config, abort.signal);
    const kafka = createKafka({ ...kafkaConnection(config), clientId: 'tagspace-labels' });
    // --until-end reads what is there: a missing tags topic is a misspelt name, not one to create.
    const { absent, existing } = await ensureTopics(kafka, [
      { topic: tagsTopic, compacted: true, mustExist: lc.untilEnd },
    ]);
    if (absent[0] !== undefined) {
      throw missingTopicError(absent[0], existing, {
        verb: 'write back',
        flag: '--tags-topic',
        env: 'TAGSPACE_TAGS_TOPIC',
      });
    }
    state = new LabelStateTopic(kafka, lc.stateTopic, lc.dlqTopic);
    await state.start();
    const offsets = await topicOffsets(kafka, tagsTopic);
    const stopAt = lc.untilEnd
      ? new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, o.high]))
      : undefined;
    // A long --until-end shows how far it is through the topic (a TTY line, else a log line).
    const progress = lc.untilEnd ? new CountProgress('tag records') : undefined;
    const read = progress === undefined ? undefined : new OffsetProgress(progress, offsets);
    const ownership = new Map<string, LabelOwnership>();
    const store = state;
    const source = new KafkaSource({
      kafka,
      topic: tagsTopic,
      groupId: lc.untilEnd ? `tagspace-labels-${randomUUID()}` : lc.group,
      fromBeginning: true,
      maxInFlight: config.kafka.maxInFlight,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      ...(stopAt !== undefined && { stopAt, exclusive: true }),
      onAssigned: async (partitions, signal) => {
        const wanted = new Set(partitions);
        await store.restore(
          ownership,
          (pageId) => wanted.has(partitionOfKey(pageId, offsets.length)),
          signal,
        );
      },
      onFatal: (err) => {
        fatal = err;
        abort.abort();
      },
      onRebalancing: () => void commit(),
    });
    job.source = source;
    if (signals.requested) source.stop();
    const commit = () =>
      lc.dryRun
        ? Promise.resolve()
        : source.commit().then(
            () => undefined,
            (err: unknown) => log.warn({ err: (err as Error).message }, 'commit failed; will retry'),
          );
    if (!lc.dryRun) commitTimer = setInterval(() => void commit(), config.kafka.commitIntervalMs);

    const messages$ = source.deliveries$.pipe(
      map((delivery) => ({ delivery, target: labelTargetOf(delivery) })),
    );
    const synced$ = syncLabels(
      messages$,
      {
        api: client.api,
        ownership,
        record: (pageId, o) => (lc.dryRun ? Promise.resolve() : store.record(pageId, o)),
        deadLetter: async (delivery, error) => {
          if (lc.dryRun)
            process.stdout.write(
              `page ${delivery.key?.toString() ?? '?'}: would be dead-lettered: ${error.message}\n`,
            );
          else await store.deadLetter(delivery, error);
        },
        finished: (delivery) => {
          read?.finished(delivery.partition, delivery.offset);
          source.finished(delivery);
        },
      },
      {
        dryRun: lc.dryRun,
        concurrency: config.confluence.maxConcurrency * 2,
        signal: abort.signal,
        ...(lc.dryRun && { onPlan: printPlan }),
      },
      stats,
    );
    progress?.start();
    try {
      await lastValueFrom(synced$, { defaultValue: undefined });
      if (!abort.signal.aborted && !signals.requested) read?.complete();
    } finally {
      progress?.stop();
      if (commitTimer !== undefined) clearInterval(commitTimer);
      await commit();
      await source.close();
      // Each --until-end reads as a group of its own, whose offsets no later run uses.
      if (lc.untilEnd)
        await within(deleteGroup(kafka, source.groupId), GROUP_DELETE_MS, 'deleting the group');
    }
  } finally {
    signals.dispose();
    await state?.close().catch(() => undefined);
    await client.close();
    await metrics.close();
  }
  if (fatal !== undefined) throw fatal;
  const http = client.api.http.stats;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    [
      `labels${lc.dryRun ? ' (dry run: nothing written)' : ''} from ${tagsTopic} in ${seconds} s: ${stats.messages} records, ` +
        `${stats.pagesWritten} pages written (+${stats.labelsAdded} −${stats.labelsRemoved} labels), ` +
        `${stats.settled} already settled, ${stats.synced - stats.pagesWritten} already right, ${stats.trashed} trashed, ` +
        `${stats.superseded} superseded, ${stats.deadLettered} dead-lettered; ${stats.personalKept} labels left to the people who added them`,
      confluenceSummaryLine(http, client.learnt()),
    ].join('\n') + '\n',
  );
  log.info({ ...stats, ...http, durationMs: Date.now() - started }, 'labels finished');
  return 0;
}

function printPlan(target: LabelTarget, plan: LabelPlan): void {
  const what = target.tags === undefined ? 'removed' : `v${target.version ?? '?'}`;
  const parts = [];
  if (plan.add.length > 0) parts.push(`+ ${plan.add.join(', ')}`);
  if (plan.remove.length > 0) parts.push(`− ${plan.remove.join(', ')}`);
  if (plan.personal.length > 0) parts.push(`(left to a person: ${plan.personal.join(', ')})`);
  process.stdout.write(`page ${target.pageId} ${what}: ${parts.join('  ')}\n`);
}
