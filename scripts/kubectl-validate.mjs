#!/usr/bin/env node
// kubectl-validate (Kubernetes SIG CLI), to check deploy/kubernetes/ offline against the schemas of
// a Kubernetes release it carries: unknown fields and wrong types are refused, as an API server
// refuses them. Built once from the Go module proxy and cached, like Jaeger and Prometheus.
//
//   node scripts/kubectl-validate.mjs      build it unless cached; print its path
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './background-process.mjs';
import { buildGoProgram } from './go-program.mjs';

export const KUBECTL_VALIDATE_VERSION = process.env.KUBECTL_VALIDATE_VERSION || 'v0.0.4';
const MODULE = 'sigs.k8s.io/kubectl-validate';

/** Builds kubectl-validate into the cache unless it is already there; returns its path. */
export function ensureKubectlValidate({ log = console.log } = {}) {
  const dir = path.join(cacheRoot(), 'kubectl-validate', KUBECTL_VALIDATE_VERSION);
  return buildGoProgram({
    module: MODULE,
    version: KUBECTL_VALIDATE_VERSION,
    pkg: MODULE,
    binary: path.join(dir, 'kubectl-validate'),
    workDir: path.join(dir, 'build'),
    log: (line) => log(`kubectl-validate: ${line}`),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  ensureKubectlValidate()
    .then((bin) => console.log(`kubectl-validate: ${bin}`))
    .catch((err) => {
      console.error(`kubectl-validate: ${err.message}`);
      process.exit(1);
    });
}
