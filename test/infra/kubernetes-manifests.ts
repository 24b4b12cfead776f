import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** deploy/kubernetes/, the manifests a team applies (docs/running.md, "On Kubernetes"). */
export const MANIFESTS_DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));

/** One object of a manifest file, as Kubernetes reads it (YAML 1.2, as kubectl parses it). */
export interface ManifestObject {
  file: string;
  kind: string;
  name: string;
  // The manifests are data: each test reads the fields it checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Every .yaml file under `dir`, nested folders included, in a stable order. */
export function manifestFiles(dir = MANIFESTS_DIR): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return manifestFiles(path);
      return entry.endsWith('.yaml') ? [path] : [];
    });
}

/** Every object of every manifest file; a YAML error throws, naming its file. */
export function manifestObjects(dir = MANIFESTS_DIR): ManifestObject[] {
  return manifestFiles(dir).flatMap((path) => {
    const file = relative(dir, path);
    return parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const body = doc.toJS();
      return { file, kind: body.kind, name: body.metadata?.name, body };
    });
  });
}

/** The workloads (the kinds that run pods) among `objects`. */
export function workloads(objects: readonly ManifestObject[]): ManifestObject[] {
  return objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind));
}

/** The Secret `tagspace` as docs/running.md tells a team to create it, with stand-in values. */
export const STAND_IN_SECRET: Readonly<Record<string, string>> = {
  GEMINI_API_KEY: 'k8s-test-gemini-key',
  OPENAI_API_KEY: 'k8s-test-openai-key',
  CONFLUENCE_EMAIL: 'tagspace@example.com',
  CONFLUENCE_API_TOKEN: 'k8s-test-confluence-token',
  CONFLUENCE_WEBHOOK_SECRET: 'k8s-test-webhook-secret',
};

/** A workload's one container. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function containerOf(w: ManifestObject): any {
  const containers = w.body.spec.template.spec.containers;
  if (containers?.length !== 1)
    throw new Error(`${w.file}: ${w.name} has ${containers?.length} containers, not one`);
  return containers[0];
}

/**
 * The environment Kubernetes gives a workload's container: its envFrom sources in order (the
 * ConfigMaps of `objects`, the Secret `tagspace` as `secret`), then its env.
 */
export function environmentOf(
  w: ManifestObject,
  objects: readonly ManifestObject[],
  secret: Readonly<Record<string, string>> = STAND_IN_SECRET,
): Record<string, string> {
  const c = containerOf(w);
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) {
      const map = objects.find((o) => o.kind === 'ConfigMap' && o.name === from.configMapRef.name);
      if (map === undefined) throw new Error(`${w.file}: no ConfigMap ${from.configMapRef.name}`);
      Object.assign(env, map.body.data);
    }
    if (from.secretRef) {
      if (from.secretRef.name !== 'tagspace') throw new Error(`${w.file}: a Secret other than tagspace`);
      Object.assign(env, secret);
    }
  }
  for (const e of c.env ?? []) {
    if (typeof e.value !== 'string') throw new Error(`${w.file}: ${e.name} has no literal value`);
    env[e.name] = e.value;
  }
  return env;
}
