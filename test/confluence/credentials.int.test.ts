import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../src/sim/confluence/start-confluence-sim.js';
import { runCli } from '../support/cli.js';
import { ingestArgs, labelsArgs, loopEnv, loopTopics } from './loop-kit.js';

const WRONG_TOKEN = 'ATATT-wrong-token-0123456789abcdef';
let wiki: RunningConfluenceSim;
let collector: Server;
let exported: string[] = [];

/** An OTLP/HTTP endpoint that keeps what it is sent (JSON), to look for the token in spans. */
async function startCollector(): Promise<string> {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      exported.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
}

let otlp: string;
beforeAll(async () => {
  wiki = await startConfluenceSim({ spaces: [{ key: 'SEC', pages: 3 }] });
  otlp = await startCollector();
});

afterAll(async () => {
  await wiki?.close();
  await new Promise((resolve) => collector?.close(resolve));
});

describe('wrong Confluence credentials', () => {
  for (const mode of ['anonymous', 'unauthorized'] as const) {
    it(`make ingest exit non-zero within 10 s with one line naming CONFLUENCE_API_TOKEN (site answering as ${mode}), the token in no log or span`, async () => {
      wiki.configure({ authFailure: mode });
      exported = [];
      const started = Date.now();
      const result = await runCli(ingestArgs(wiki, loopTopics('cf-creds'), ['SEC']), {
        env: { ...loopEnv(WRONG_TOKEN), OTEL_EXPORTER_OTLP_ENDPOINT: otlp },
        timeoutMs: 30_000,
      });
      const elapsed = Date.now() - started;
      expect(result.code).not.toBe(0);
      expect(result.code).not.toBeNull();
      expect(elapsed).toBeLessThan(10_000);
      const naming = result.stderr.split('\n').filter((l) => l.includes('CONFLUENCE_API_TOKEN'));
      expect(naming).toHaveLength(1);
      expect(naming[0]).toMatch(/^tagspace: Confluence refused the credentials/);
      expect(`${result.stdout}${result.stderr}`).not.toContain(WRONG_TOKEN);
      expect(`${result.stdout}${result.stderr}`).not.toContain(
        Buffer.from(`tagspace@example.com:${WRONG_TOKEN}`).toString('base64'),
      );
      // The refused call was traced, and its span carries no credential.
      const spans = exported.join('\n');
      expect(spans).toContain('/wiki/api/v2/spaces');
      expect(spans).not.toContain(WRONG_TOKEN);
      expect(spans).not.toContain(Buffer.from(`tagspace@example.com:${WRONG_TOKEN}`).toString('base64'));
      expect(wiki.stats().authFailures).toBeGreaterThan(0);
    });
  }
});

describe('an API token with scopes (a service account’s)', () => {
  it('is told the CONFLUENCE_URL through Atlassian’s gateway, and crawls the space once given it', async () => {
    const scoped = {
      email: 'tagspace-bot@serviceaccount.atlassian.com',
      apiToken: 'scoped-token-0123456789',
    };
    wiki.configure({ authFailure: 'anonymous', users: [{ ...scoped, scoped: true }] });
    try {
      const env = { ...loopEnv(scoped.apiToken), CONFLUENCE_EMAIL: scoped.email };
      const t = loopTopics('cf-scoped');
      const atSite = await runCli(ingestArgs(wiki, t, ['SEC']), { env, timeoutMs: 30_000 });
      expect(atSite.code).toBe(1);
      const cloudId = wiki.config().cloudId;
      expect(atSite.stderr.trimEnd().split('\n').at(-1)).toBe(
        `tagspace: Confluence refused the credentials (HTTP 401 on GET /wiki/api/v2/spaces): check CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN (an API token of that Atlassian account); an API token with scopes is served only at CONFLUENCE_URL=https://api.atlassian.com/ex/confluence/${cloudId}`,
      );
      // The simulator plays the gateway on its own port: the same path a user gives on api.atlassian.com.
      const args = ingestArgs(wiki, t, ['SEC']).map((a, i, all) =>
        all[i - 1] === '--confluence-url' ? `${wiki.url}/ex/confluence/${cloudId}` : a,
      );
      const throughGateway = await runCli(args, { env, timeoutMs: 60_000 });
      expect(throughGateway.code, throughGateway.stderr).toBe(0);
      expect(throughGateway.stdout).toMatch(/3 pages crawled/);
      expect(`${atSite.stdout}${atSite.stderr}${throughGateway.stderr}`).not.toContain(scoped.apiToken);
    } finally {
      wiki.configure({ users: null });
    }
  });
});

describe('a broker nobody answers on', () => {
  const unreachable = (args: string[]) =>
    args.map((a, i) => (args[i - 1] === '--brokers' ? '127.0.0.1:1' : a));

  it('makes ingest, labels and webhook exit 1 within 15 s with one line naming KAFKA_BROKERS', async () => {
    const t = loopTopics('cf-no-broker');
    const commands = [
      unreachable(ingestArgs(wiki, t, ['SEC'])),
      unreachable(labelsArgs(wiki, t)),
      [
        'webhook',
        '--confluence-url',
        wiki.url,
        '--brokers',
        '127.0.0.1:1',
        '--port',
        '0',
        '--secret',
        'hook-secret',
      ],
    ];
    for (const args of commands) {
      const started = Date.now();
      const result = await runCli(args, { env: loopEnv(), timeoutMs: 60_000 });
      expect(Date.now() - started, args[0]).toBeLessThan(15_000);
      expect(result.code, `${args[0]}: ${result.stderr}`).toBe(1);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
        'tagspace: cannot reach Kafka at 127.0.0.1:1 (KAFKA_BROKERS or --brokers): ECONNREFUSED 127.0.0.1:1',
      );
    }
  });
});
