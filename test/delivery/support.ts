import type { Message } from 'kafkajs';
import type { PageEvent } from '../../src/model/page-event.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { parseTagRecord, type TagRecord } from '../../src/model/tag-record.js';
import { cleanEnv, logLines, spawnCli, type CliProcess } from '../support/cli.js';
import { createTopics, testBrokers, testKafka, uniqueTopic, withAdmin } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Helpers of the delivery tests: topics, the CLI's arguments, producing events and reading a
 * topic back whole. Keys look like real ones, so redaction (which goes by their shape) is tested.
 */
export const KEYS = {
  GEMINI_API_KEY: 'AIzaSyDeliveryTestKey0123456789abcdefgh',
  OPENAI_API_KEY: 'sk-deliverytest-0123456789abcdefghij',
};

export interface DeliveryTopics {
  events: string;
  tags: string;
  dlq: string;
}

/** Fresh topics as tagspace expects them: compacted tags, a dead-letter topic for 16 MiB records. */
export async function deliveryTopics(
  prefix: string,
  opts: {
    partitions?: number;
    /** Partitions of the tags and dead-letter topics, when not as many as the events topic has. */
    outputPartitions?: number;
    eventsConfig?: Record<string, string>;
    brokers?: string[];
  } = {},
): Promise<DeliveryTopics> {
  const t = {
    events: uniqueTopic(`${prefix}-events`),
    tags: uniqueTopic(`${prefix}-tags`),
    dlq: uniqueTopic(`${prefix}-dlq`),
  };
  const partitions = opts.partitions ?? 3;
  const output = opts.outputPartitions ?? partitions;
  await createTopics(
    [
      { topic: t.events, partitions, config: opts.eventsConfig ?? {} },
      { topic: t.tags, partitions: output, compact: true },
      { topic: t.dlq, partitions: output, config: { 'max.message.bytes': String(16 * 1024 * 1024) } },
    ],
    opts.brokers,
  );
  return t;
}

/**
 * Arguments every pipeline run of these tests shares. The runs of one test share a quota topic of
 * their own: every test calls its own simulator with the same test keys, and on one topic the
 * processes of tests running side by side would take each other for peers on one key (their
 * estimates, parts and refusals), where each simulator is a key of its own.
 */
export function pipelineArgs(t: DeliveryTopics, sim: Simulator, brokers: string[] = testBrokers()): string[] {
  return [
    ...['--brokers', brokers.join(','), '--topic', t.events, '--tags-topic', t.tags, '--dlq-topic', t.dlq],
    ...['--quota-topic', `${t.events}-quota`],
    ...['--gemini-base-url', sim.geminiBaseUrl, '--openai-base-url', sim.openaiBaseUrl],
    ...['--linger-ms', '20', '--metrics-port', '0', '--log-level', 'info'],
  ];
}

/** Starts `tagspace <args>` with the test keys (or only those given). */
export function startCli(args: string[], keys: Partial<typeof KEYS> = KEYS): CliProcess {
  return spawnCli(args, cleanEnv(keys));
}

export function pageMessage(event: PageEvent): Message {
  return { key: event.pageId, value: JSON.stringify(event) };
}

export interface RawRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning to its end offsets as of the call. read_committed (the
 * default) sees only committed transactions, and its end offsets are the last stable offsets:
 * nothing after the first record of a transaction still open is read (readSettled waits for it).
 */
