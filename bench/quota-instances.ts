import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { ConcurrencyPolicyName } from '../src/router/concurrency-policies.js';
import type { PageEvent } from '../src/model/page-event.js';
import { startSimulator } from '../src/sim/simulator.js';
import { idealTimeMs } from './ideal-time.js';
import { BATCH_SIZE, MAX_CONCURRENCY } from './quota-single.js';

/**
 * bench/quota's multi-instance section: real `tagspace run` processes (bench/scaled-run.ts: the
 * CLI's path with the router's clock shrunk like the in-process rows) in one consumer group on the
 * broker, against one simulator whose quota belongs to the API key. The simulator's /stats referees
 * calls, 429s and each client's share; a consumer of the tags topic sees every page tagged.
 *
 *   wall        = the last page's first TagRecord seen on the tags topic − the simulator's first request
 *   ideal       = idealTimeMs(⌈pages / keys / 5⌉ calls of the run's mean tokens, one key's quota,
 *                 latency, 10 × instances / keys): each key's even share of the pages in the fewest
 *                 full batches (one key: the shared-quota ideal, every page through one quota)
 *   efficiency  = ideal / wall
 *   duplicates  = TagRecords beyond one per page;  answered twice = pages the LLM answered more than once
 */
export interface Arrangement {
  name: string;
  instances: number;
  keys: number;
}

export const ARRANGEMENTS: Arrangement[] = [
  { name: '1 instance, 1 key', instances: 1, keys: 1 },
  { name: '3 instances, 1 key', instances: 3, keys: 1 },
  { name: '3 instances, 3 keys', instances: 3, keys: 3 },
];

/** Gemini, requests binding on a sliding window: the quota every arrangement shares per key. */
export const INSTANCE_QUOTA = { rpm: 60, tpm: 1_000_000, latencyMs: 1000, partitions: 6 };

export interface InstanceRow {
  arrangement: string;
  policy: string;
  wallS: number;
  idealS: number;
  efficiency: number;
  calls: number;
  rateLimited: number;
  rate429: number;
  /** Each client's share of the answered calls, largest first. */
  shares: number[];
  tagged: number;
  pages: number;
  duplicates: number;
  answeredTwice: number;
  exitCodes: (number | null)[];
}

