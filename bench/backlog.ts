/**
 * bench/backlog — tagspace against a large backlog: throughput and memory.
 *
 * Produces N compact page events (distinct short pages, so every one needs the LLM) to a fresh
 * topic, then, in the same run and over the same backlog:
 *
 *   ceiling    a bare kafkajs consume → produce pipe (bench/backlog-pipe.ts), in a child process
 *   tagspace   `tagspace replay` in a child process, against the in-process simulator answering
 *              at once (latency 0, a quota it never reaches), with default settings
 *
 *   throughput = N / wall time of the consume-to-written part (the replay's own durationMs)
 *   ratio      = tagspace throughput / ceiling throughput
 *   memory     = the child's resident set sampled from /proc/<pid>/status every --sample-ms, and
 *                its peak (VmHWM); printed against progress, so a flat line shows as flat
 *
 *   npx tsx bench/backlog.ts [--events 1000000] [--partitions 3] [--brokers 127.0.0.1:19092]
 *                            [--sample-ms 500] [-- extra replay flags, e.g. --batch-size 20]
 *
 * Needs a broker (npm run kafka:up). Not part of npm test.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { setLogLevel } from '../src/telemetry/log.js';
import { startSimulator } from '../src/sim/simulator.js';
import { sampleMemory, type MemorySample } from './proc-memory.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    events: { type: 'string', default: '1000000' },
    partitions: { type: 'string', default: '3' },
    brokers: { type: 'string', default: '127.0.0.1:19092' },
    'sample-ms': { type: 'string', default: '500' },
    /** Node flags for the tagspace process, e.g. "--max-old-space-size=256". */
    'node-options': { type: 'string', default: '' },
  },
});
const total = Number(values.events);
const brokers = values.brokers.split(',');
const sampleMs = Number(values['sample-ms']);
const nodeOptions = values['node-options'].split(' ').filter((f) => f !== '');
setLogLevel('silent');

const kafka = new Kafka({ clientId: 'backlog-bench', brokers, logLevel: logLevel.NOTHING });
const run = `${Date.now().toString(36)}`;
const topics = {
  events: `backlog-${run}`,
  tags: `backlog-${run}-tags`,
  dlq: `backlog-${run}-dlq`,
  pipe: `backlog-${run}-pipe`,
};
const partitions = Number(values.partitions);

const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  waitForLeaders: true,
  topics: [
    { topic: topics.events, numPartitions: partitions },
    { topic: topics.pipe, numPartitions: partitions },
    {
      topic: topics.tags,
      numPartitions: partitions,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
    { topic: topics.dlq, numPartitions: partitions },
  ],
});
await admin.disconnect();

/** A short page of its own (its number is in the text), naming one of a few topics. */
const SUBJECTS = [
  'kafka consumer lag',
  'kubernetes rollout',
  'postgres failover',
  'oauth token refresh',
  'terraform state',
];
function compactPage(i: number): Message {
  const subject = SUBJECTS[i % SUBJECTS.length] as string;
  const event = {
    type: 'page_created',
    spaceKey: 'BL',
    pageId: `bl-${i}`,
    version: 1,
    title: `Runbook ${i}: ${subject}`,
    body: `Step ${i}: check ${subject} on host ${i % 97}, then restart it.`,
    bodyFormat: 'text',
  };
  return { key: event.pageId, value: JSON.stringify(event) };
}

const produceStarted = Date.now();
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
const BATCH = 5_000;
const inFlight: Promise<unknown>[] = [];
for (let i = 0; i < total; i += BATCH) {
  const messages = Array.from({ length: Math.min(BATCH, total - i) }, (_, j) => compactPage(i + j));
  inFlight.push(producer.send({ topic: topics.events, messages, acks: 1 }));
  if (inFlight.length >= 4) await inFlight.shift();
}
await Promise.all(inFlight);
await producer.disconnect();
const produceMs = Date.now() - produceStarted;
console.log(
  `produced ${total} events in ${(produceMs / 1000).toFixed(1)} s (${rate(total, produceMs)} events/s)`,
);