export async function readAll(
  topic: string,
  opts: { isolation?: 'read_committed' | 'read_uncommitted'; brokers?: string[]; deadlineMs?: number } = {},
): Promise<RawRecord[]> {
  const kafka = testKafka('tagspace-delivery-test', opts.brokers);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, number>();
  try {
    for (const o of await admin.fetchTopicOffsets(topic)) {
      if (Number(o.high) > Number(o.low)) ends.set(o.partition, Number(o.high));
    }
  } finally {
    await admin.disconnect();
  }
  const records: RawRecord[] = [];
  if (ends.size === 0) return records;
  const consumer = kafka.consumer({
    groupId: uniqueTopic('delivery-read'),
    readUncommitted: opts.isolation === 'read_uncommitted',
    maxWaitTimeInMs: 200,
  });
  const remaining = new Set(ends.keys());
  const reach = (partition: number, lastOffset: string) => {
    if (Number(lastOffset) + 1 >= (ends.get(partition) ?? 0)) remaining.delete(partition);
  };
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      reach(payload.partition, payload.lastOffset),
    );
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition) ?? 0;
        for (const m of batch.messages) {
          if (Number(m.offset) >= end) break;
          records.push({
            partition: batch.partition,
            offset: Number(m.offset),
            key: m.key?.toString() ?? null,
            value: m.value,
            headers: Object.fromEntries(
              Object.entries(m.headers ?? {}).map(([k, v]) => [
                k,
                Buffer.isBuffer(v) ? v.toString() : String(v),
              ]),
            ),
          });
        }
      },
    });
    await waitFor(() => remaining.size === 0, {
      timeoutMs: opts.deadlineMs ?? 60_000,
      message: `reading ${topic} to its end offsets`,
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** The last record of each key, in topic order: what a compacted topic keeps. */
export function latestByKey(records: RawRecord[]): Map<string, RawRecord> {
  const latest = new Map<string, RawRecord>();
  for (const r of records) if (r.key !== null) latest.set(r.key, r);
  return latest;
}

export function tagRecordOf(record: RawRecord | undefined): TagRecord | undefined {
  return record === undefined ? undefined : parseTagRecord(record.value);
}

/** The newest version of each page among the events, and whether that version removes it. */
export function expectedLatest(events: readonly PageEvent[]): Map<string, PageEvent> {
  const latest = new Map<string, PageEvent>();
  for (const e of events) {
    const seen = latest.get(e.pageId);
    if (seen === undefined || e.version > seen.version) latest.set(e.pageId, e);
  }
  return latest;
}

/** Pages whose newest event is not what the tags topic ends with. */
export function missingLatest(events: readonly PageEvent[], tags: RawRecord[]): string[] {
  const onTopic = latestByKey(tags);
  const wrong: string[] = [];
  for (const [pageId, event] of expectedLatest(events)) {
    const last = onTopic.get(pageId);
    if (event.type === 'page_removed') {
      if (last === undefined || last.value !== null) wrong.push(pageId);
    } else if (tagRecordOf(last)?.version !== event.version) wrong.push(pageId);
  }
  return wrong;
}

/**
 * The tags topic as a read_committed reader sees it once no transaction is open on it: read again
 * until every page's latest version is there or `deadlineMs` passes (then the last read, for the
 * test to report what is missing). A member killed with a transaction open holds read_committed
 * readers of the partitions that transaction wrote at its first record until the broker aborts it,
 * at the transaction timeout (30 s) plus the broker's check (every 10 s); what the survivors
 * committed after it becomes visible then.
 */
export async function readSettled(
  topic: string,
  events: readonly PageEvent[],
  { deadlineMs = 90_000 }: { deadlineMs?: number } = {},
): Promise<{ tags: RawRecord[]; waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const tags = await readAll(topic, { isolation: 'read_committed' });
    const waitedMs = Date.now() - started;
    if (missingLatest(events, tags).length === 0 || waitedMs >= deadlineMs) return { tags, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** (pageId, version) pairs written more than once. */
export function duplicateVersions(tags: RawRecord[]): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const r of tags) {
    const record = tagRecordOf(r);
    if (record === undefined) continue;
    const id = `${record.pageId}@${record.version}`;
    if (seen.has(id)) dups.push(id);
    seen.add(id);
  }
  return dups;
}

/** Sum over partitions of the high watermark: how much has been written, committed or not. */
export async function writtenSoFar(topic: string, brokers?: string[]): Promise<number> {
  return withAdmin(
    async (admin) => (await admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0),
    brokers,
  );
}

/** Resolves once the group has committed every partition of the topic up to its end. */
export async function waitForCommittedToEnd(
  group: string,
  topic: string,
  opts: { timeoutMs?: number; brokers?: string[] } = {},
): Promise<void> {
  await withAdmin(async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    await waitFor(
      async () => {
        const committed =
          (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]?.partitions ?? [];
        return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.high);
      },
      {
        timeoutMs: opts.timeoutMs ?? 60_000,
        intervalMs: 200,
        message: `${group} to commit ${topic} to its end`,
      },
    );
  }, opts.brokers);
}

/** The committed offset of each partition (-1 where nothing is committed). */
export async function committedOf(
  group: string,
  topic: string,
  brokers?: string[],
): Promise<Map<number, number>> {
  return withAdmin(async (admin) => {
    const partitions = (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]?.partitions ?? [];
    return new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
  }, brokers);
}

/** The structured log lines of a run with a given message. */
export function logsWith(stderr: string, msg: string): Record<string, unknown>[] {
  return logLines(stderr).filter((l) => l.msg === msg);
}
