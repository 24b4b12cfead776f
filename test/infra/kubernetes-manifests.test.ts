import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/config.js';
import { SETTINGS } from '../../src/cli/settings.js';
import { strayVariables } from '../../src/cli/unknown-env.js';
import {
  containerOf,
  environmentOf,
  manifestObjects,
  workloads,
  type ManifestObject,
} from './kubernetes-manifests.js';

/**
 * deploy/kubernetes/ must agree with the tagspace it deploys: each container runs a command with
 * settings tagspace reads and accepts, probes the endpoints that command serves on the port it
 * listens on, is given longer to stop than tagspace takes to drain, and takes every secret from the
 * Secret, never from a value written in the manifests. (That Kubernetes accepts them is
 * kubernetes-validate.int.test.ts.)
 */
const objects = manifestObjects();
const pods = workloads(objects);
const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Variables tagspace's runtime reads outside the settings table. */
const NODE_RUNTIME = new Set(['NODE_OPTIONS']);
const SECRET_VARIABLES = new Set(SETTINGS.filter((s) => s.secret).flatMap((s) => (s.env ? [s.env] : [])));
const container = containerOf;
const environment = (w: ManifestObject) => environmentOf(w, objects);

function portNumber(w: ManifestObject, port: string | number): number {
  if (typeof port === 'number') return port;
  const named = (container(w).ports ?? []).find((p: { name: string }) => p.name === port);
  expect(named, `${w.file}: a container port named ${port}`).toBeDefined();
  return named.containerPort;
}

