import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKubectlValidate } from '../../scripts/kubectl-validate.mjs';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { cleanEnv, spawnCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { consumeUntil, createTopics, produceMessages, testBrokers, uniqueTopic } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import {
  containerOf,
  environmentOf,
  MANIFESTS_DIR,
  manifestObjects,
  workloads,
} from './kubernetes-manifests.js';

/**
 * deploy/kubernetes/ as Kubernetes reads it: kubectl-validate (SIG CLI) checks every object
 * against the schemas of Kubernetes 1.30, offline, refusing unknown fields and wrong types as an
 * API server does; and the run's container, started as its StatefulSet starts it, answers its
 * probes and stops within its grace period. No cluster runs here (no container engine), so
 * scheduling, the probes' kubelet and the rollout are not exercised.
 */
const KUBERNETES_VERSION = '1.30';
const exec = promisify(execFile);

interface Verdict {
  status: 'Success' | 'Failure';
  message?: string;
}

let validator: string;

beforeAll(async () => {
  validator = await ensureKubectlValidate({ log: () => undefined });
}, 20 * 60_000);

/** kubectl-validate's verdict on each object of each file under `path`. */
async function validate(path: string): Promise<Record<string, Verdict[]>> {
  const args = [path, '--version', KUBERNETES_VERSION, '--output', 'json'];
  // It exits 1 when anything is refused; the verdicts are on stdout either way.
  const out = await exec(validator, args).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return JSON.parse(out.stdout) as Record<string, Verdict[]>;
}

describe('the Kubernetes manifests, as Kubernetes reads them', () => {
  it(`are accepted, every object of every file, by Kubernetes ${KUBERNETES_VERSION}'s schemas`, async () => {
    const verdicts = await validate(MANIFESTS_DIR);
    const failures = Object.entries(verdicts).flatMap(([file, vs]) =>
      vs.filter((v) => v.status !== 'Success').map((v) => `${file}: ${v.message}`),
    );
    expect(failures).toEqual([]);
    const checked = Object.values(verdicts).reduce((n, vs) => n + vs.length, 0);
    expect(checked).toBe(manifestObjects().length);
  });

  it('would be refused with a misspelt field or a value of the wrong type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-k8s-'));
    const run = readFileSync(join(MANIFESTS_DIR, 'run.yaml'), 'utf8');
    const misspelt = run.replace('terminationGracePeriodSeconds:', 'terminationGracePeriodSecond:');
    const mistyped = run.replace('replicas: 3', "replicas: 'three'");
    expect(misspelt).not.toBe(run);
    expect(mistyped).not.toBe(run);
    writeFileSync(join(dir, 'misspelt.yaml'), misspelt);
    writeFileSync(join(dir, 'mistyped.yaml'), mistyped);
    const refused = (file: string, verdicts: Record<string, Verdict[]>) =>
      (verdicts[join(dir, file)] ?? []).filter((v) => v.status === 'Failure').map((v) => v.message);
    const verdicts = await validate(dir);
    expect(refused('misspelt.yaml', verdicts)).toEqual([
      expect.stringContaining(
        'terminationGracePeriodSecond: Invalid value: value provided for unknown field',
      ),
    ]);
    expect(refused('mistyped.yaml', verdicts)).toEqual([
      expect.stringContaining('spec.replicas in body must be of type integer'),
    ]);
  });
});

describe('the run StatefulSet’s container, started as Kubernetes starts it', () => {
  let sim: Simulator;
  const topic = uniqueTopic('k8s-events');

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      scenario: { seed: 4, gemini: { rpm: 1000, windowMs: 1000, latencyMs: { median: 10 } } },
    });
    await createTopics([
      { topic, partitions: 2 },
      { topic: `${topic}-tags`, compact: true },
    ]);
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('answers its liveness and readiness probes, tags, and stops within its grace period on SIGTERM', async () => {
    const objects = manifestObjects();
    const set = workloads(objects).find((w) => w.kind === 'StatefulSet' && w.name === 'tagspace-run');
    expect(set).toBeDefined();
    if (set === undefined) return;
    const c = containerOf(set);
    const port = await freePort();
    // The manifest's environment, pointed at this machine's broker, simulator and a free port; no
    // collector runs here, so traces stay off.
    const { OTEL_EXPORTER_OTLP_ENDPOINT: _collector, ...env } = environmentOf(set, objects);
    const p = spawnCli(
      c.args,
      cleanEnv({
        ...env,
        KAFKA_BROKERS: testBrokers().join(','),
        GEMINI_BASE_URL: sim.geminiBaseUrl,
        TAGSPACE_METRICS_PORT: String(port),
        TAGSPACE_TOPIC: topic,
        TAGSPACE_TAGS_TOPIC: `${topic}-tags`,
        TAGSPACE_DLQ_TOPIC: `${topic}-dlq`,
        TAGSPACE_QUOTA_TOPIC: `${topic}-quota`,
        TAGSPACE_GROUP: uniqueTopic('k8s-group'),
      }),
    );
    const probe = async (path: string) =>
      (await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined))?.status;
    try {
      await waitFor(async () => (await probe(c.livenessProbe.httpGet.path)) === 200, {
        timeoutMs: 60_000,
        intervalMs: 200,
        message: 'the liveness probe to answer 200',
      });
      await waitFor(async () => (await probe(c.readinessProbe.httpGet.path)) === 200, {
        timeoutMs: 60_000,
        intervalMs: 200,
        message: 'the readiness probe to answer 200',
      });
      const { events } = generateSpace({ pages: 4, seed: 3, spaceKey: 'K8S' });
      await produceMessages(
        topic,
        events.map((e) => ({ key: e.pageId, value: JSON.stringify(e) })),
      );
      await consumeUntil(`${topic}-tags`, events.length, { deadlineMs: 60_000 });
    } finally {
      const signalled = Date.now();
      p.child.kill('SIGTERM');
      const ended = await p.exited;
      const graceMs = set.body.spec.template.spec.terminationGracePeriodSeconds * 1000;
      expect(ended.code, ended.stderr.slice(-2000)).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(graceMs);
    }
  }, 180_000);
});
