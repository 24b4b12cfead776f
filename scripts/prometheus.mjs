#!/usr/bin/env node
// Prometheus's promtool, to check and unit-test deploy/prometheus/tagspace-alerts.yml. Built once
// from the Go module proxy (the v0.x tags of github.com/prometheus/prometheus are its releases:
// v0.316.0 is Prometheus 3.x's promtool) and cached.
//
//   node scripts/promtool.mjs            build unless cached; print its path
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './background-process.mjs';
import { buildGoProgram } from './go-program.mjs';

export const PROMETHEUS_VERSION = process.env.PROMETHEUS_VERSION || 'v0.316.0';
const MODULE = 'github.com/prometheus/prometheus';

/** Builds promtool into the cache unless it is already there; returns its path. */
export function ensurePromtool({ log = console.log } = {}) {
  const dir = path.join(cacheRoot(), 'promtool', PROMETHEUS_VERSION);
  return buildGoProgram({
    module: MODULE,
    version: PROMETHEUS_VERSION,
    pkg: `${MODULE}/cmd/promtool`,
    binary: path.join(dir, 'promtool'),
    workDir: path.join(dir, 'build'),
    log: (line) => log(`promtool: ${line}`),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  ensurePromtool().then(
    (binary) => console.log(`promtool: ${binary}`),
    (err) => {
      console.error(`promtool: ${err.message}`);
      process.exit(1);
    },
  );
}
