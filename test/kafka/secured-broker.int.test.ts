import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerPaths, startBroker, stopBroker } from '../../scripts/kafka-broker.mjs';
import {
  SECURED_PASSWORD,
  SECURED_USER,
  securedFiles,
  securedPort,
} from '../../scripts/kafka-secured-listener.mjs';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { cleanEnv, runCli, type CliResult } from '../support/cli.js';
import { privateBrokerPort, uniqueTopic } from '../support/kafka.js';

// A broker of its own with a SASL_SSL listener (a self-signed certificate, SASL PLAIN), beside the
// PLAINTEXT one it keeps for itself: what a hosted cluster asks of a client.
const PORT = privateBrokerPort(3);
const secured = `127.0.0.1:${securedPort(PORT)}`;
const caFile = securedFiles(brokerPaths(PORT).state).caFile;
let sim: Simulator;

beforeAll(async () => {
  await startBroker({ port: PORT, fresh: true, secured: true, log: () => undefined });
  sim = await startSimulator({
    scenario: { seed: 5, gemini: { rpm: 600, windowMs: 1000, latencyMs: { median: 20 } } },
  });
});

afterAll(async () => {
  await sim?.close();
  await stopBroker({ port: PORT, log: () => undefined });
});

function env(extra: Record<string, string>): Record<string, string> {
  return cleanEnv({ KAFKA_BROKERS: secured, GEMINI_BASE_URL: sim.geminiBaseUrl, ...extra });
}

const login = (password: string) => ({
  KAFKA_CA_FILE: caFile,
  KAFKA_SASL_MECHANISM: 'plain',
  KAFKA_SASL_USERNAME: SECURED_USER,
  KAFKA_SASL_PASSWORD: password,
});

function lastLine(r: CliResult): string {
  return r.stderr.trimEnd().split('\n').at(-1) ?? '';
}

describe('a cluster that asks for TLS and a SASL login', () => {
  it('takes a generated space and tags every page of it, reading and writing over TLS as the user given', async () => {
    const topic = uniqueTopic('secured-events');
    const gen = await runCli(['gen', '--pages', '40', '--seed', '5', '--topic', topic], {
      env: env(login(SECURED_PASSWORD)),
    });
    expect(gen.code, gen.stderr).toBe(0);
    const summaryPath = join(mkdtempSync(join(tmpdir(), 'secured-')), 'summary.json');
    const replay = await runCli(
      [
        'replay',
        '--topic',
        topic,
        '--tags-topic',
        `${topic}-tags`,
        '--dlq-topic',
        `${topic}-dlq`,
        '--summary-json',
        summaryPath,
      ],
      { env: env(login(SECURED_PASSWORD)) },
    );
    expect(replay.code, replay.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, number>;
    expect(summary).toMatchObject({ events: 40, tagged: 40, dlq: 0 });
    expect(replay.stdout + replay.stderr).not.toContain(SECURED_PASSWORD);
  });

  it('stops with one line naming the login settings when the password is wrong, and never prints it', async () => {
    const wrong = `wrong-${Date.now()}`;
    const r = await runCli(['replay', '--topic', uniqueTopic('secured-refused')], { env: env(login(wrong)) });
    expect(r.code).toBe(1);
    expect(lastLine(r)).toBe(
      'tagspace: Kafka refused the login (KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD): SASL PLAIN authentication failed: Authentication failed: Invalid username or password',
    );
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it("names KAFKA_CA_FILE when the broker's certificate is not one Node trusts", async () => {
    const { KAFKA_CA_FILE: _ca, ...noCa } = login(SECURED_PASSWORD);
    const r = await runCli(['replay'], { env: env({ ...noCa, KAFKA_SSL: 'true' }) });
    expect(r.code).toBe(1);
    expect(lastLine(r)).toBe(
      `tagspace: cannot reach Kafka at ${secured} (KAFKA_BROKERS or --brokers): ${secured}'s certificate is refused: self-signed certificate (KAFKA_CA_FILE names the CA to trust)`,
    );
  });

  it('names KAFKA_SSL when a TLS listener is met without it, and says so the other way round', async () => {
    const { KAFKA_CA_FILE: _ca, ...plain } = login(SECURED_PASSWORD);
    const r = await runCli(['replay'], { env: env(plain) });
    expect(r.code).toBe(1);
    expect(lastLine(r)).toContain(
      `${secured} closed the connection without a Kafka answer (a TLS listener? set KAFKA_SSL)`,
    );
    const plaintext = `127.0.0.1:${PORT}`;
    const tls = await runCli(['replay'], { env: env({ KAFKA_BROKERS: plaintext, KAFKA_SSL: 'true' }) });
    expect(tls.code).toBe(1);
    expect(lastLine(tls)).toContain(
      `${plaintext} closed the connection during the TLS handshake (not a TLS listener?)`,
    );
  });
});
