import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureOf } from '../../src/confluence/webhook-signature.js';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../src/sim/confluence/start-confluence-sim.js';
import { logLines, spawnCli, type CliProcess } from '../support/cli.js';
import { createTopics, produceMessages, testBrokers, uniqueTopic } from '../support/kafka.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { ingestArgs, labelsArgs, loopEnv, loopTopics } from './loop-kit.js';

/**
 * ingest, labels and webhook are long-running services: with --metrics-port each answers
 * /healthz, turns /readyz ready once it does its work, and serves its own counts on /metrics, so
 * an orchestrator can probe them and Prometheus can alert on them (docs/operations.md).
 */
let wiki: RunningConfluenceSim;
const t = loopTopics('cf-metrics');
const metricsFlags = ['--metrics-port', '0', '--metrics-host', '127.0.0.1'];

beforeAll(async () => {
  wiki = await startConfluenceSim({ spaces: [{ key: 'MET', pages: 30, seed: 5 }] });
});

afterAll(async () => {
  await wiki?.close();
});

/** The base URL of a service's metrics server, from its log line. */
async function metricsBase(p: CliProcess): Promise<string> {
  const url = await waitFor(
    () => logLines(p.stderr()).find((l) => l.msg === 'metrics server listening')?.url as string | undefined,
    { timeoutMs: 60_000, message: 'the metrics server to listen' },
  );
  return url.replace(/\/metrics$/, '');
}

/** The value of one series on /metrics (scope labels ignored), or undefined. */
async function series(base: string, name: string, labels = ''): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function ready(base: string): Promise<void> {
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, {
    timeoutMs: 60_000,
    intervalMs: 200,
    message: '/readyz to answer 200',
  });
}

async function stop(p: CliProcess): Promise<void> {
  p.child.kill('SIGTERM');
  const ended = await p.exited;
  expect(ended.code, ended.stderr.slice(-2000)).toBe(0);
}

describe('the Confluence services with --metrics-port', () => {
  it('ingest --follow turns ready once it crawls, and counts the pages crawled and followed and its Confluence requests', async () => {
    const ingest = spawnCli(
      [...ingestArgs(wiki, t, ['MET']), '--follow', '--poll-interval-ms', '300', ...metricsFlags],
      loopEnv(),
    );
    try {
      const base = await metricsBase(ingest);
      await ready(base);
      await waitFor(
        async () => (await series(base, 'tagspace_ingest_events_total', 'page_snapshot')) === 30,
        {
          timeoutMs: 60_000,
          message: '30 pages crawled on /metrics',
        },
      );
      const [a, b] = wiki.pages('MET').map((p) => p.id) as [string, string];
      wiki.editPage(a);
      wiki.editPage(b);
      await waitFor(async () => (await series(base, 'tagspace_ingest_events_total', 'page_updated')) === 2, {
        timeoutMs: 60_000,
        message: 'two edits followed on /metrics',
      });
      expect(await series(base, 'tagspace_ingest_polls_total')).toBeGreaterThan(0);
      expect(await series(base, 'tagspace_ingest_polls_failed_total')).toBe(0);
      // Polls go on meanwhile: the simulator, read after, has seen at least as many.
      const requests = await series(base, 'tagspace_confluence_requests_total');
      expect(requests).toBeGreaterThan(2);
      expect(requests).toBeLessThanOrEqual(wiki.stats().requests);
    } finally {
      await stop(ingest);
    }
  });

  it('labels, as a member of its group, turns ready once it joined, counts the records it synced, and its lag falls to 0', async () => {
    await createTopics([{ topic: t.tags, compact: true }]);
    const pages = wiki.pages('MET');
    await produceMessages(
      t.tags,
      pages.map((p) => ({
        key: p.id,
        value: JSON.stringify({
          pageId: p.id,
          spaceKey: 'MET',
          version: p.version,
          contentHash: 'h',
          tags: ['observability', 'runbook'],
          provider: 'gemini',
          model: 'm',
          promptVersion: 'p1',
          cached: false,
          taggedAt: new Date().toISOString(),
        }),
      })),
    );
    const labels = spawnCli(
      [...labelsArgs(wiki, t, ['--group', uniqueTopic('cf-metrics-labels')]), ...metricsFlags],
      loopEnv(),
    );
    try {
      const base = await metricsBase(labels);
      await ready(base);
      await waitFor(
        async () =>
          (await series(base, 'tagspace_labels_records_total', 'outcome="synced"')) === pages.length &&
          (await series(base, 'tagspace_labels_consumer_lag')) === 0,
        { timeoutMs: 60_000, intervalMs: 250, message: 'every record synced and committed on /metrics' },
      );
      expect(await series(base, 'tagspace_labels_changes_total', 'change="added"')).toBe(2 * pages.length);
      expect(await series(base, 'tagspace_labels_records_total', 'outcome="dead_letter"')).toBe(0);
      // The gate's view: no 429 came, so no limit is served, and calls go at the gate's start of 2 or more.
      expect(await series(base, 'tagspace_confluence_concurrency_effective')).toBeGreaterThanOrEqual(2);
      expect(await series(base, 'tagspace_confluence_quota_requests')).toBeUndefined();
    } finally {
      await stop(labels);
    }
  });

  it('webhook turns ready once it listens, and counts deliveries, the events produced and the refused ones', async () => {
    const port = await freePort();
    const secret = 'metrics-webhook-secret';
    const webhook = spawnCli(
      [
        'webhook',
        ...['--confluence-url', wiki.url, '--port', String(port), '--host', '127.0.0.1'],
        ...['--brokers', testBrokers().join(','), '--topic', uniqueTopic('cf-metrics-hooks')],
        ...metricsFlags,
      ],
      { ...loopEnv(), CONFLUENCE_WEBHOOK_SECRET: secret },
    );
    try {
      const base = await metricsBase(webhook);
      await ready(base);
      const [pageId] = wiki.pages('MET').map((p) => p.id) as [string];
      const body = JSON.stringify({
        timestamp: Date.now(),
        event: 'page_updated',
        page: { id: Number(pageId) },
      });
      const post = (signature: string) =>
        fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature': signature },
          body,
        });
      expect((await post(signatureOf('a-wrong-secret', body))).status).toBe(401);
      expect((await post(signatureOf(secret, body))).status).toBe(200);
      expect(await series(base, 'tagspace_webhook_received_total')).toBe(2);
      expect(await series(base, 'tagspace_webhook_refused_total')).toBe(1);
      expect(await series(base, 'tagspace_webhook_produced_total')).toBe(1);
      expect(await (await fetch(`${base}/metrics`)).text()).not.toContain(secret);
    } finally {
      await stop(webhook);
    }
  });
});
