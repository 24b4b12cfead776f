import { DEFAULT_USER } from '../../src/sim/confluence/confluence-config.js';
import type { RunningConfluenceSim } from '../../src/sim/confluence/start-confluence-sim.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { cleanEnv, runCli, type CliResult } from '../support/cli.js';
import {
  consumeUntil,
  endOffsets,
  testBrokers,
  uniqueTopic,
  type ConsumedMessage,
} from '../support/kafka.js';

/** The topics of one Confluence loop: events in, tags out, and what the labels job keeps. */
export function loopTopics(prefix: string) {
  return {
    events: uniqueTopic(`${prefix}-events`),
    tags: uniqueTopic(`${prefix}-tags`),
    dlq: uniqueTopic(`${prefix}-dlq`),
    checkpoints: uniqueTopic(`${prefix}-checkpoints`),
    ownership: uniqueTopic(`${prefix}-owned`),
    labelsDlq: uniqueTopic(`${prefix}-labels-dlq`),
  };
}
export type LoopTopics = ReturnType<typeof loopTopics>;

/** A shell's environment with the simulator's credentials (or the token given) and the providers' keys. */
export function loopEnv(apiToken = DEFAULT_USER.apiToken): Record<string, string> {
  return cleanEnv({
    CONFLUENCE_EMAIL: DEFAULT_USER.email,
    CONFLUENCE_API_TOKEN: apiToken,
    GEMINI_API_KEY: 'test-gemini-key',
    OPENAI_API_KEY: 'test-openai-key',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
}

export function ingestArgs(wiki: RunningConfluenceSim, t: LoopTopics, spaces: string[]): string[] {
  return [
    'ingest',
    '--confluence-url',
    wiki.url,
    ...spaces.flatMap((s) => ['--space', s]),
    '--brokers',
    testBrokers().join(','),
    '--topic',
    t.events,
    '--checkpoint-topic',
    t.checkpoints,
  ];
}

export function labelsArgs(
  wiki: RunningConfluenceSim,
  t: LoopTopics,
  extra: string[] = ['--until-end'],
): string[] {
  return [
    'labels',
    '--confluence-url',
    wiki.url,
    '--brokers',
    testBrokers().join(','),
    '--tags-topic',
    t.tags,
    '--labels-state-topic',
    t.ownership,
    '--labels-dlq-topic',
    t.labelsDlq,
    ...extra,
  ];
}

/** The pipeline between them: `replay` of the events topic onto the tags topic. */
export function tagAll(providers: Simulator, t: LoopTopics): Promise<CliResult> {
  return runCli(
    [
      'replay',
      '--brokers',
      testBrokers().join(','),
      '--topic',
      t.events,
      '--tags-topic',
      t.tags,
      '--dlq-topic',
      t.dlq,
      '--gemini-base-url',
      providers.geminiBaseUrl,
      '--openai-base-url',
      providers.openaiBaseUrl,
      '--linger-ms',
      '50',
      // Its own quota topic: the loop tests running side by side use the same keys with
      // simulators of their own, and on the default topic would take each other for peers.
      '--quota-topic',
      `${t.events}-quota`,
    ],
    { env: loopEnv(), timeoutMs: 150_000 },
  );
}

/** Everything on a topic now (read to the end offsets captured first). */
export async function readAll(topic: string): Promise<ConsumedMessage[]> {
  const total = (await endOffsets(topic)).reduce((sum, p) => sum + p.offset, 0);
  if (total === 0) return [];
  return consumeUntil(topic, total, { deadlineMs: 60_000 });
}

/** The latest tags of each page on the tags topic (tombstones remove the page). */
export async function latestTags(topic: string): Promise<Map<string, string[]>> {
  const latest = new Map<string, string[]>();
  const ordered = (await readAll(topic)).sort(
    (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset),
  );
  for (const m of ordered) {
    if (m.key === null) continue;
    if (m.value === null) latest.delete(m.key);
    else latest.set(m.key, (JSON.parse(m.value) as { tags: string[] }).tags);
  }
  return latest;
}

/** The labels of a page, by who added them. */
export function labelsByOwner(
  wiki: RunningConfluenceSim,
  pageId: string,
): { api: string[]; person: string[] } {
  const labels = wiki.page(pageId)?.labels ?? [];
  return {
    api: labels
      .filter((l) => l.addedBy === 'api')
      .map((l) => l.name)
      .sort(),
    person: labels
      .filter((l) => l.addedBy === 'person')
      .map((l) => l.name)
      .sort(),
  };
}
