import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureComposePlugin } from '../../scripts/compose-plugin.mjs';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

// No Docker engine runs here; `docker compose config` needs none: it parses, interpolates and
// validates the file against the Compose schema.
async function compose(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', ['compose', '-f', 'docker-compose.yml', ...args], {
    cwd: repoRoot,
    env: { ...process.env, GEMINI_API_KEY: '', OPENAI_API_KEY: '' },
  });
  return stdout;
}

describe('docker-compose.yml', () => {
  // A machine without the plugin builds it here (cached afterwards): minutes on two cores.
  beforeAll(async () => {
    await ensureComposePlugin({ log: () => undefined });
  }, 20 * 60_000);

  it('is a valid Compose file', async () => {
    await expect(compose('config', '-q')).resolves.toBe('');
  });

  it('defines Kafka, the topic setup, the simulator, tagspace, the Confluence loop, Prometheus and Jaeger', async () => {
    const services = (await compose('config', '--services')).trim().split('\n').sort();
    expect(services).toEqual([
      'ingest',
      'jaeger',
      'kafka',
      'labels',
      'prometheus',
      'sim',
      'tagspace',
      'topics',
      'webhook',
    ]);
  });

  it('closes the loop on the simulator’s Confluence site, whose webhooks reach the receiver signed with its secret', async () => {
    const config = JSON.parse(await compose('config', '--format', 'json')) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
    };
    expect(config.services.ingest?.command).toEqual([
      'ingest',
      '--brokers',
      'kafka:9092',
      '--follow',
      '--poll-interval-ms',
      '10000',
    ]);
    expect(config.services.labels?.command?.[0]).toBe('labels');
    expect(config.services.ingest?.environment).toMatchObject({
      CONFLUENCE_URL: 'http://sim:8080',
      CONFLUENCE_SPACES: 'DEV',
    });
    const scenario = JSON.parse(
      readFileSync(new URL('../../scenarios/compose.json', import.meta.url), 'utf8'),
    ) as { confluence: { webhooks: { url: string; configuration: { secret: string } }[] } };
    const [hook] = scenario.confluence.webhooks;
    expect(hook?.url).toBe('http://webhook:8090/');
    expect(config.services.webhook?.environment?.CONFLUENCE_WEBHOOK_SECRET).toBe(hook?.configuration.secret);
  });

  it('points tagspace at Kafka, the simulator and Jaeger, with harmless default keys', async () => {
    const config = JSON.parse(await compose('config', '--format', 'json')) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
    };
    const tagspace = config.services.tagspace;
    expect(tagspace?.command).toEqual([
      'run',
      '--brokers',
      'kafka:9092',
      '--gemini-base-url',
      'http://sim:8080',
      '--openai-base-url',
      'http://sim:8080/v1',
    ]);
    expect(tagspace?.environment).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
      GEMINI_API_KEY: 'sim-gemini-key',
      OPENAI_API_KEY: 'sim-openai-key',
    });
    expect(config.services.sim?.command).toContain('/app/scenarios/compose.json');
  });

  it('serves /metrics and /readyz from every tagspace service, probes their readiness, and has Prometheus scrape them all', async () => {
    const config = JSON.parse(await compose('config', '--format', 'json')) as {
      services: Record<
        string,
        {
          environment?: Record<string, string>;
          healthcheck?: { test?: string[] };
          volumes?: { source?: string }[];
        }
      >;
    };
    for (const name of ['tagspace', 'ingest', 'webhook', 'labels']) {
      const service = config.services[name];
      // run serves on 9464 by default; the Confluence services are told to.
      if (name !== 'tagspace') expect(service?.environment?.TAGSPACE_METRICS_PORT, name).toBe('9464');
      expect(service?.healthcheck?.test?.join(' '), name).toContain('http://127.0.0.1:9464/readyz');
    }
    const prometheus = readFileSync(
      new URL('../../deploy/prometheus/prometheus.yml', import.meta.url),
      'utf8',
    );
    for (const target of ['tagspace:9464', 'ingest:9464', 'webhook:9464', 'labels:9464'])
      expect(prometheus).toContain(`'${target}'`);
    expect(config.services.prometheus?.volumes?.[0]?.source).toMatch(/deploy\/prometheus$/);
  });
});
