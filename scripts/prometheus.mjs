#!/usr/bin/env node
// Prometheus and its promtool, to check, unit-test and run deploy/prometheus/tagspace-alerts.yml
// against a real tagspace. Built once from the Go module proxy (the v0.x tags of
// github.com/prometheus/prometheus are its releases: v0.316.0 is Prometheus 3.16.0) and cached.
// This build serves no web UI (its assets are not embedded); the HTTP API and the rules engine are
// the release's.
//
//   node scripts/prometheus.mjs            build both unless cached; print their paths
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './background-process.mjs';
import { buildGoProgram } from './go-program.mjs';

export const PROMETHEUS_VERSION = process.env.PROMETHEUS_VERSION || 'v0.316.0';
const MODULE = 'github.com/prometheus/prometheus';

function build(program, log) {
  const dir = path.join(cacheRoot(), 'prometheus', PROMETHEUS_VERSION);
  return buildGoProgram({
    module: MODULE,
    version: PROMETHEUS_VERSION,
    pkg: `${MODULE}/cmd/${program}`,
    binary: path.join(dir, program),
    workDir: path.join(dir, `build-${program}`),
    log: (line) => log(`${program}: ${line}`),
  });
}

/** Builds promtool into the cache unless it is already there; returns its path. */
export function ensurePromtool({ log = console.log } = {}) {
  return build('promtool', log);
}

/** Builds the Prometheus server into the cache unless it is already there; returns its path. */
export function ensurePrometheus({ log = console.log } = {}) {
  return build('prometheus', log);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  (async () => {
    console.log(`promtool: ${await ensurePromtool()}`);
    console.log(`prometheus: ${await ensurePrometheus()}`);
  })().catch((err) => {
    console.error(`prometheus: ${err.message}`);
    process.exit(1);
  });
}
