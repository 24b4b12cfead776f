import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePrometheus } from '../../scripts/prometheus.mjs';
import { generateSpace } from '../../src/gen/generate-space.js';
import { signatureOf } from '../../src/confluence/webhook-signature.js';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../src/sim/confluence/start-confluence-sim.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { loopEnv } from '../confluence/loop-kit.js';
import { cleanEnv, spawnCli, type CliProcess } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { createTopics, produceMessages, testBrokers, uniqueTopic } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

const RULES = fileURLToPath(new URL('../../deploy/prometheus/tagspace-alerts.yml', import.meta.url));

interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

/**
 * The bundled rules on a real Prometheus (3.16, scraping and evaluating every second) that scrapes
 * a real `tagspace run` and `tagspace webhook`: the chain from a bad event, or a forged delivery, to
 * an alert an operator receives, with nothing stood in but the LLM provider and the wiki.
 */
let sim: Simulator;
let prometheus: ChildProcess;
let prometheusUrl: string;
let run: CliProcess;
let wiki: RunningConfluenceSim;
let webhook: CliProcess;
let webhookUrl: string;
const topic = uniqueTopic('alerts-events');
const dlq = uniqueTopic('alerts-dlq');

beforeAll(async () => {
  const binary = await ensurePrometheus({ log: () => undefined });
  sim = await startSimulator({
    port: 0,
    scenario: { seed: 3, gemini: { rpm: 1000, windowMs: 1000, latencyMs: { median: 10 } } },
  });
  await createTopics([{ topic, partitions: 2 }, { topic: `${topic}-tags`, compact: true }, { topic: dlq }]);
  const metricsPort = await freePort();
  run = spawnCli(
    [
      'run',
      ...['--brokers', testBrokers().join(','), '--topic', topic, '--tags-topic', `${topic}-tags`],
      ...['--dlq-topic', dlq, '--group', uniqueTopic('alerts-group'), '--quota-topic', `${topic}-quota`],
      ...['--gemini-base-url', sim.geminiBaseUrl, '--linger-ms', '20'],
      ...['--metrics-port', String(metricsPort), '--metrics-host', '127.0.0.1'],
    ],
    cleanEnv({ GEMINI_API_KEY: 'alerts-test-key' }),
  );
  // A webhook receiver beside it, scraped under the same job.
  wiki = await startConfluenceSim({ spaces: [{ key: 'ALR', pages: 3, seed: 1 }] });
  const hookPort = await freePort();
  const hookMetricsPort = await freePort();
  webhookUrl = `http://127.0.0.1:${hookPort}/`;
  webhook = spawnCli(
    [
      'webhook',
      ...['--confluence-url', wiki.url, '--port', String(hookPort), '--host', '127.0.0.1'],
      ...['--brokers', testBrokers().join(','), '--topic', uniqueTopic('alerts-hooks')],
      ...['--metrics-port', String(hookMetricsPort), '--metrics-host', '127.0.0.1'],
    ],
    { ...loopEnv(), CONFLUENCE_WEBHOOK_SECRET: 'alerts-webhook-secret' },
  );
  const dir = mkdtempSync(join(tmpdir(), 'tagspace-prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${RULES}']`,
      'scrape_configs:',
      `  - job_name: tagspace`,
      `    static_configs: [{ targets: ['127.0.0.1:${metricsPort}', '127.0.0.1:${hookMetricsPort}'] }]`,
      '',
    ].join('\n'),
  );
  const webPort = await freePort();
  prometheusUrl = `http://127.0.0.1:${webPort}`;
  prometheus = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${webPort}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  prometheus.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  await waitFor(async () => (await fetch(`${prometheusUrl}/-/ready`).catch(() => undefined))?.ok === true, {
    timeoutMs: 60_000,
    intervalMs: 250,
    message: 'Prometheus to be ready',
  }).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; its log:\n${log}`);
  });
}, 20 * 60_000);

afterAll(async () => {
  run?.child.kill('SIGTERM');
  webhook?.child.kill('SIGTERM');
  await Promise.all([run?.exited, webhook?.exited]);
  await wiki?.close();
  prometheus?.kill('SIGTERM');
  await sim?.close();
});

async function query(expr: string): Promise<number | undefined> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  const [first] = body.data.result;
  return first === undefined ? undefined : Number(first.value[1]);
}

async function alerts(): Promise<Alert[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/alerts`);
  return ((await res.json()) as { data: { alerts: Alert[] } }).data.alerts;
}

describe('the alert rules on a real Prometheus scraping tagspace run and webhook', () => {
  it('raise nothing while the run tags its events', async () => {
    await waitFor(async () => (await query('sum(up{job="tagspace"})')) === 2, {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: 'Prometheus to scrape tagspace run and webhook',
    });
    const { events } = generateSpace({ pages: 8, seed: 2, spaceKey: 'ALR' });
    await produceMessages(
      topic,
      events.map((e) => ({ key: e.pageId, value: JSON.stringify(e) })),
    );
    await waitFor(async () => (await query('sum(tagspace_events_total{outcome="tagged"})')) === 8, {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: 'Prometheus to see 8 events tagged',
    });
    expect(await alerts()).toEqual([]);
  });

  it('fire TagspaceDeadLetters on the run’s first dead letter, within seconds', async () => {
    await produceMessages(topic, [{ key: 'bad-1', value: '{"not": "a page event"' }]);
    const fired = await waitFor(
      async () =>
        (await alerts()).find((a) => a.labels.alertname === 'TagspaceDeadLetters' && a.state === 'firing'),
      { timeoutMs: 60_000, intervalMs: 250, message: 'TagspaceDeadLetters to fire' },
    );
    expect(fired.labels).toMatchObject({ job: 'tagspace', severity: 'warning' });
    expect(fired.annotations.summary).toMatch(/^[1-9]\d* events dead-lettered in the last 15 minutes$/);
    // Nothing else: the run is otherwise healthy.
    expect((await alerts()).map((a) => a.labels.alertname)).toEqual(['TagspaceDeadLetters']);
  });

  it('fire TagspaceWebhookRefused, naming the receiver, when a delivery’s signature does not match', async () => {
    const body = JSON.stringify({ timestamp: Date.now(), event: 'page_updated', page: { id: 1 } });
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signatureOf('not-the-secret', body) },
      body,
    });
    expect(res.status).toBe(401);
    const fired = await waitFor(
      async () =>
        (await alerts()).find((a) => a.labels.alertname === 'TagspaceWebhookRefused' && a.state === 'firing'),
      { timeoutMs: 60_000, intervalMs: 250, message: 'TagspaceWebhookRefused to fire' },
    );
    expect(fired.labels.instance).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(fired.annotations.summary).toMatch(
      /webhook deliveries refused for their signature in 15 minutes$/,
    );
  });
});