// The ceiling: consume → produce, nothing else.
const pipe = await child(
  [
    join(ROOT, 'bench/backlog-pipe.ts'),
    '--brokers',
    values.brokers,
    '--topic',
    topics.events,
    '--out',
    topics.pipe,
    '--events',
    String(total),
  ],
  {},
);
const ceiling = JSON.parse(pipe.stdout.trim().split('\n').pop() as string) as {
  ms: number;
  eventsPerSec: number;
  maxRssMb: number;
};
console.log(`ceiling (kafkajs pipe): ${ceiling.eventsPerSec} events/s, peak RSS ${ceiling.maxRssMb} MB`);

// tagspace replay against a simulator that answers at once.
const sim = await startSimulator({
  scenario: {
    seed: 1,
    gemini: { rpm: 1e9, tpm: 1e12, windowMs: 60_000, latencyMs: { median: 0 } },
    openai: { rpm: 1e9, tpm: 1e12, windowMs: 60_000, latencyMs: { median: 0 } },
  },
});
const summaryPath = join(mkdtempSync(join(tmpdir(), 'tagspace-backlog-')), 'summary.json');
const replay = await child(
  [
    join(ROOT, 'src/cli.ts'),
    'replay',
    ...[
      '--brokers',
      values.brokers,
      '--topic',
      topics.events,
      '--tags-topic',
      topics.tags,
      '--dlq-topic',
      topics.dlq,
    ],
    ...['--gemini-base-url', sim.geminiBaseUrl, '--summary-json', summaryPath, '--log-level', 'info'],
    ...positionals,
  ],
  { GEMINI_API_KEY: 'backlog-bench' },
  sampleMs,
  nodeOptions,
);
await sim.close();
if (replay.code !== 0) {
  console.error(replay.stderr.slice(-3000));
  process.exit(1);
}
const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as {
  events: number;
  tagged: number;
  durationMs: number;
  llmCalls: number;
};
const tagspaceRate = Math.round((summary.events / summary.durationMs) * 1000);
const peakMb = Math.max(...replay.samples.map((s) => s.hwmMb));
console.log(
  `tagspace replay: ${summary.events} events (${summary.tagged} tagged, ${summary.llmCalls} LLM calls) in ${(summary.durationMs / 1000).toFixed(1)} s = ${tagspaceRate} events/s; wall ${(replay.ms / 1000).toFixed(1)} s; peak RSS ${peakMb} MB`,
);
console.log(`ratio tagspace / ceiling: ${(tagspaceRate / ceiling.eventsPerSec).toFixed(3)}`);
console.log('RSS over the run (MB), by share of the run:');
for (const q of [0.1, 0.25, 0.5, 0.75, 0.9, 1]) {
  const s = replay.samples[Math.min(replay.samples.length - 1, Math.floor(q * (replay.samples.length - 1)))];
  if (s !== undefined) console.log(`  ${String(Math.round(q * 100)).padStart(3)}%  ${s.rssMb}`);
}
console.log(
  JSON.stringify({
    events: total,
    partitions,
    produceEventsPerSec: rate(total, produceMs),
    ceilingEventsPerSec: ceiling.eventsPerSec,
    ceilingPeakRssMb: ceiling.maxRssMb,
    tagspaceEventsPerSec: tagspaceRate,
    tagspacePeakRssMb: peakMb,
    ratio: Number((tagspaceRate / ceiling.eventsPerSec).toFixed(3)),
    llmCalls: summary.llmCalls,
    extraFlags: positionals,
    nodeOptions,
  }),
);

// The backlog is big: leave the broker as it was.
const cleanup = kafka.admin();
await cleanup.connect();
await cleanup.deleteTopics({ topics: Object.values(topics) });
await cleanup.disconnect();

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

interface ChildResult {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
  samples: MemorySample[];
}

/** Runs a TypeScript entry point as `node --import tsx`, sampling its memory while it runs. */
function child(
  args: string[],
  env: Record<string, string>,
  everyMs = 0,
  nodeFlags: string[] = [],
): Promise<ChildResult> {
  const started = Date.now();
  const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  // Keep the tail only: a long run logs a lot.
  proc.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-100_000)));
  const samples: MemorySample[] = [];
  const timer =
    everyMs > 0
      ? setInterval(() => {
          const s = proc.pid === undefined ? undefined : sampleMemory(proc.pid);
          if (s !== undefined) samples.push(s);
        }, everyMs)
      : undefined;
  return new Promise((resolve) => {
    proc.on('close', (code) => {
      if (timer !== undefined) clearInterval(timer);
      resolve({ code, ms: Date.now() - started, stdout, stderr, samples });
    });
  });
}