describe('the Kubernetes manifests', () => {
  it('deploy run, ingest and labels, and the webhook receiver apart for Data Center', () => {
    const commands = pods.map((w) => `${w.file}: ${container(w).args[0]}`);
    expect(commands).toEqual([
      'data-center/webhook.yaml: webhook',
      'ingest.yaml: ingest',
      'labels.yaml: labels',
      'run.yaml: run',
    ]);
  });

  it.each(pods.map((w) => [w.file, w] as const))(
    '%s runs a tagspace command whose flags and variables tagspace reads and accepts',
    (_file, w) => {
      const c = container(w);
      // The image's entry point is `node dist/cli.js` (Dockerfile), so the command is only args:
      // npx or a shell in between would not pass SIGTERM on.
      expect(c.command, `${w.file}: no command over the image's entry point`).toBeUndefined();
      const env = environment(w);
      const [command, ...flags] = c.args as string[];
      expect(() => loadConfig(command ?? '', flags, env)).not.toThrow();
      expect(strayVariables(env)).toEqual([]);
      const read = new Set(SETTINGS.flatMap((s) => [s.env, ...(s.aliases ?? [])]));
      const unread = Object.keys(env).filter(
        (name) => !read.has(name) && !NODE_RUNTIME.has(name) && !name.startsWith('OTEL_'),
      );
      expect(unread, `${w.file}: variables no setting reads`).toEqual([]);
      const config = loadConfig(command ?? '', flags, env);
      expect(config.telemetry.serviceName).toBe(env.OTEL_SERVICE_NAME);
      expect(config.telemetry.tracing?.url).toBe(`${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`);
    },
  );

  it.each(pods.map((w) => [w.file, w] as const))(
    '%s probes /healthz for liveness and /readyz for readiness on the port tagspace serves them on',
    (_file, w) => {
      const c = container(w);
      const [command, ...flags] = c.args as string[];
      const metrics = loadConfig(command ?? '', flags, environment(w)).telemetry.metrics;
      expect(metrics, `${w.file}: a metrics server`).toBeDefined();
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      expect(portNumber(w, c.livenessProbe.httpGet.port)).toBe(metrics?.port);
      expect(portNumber(w, c.readinessProbe.httpGet.port)).toBe(metrics?.port);
      const annotations = w.body.spec.template.metadata.annotations;
      expect(Number(annotations['prometheus.io/port'])).toBe(metrics?.port);
      expect(annotations['prometheus.io/path']).toBe('/metrics');
    },
  );

  it.each(pods.map((w) => [w.file, w] as const))(
    '%s gives a pod longer to stop than tagspace takes to drain on SIGTERM',
    (_file, w) => {
      const [command, ...flags] = container(w).args as string[];
      const { shutdownTimeoutMs } = loadConfig(command ?? '', flags, environment(w));
      const graceMs = w.body.spec.template.spec.terminationGracePeriodSeconds * 1000;
      // The drain's deadline, then the commit and the group's leave: a few seconds more.
      expect(graceMs).toBeGreaterThanOrEqual(shutdownTimeoutMs + 10_000);
    },
  );

  it('writes no secret into a manifest: keys, tokens and webhook secrets come from the Secret', () => {
    for (const map of objects.filter((o) => o.kind === 'ConfigMap')) {
      expect(
        Object.keys(map.body.data).filter((k) => SECRET_VARIABLES.has(k)),
        map.file,
      ).toEqual([]);
    }
    for (const w of pods) {
      const literal = (container(w).env ?? []).map((e: { name: string }) => e.name);
      expect(
        literal.filter((k: string) => SECRET_VARIABLES.has(k)),
        w.file,
      ).toEqual([]);
    }
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('run the image of this version, as a user that is not root, on a read-only root', () => {
    for (const w of pods) {
      const c = container(w);
      expect(c.image, w.file).toBe(`tagspace:${version}`);
      expect(w.body.spec.template.metadata.labels['app.kubernetes.io/version'], w.file).toBe(version);
      expect(w.body.spec.template.spec.securityContext.runAsNonRoot, w.file).toBe(true);
      expect(c.securityContext.readOnlyRootFilesystem, w.file).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation, w.file).toBe(false);
    }
  });

  it('route the webhook Service to the port the receiver listens on', () => {
    const hook = pods.find((w) => container(w).args[0] === 'webhook');
    const service = objects.find((o) => o.kind === 'Service' && o.name === 'tagspace-webhook');
    expect(hook).toBeDefined();
    expect(service).toBeDefined();
    if (hook === undefined || service === undefined) return;
    const config = loadConfig('webhook', container(hook).args.slice(1), environment(hook));
    expect(portNumber(hook, service.body.spec.ports[0].targetPort)).toBe(config.confluence.webhook.port);
  });

  it('select their own pods with each workload and Service', () => {
    for (const o of objects.filter((x) => x.body.spec?.selector)) {
      const selector = o.body.spec.selector.matchLabels ?? o.body.spec.selector;
      const targets = pods.filter((w) =>
        Object.entries(selector).every(([k, v]) => w.body.spec.template.metadata.labels[k] === v),
      );
      expect(
        targets.map((w) => w.file),
        `${o.file}: ${o.kind} ${o.name}`,
      ).toHaveLength(1);
    }
  });

  it("are found by deploy/prometheus/prometheus-kubernetes.yml's relabelling, each on its metrics port", () => {
    const prometheus = parse(
      readFileSync(new URL('../../deploy/prometheus/prometheus-kubernetes.yml', import.meta.url), 'utf8'),
    );
    const job = prometheus.scrape_configs.find((j: { job_name: string }) => j.job_name === 'tagspace');
    const keeps = job.relabel_configs.filter((r: { action?: string }) => r.action === 'keep');
    expect(keeps.length).toBeGreaterThan(0);
    // Prometheus's Kubernetes discovery, role pod: one target per container port, with these labels.
    const meta = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');
    for (const w of pods) {
      const template = w.body.spec.template.metadata;
      const targets = containerOf(w).ports.map((port: { name: string }) => {
        const labels: Record<string, string> = { __meta_kubernetes_pod_container_port_name: port.name };
        for (const [k, v] of Object.entries(template.labels ?? {}))
          labels[`__meta_kubernetes_pod_label_${meta(k)}`] = String(v);
        for (const [k, v] of Object.entries(template.annotations ?? {}))
          labels[`__meta_kubernetes_pod_annotation_${meta(k)}`] = String(v);
        return { port: port.name, labels };
      });
      const kept = targets.filter((t: { labels: Record<string, string> }) =>
        keeps.every((r: { source_labels: string[]; regex: string }) =>
          new RegExp(`^(?:${r.regex})$`).test(r.source_labels.map((l) => t.labels[l] ?? '').join(';')),
        ),
      );
      expect(
        kept.map((t: { port: string }) => t.port),
        w.file,
      ).toEqual(['metrics']);
    }
  });
});