export interface InstanceRunOptions {
  brokers: string[];
  events: readonly PageEvent[];
  scale: number;
  /**
   * Appends the run's timeline here (JSON lines): every 20 ms that a client's counts moved, each
   * client's cumulative [requests, 429s] by the simulator, ms since the first request — and keeps
   * each instance's log (at info) beside it, `<path>.<run>.<instance>.log`.
   */
  tracePath?: string;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

export async function runInstances(
  arr: Arrangement,
  policy: ConcurrencyPolicyName,
  opts: InstanceRunOptions,
): Promise<InstanceRow> {
  const { scale, events, brokers } = opts;
  const pages = new Set(events.map((e) => e.pageId)).size;
  const windowMs = 60_000 * scale;
  const latencyMs = INSTANCE_QUOTA.latencyMs * scale;
  const sim = await startSimulator({
    scenario: {
      seed: 1,
      trackPages: true,
      gemini: {
        rpm: INSTANCE_QUOTA.rpm,
        tpm: INSTANCE_QUOTA.tpm,
        windowMs,
        latencyMs: { median: latencyMs, jitter: 0.2 },
      },
    },
  });
  const t0 = performance.now();
  const phase = (name: string) =>
    process.stderr.write(
      `  ${arr.name} / ${policy}: ${name} at ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  const kafka = new Kafka({ clientId: 'quota-bench', brokers, logLevel: logLevel.NOTHING });
  const run = `quota-${Date.now().toString(36)}`;
  const topics = { events: run, tags: `${run}-tags`, dlq: `${run}-dlq` };
  await createTopics(kafka, topics, INSTANCE_QUOTA.partitions);
  await produce(kafka, topics.events, events);
  const tags = await watchTags(kafka, topics.tags, pages);
  phase('topics ready');

  const keys = Array.from({ length: arr.keys }, (_, k) => `bench-key-${k + 1}`);
  const spawnedAt = performance.now();
  const childLog = opts.tracePath === undefined ? 'warn' : 'info';
  const children = Array.from({ length: arr.instances }, (_, i) =>
    startInstance(i, keys[i % keys.length] as string, policy, scale, brokers, sim.url, topics, run, childLog),
  );
  const firstAt = await firstRequest(() => sim.stats().gemini.requests > 0, spawnedAt);
  phase('first request');
  const timeline =
    opts.tracePath === undefined ? undefined : traceTimeline(opts.tracePath, run, arr, sim, firstAt);
  const deadlineMs = 30_000 + 20 * (pages / BATCH_SIZE / INSTANCE_QUOTA.rpm) * windowMs;
  let deadline: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    deadline = setTimeout(() => resolve(undefined), deadlineMs);
  });
  const doneAt = await Promise.race([tags.complete, timedOut]);
  clearTimeout(deadline);
  phase('all pages tagged');
  if (timeline !== undefined) clearInterval(timeline);
  const exitCodes = await Promise.all(children.map((c) => stop(c)));
  if (opts.tracePath !== undefined)
    children.forEach((c, i) => writeFileSync(`${opts.tracePath}.${run}.${i + 1}.log`, c.stderrAll()));
  phase('instances stopped');
  await tags.drain(await endOffsets(kafka, topics.tags));
  await tags.consumer.disconnect();
  phase('tags read');
  const referee = sim.stats({ pages: true });
  await sim.close();
  if (doneAt === undefined) {
    process.stderr.write(`${arr.name} / ${policy}: not every page tagged in time\n`);
    for (const c of children) process.stderr.write(`--- instance ---\n${c.stderrTail()}\n`);
  }

  const g = referee.gemini;
  const tokensPerCall = g.ok === 0 ? 0 : (g.inputTokens + g.outputTokens) / g.ok;
  // The best the arrangement allows: its pages split evenly over the keys (the group's partitions
  // are), each key's share the fewest full batches, sent the moment the key's quota has room.
  const calls = Array.from({ length: Math.ceil(pages / arr.keys / BATCH_SIZE) }, () => ({
    inputTokens: tokensPerCall / 2,
    outputTokens: tokensPerCall / 2,
  }));
  const quota = { rpm: INSTANCE_QUOTA.rpm, tpm: INSTANCE_QUOTA.tpm, windowMs };
  const idealMs = idealTimeMs(calls, quota, latencyMs, (MAX_CONCURRENCY * arr.instances) / arr.keys);
  const wallMs = (doneAt ?? performance.now()) - firstAt;
  return {
    arrangement: arr.name,
    policy,
    wallS: wallMs / 1000,
    idealS: idealMs / 1000,
    efficiency: idealMs / wallMs,
    calls: g.requests,
    rateLimited: g.rateLimited,
    rate429: g.requests === 0 ? 0 : g.rateLimited / g.requests,
    shares: Object.values(referee.clients)
      .map((c) => (g.ok === 0 ? 0 : c.gemini.ok / g.ok))
      .sort((a, b) => b - a),
    tagged: tags.counts.size,
    pages,
    duplicates: [...tags.counts.values()].reduce((n, c) => n + c - 1, 0),
    answeredTwice: Object.values(referee.pages ?? {}).filter((n) => n > 1).length,
    exitCodes,
  };
}

interface Instance {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderrTail: () => string;
  stderrAll: () => string;
}

function startInstance(
  i: number,
  key: string,
  policy: ConcurrencyPolicyName,
  scale: number,
  brokers: string[],
  simUrl: string,
  topics: { events: string; tags: string; dlq: string },
  group: string,
  logLevel: string,
): Instance {
  const flags = [
    ...['--brokers', brokers.join(','), '--topic', topics.events, '--group', group],
    ...['--tags-topic', topics.tags, '--dlq-topic', topics.dlq, '--instance-id', `instance-${i + 1}`],
    // A coordination topic of the run's own: a run (or a repeat) must not start from an estimate
    // an earlier run left on the shared default topic.
    ...['--quota-topic', `${group}-quota`],
    ...['--gemini-base-url', simUrl, '--concurrency-policy', policy, '--metrics-port', '0'],
    ...['--linger-ms', String(Math.round(200 * scale)), '--log-level', logLevel],
    // Five pages a call, as the in-process rows and the ideal assume: adaptive batching would grow
    // the batches until requests no longer bind, and the rows would not be quota-bound.
    ...['--batch-policy', 'fixed', '--batch-size', String(BATCH_SIZE)],
  ];
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, `${ROOT}bench/scaled-run.ts`, String(scale), 'run', ...flags],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', GEMINI_API_KEY: key },
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const chunks: string[] = [];
  child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderrTail: () => chunks.join('').slice(-4000), stderrAll: () => chunks.join('') };
}

/** SIGTERM (a graceful drain), then SIGKILL if it outlives 30 s. */
async function stop(instance: Instance): Promise<number | null> {
  instance.child.kill('SIGTERM');
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), 30_000);
  try {
    return await instance.exited;
  } finally {
    clearTimeout(timer);
  }
}

async function createTopics(
  kafka: Kafka,
  topics: { events: string; tags: string; dlq: string },
  partitions: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topics.events, numPartitions: partitions },
        {
          topic: topics.tags,
          numPartitions: partitions,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
        { topic: topics.dlq, numPartitions: partitions },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

async function produce(kafka: Kafka, topic: string, events: readonly PageEvent[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const messages = events.map((e) => ({ key: e.pageId, value: JSON.stringify(e) }));
    for (let i = 0; i < messages.length; i += 250) {
      await producer.send({ topic, messages: messages.slice(i, i + 250), acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

/** Reads the tags topic from the start: TagRecords per page, and when the last page got its first. */
async function watchTags(kafka: Kafka, topic: string, pages: number) {
  const counts = new Map<string, number>();
  const read = new Map<number, bigint>();
  let complete: (at: number) => void = () => {};
  const completed = new Promise<number>((resolve) => (complete = resolve));
  const consumer: Consumer = kafka.consumer({ groupId: `${topic}-watch`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      read.set(partition, BigInt(message.offset) + 1n);
      if (message.value === null || message.key === null) return;
      const pageId = message.key.toString();
      counts.set(pageId, (counts.get(pageId) ?? 0) + 1);
      if (counts.size === pages) complete(performance.now());
    },
  });
  const drain = async (ends: Map<number, string>): Promise<void> => {
    const deadline = Date.now() + 30_000;
    const behind = () => [...ends].some(([p, high]) => (read.get(p) ?? 0n) < BigInt(high));
    while (behind() && Date.now() < deadline) await sleep(50);
  };
  return { counts, complete: completed, consumer, drain };
}

/** Every 20 ms, each client's cumulative [requests, 429s] when any moved (InstanceRunOptions.tracePath). */
function traceTimeline(
  path: string,
  run: string,
  arr: Arrangement,
  sim: { stats: () => { clients: Record<string, { gemini: { requests: number; rateLimited: number } }> } },
  firstAt: number,
): NodeJS.Timeout {
  let last = '';
  return setInterval(() => {
    const clients = Object.fromEntries(
      Object.entries(sim.stats().clients).map(([id, c]) => [id, [c.gemini.requests, c.gemini.rateLimited]]),
    );
    const key = JSON.stringify(clients);
    if (key === last) return;
    last = key;
    const t = Math.round(performance.now() - firstAt);
    appendFileSync(path, `${JSON.stringify({ run, arrangement: arr.name, t, clients })}\n`);
  }, 20);
}

async function firstRequest(seen: () => boolean, since: number): Promise<number> {
  while (!seen()) {
    if (performance.now() - since > 120_000) throw new Error('no instance called the provider in 120 s');
    await sleep(5);
  }
  return performance.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
