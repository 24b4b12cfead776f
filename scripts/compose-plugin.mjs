#!/usr/bin/env node
// Makes `docker compose` work where only the docker client is installed, so docker-compose.yml can
// be checked with `docker compose config`. Debian 12 packages only Compose v1 (a Python program,
// not a CLI plugin), so Compose v2 is built from the Go module proxy once, cached, and installed as
// ${DOCKER_CONFIG:-~/.docker}/cli-plugins/docker-compose.
//
//   node scripts/compose-plugin.mjs          install if `docker compose` is missing (cached build)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './background-process.mjs';
import { buildGoProgram } from './go-program.mjs';

export const COMPOSE_VERSION = process.env.COMPOSE_VERSION || 'v2.40.3';
const MODULE = 'github.com/docker/compose/v2';

function pluginPath() {
  const dockerConfig = process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  return path.join(dockerConfig, 'cli-plugins', 'docker-compose');
}

/** True when `docker compose version` answers. */
export function composeWorks() {
  const res = spawnSync('docker', ['compose', 'version'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  return res.status === 0;
}

/** Installs the Compose v2 plugin unless `docker compose` already works; returns the plugin path. */
export async function ensureComposePlugin({ log = console.log } = {}) {
  const target = pluginPath();
  if (composeWorks()) return target;
  const dir = path.join(cacheRoot(), 'compose', COMPOSE_VERSION);
  const binary = await buildGoProgram({
    module: MODULE,
    version: COMPOSE_VERSION,
    pkg: `${MODULE}/cmd`,
    binary: path.join(dir, 'docker-compose'),
    workDir: path.join(dir, 'build'),
    ldflags: `-s -w -X ${MODULE}/internal.Version=${COMPOSE_VERSION}`,
    log: (line) => log(`compose: ${line}`),
  });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(binary, `${target}.tmp`);
  fs.chmodSync(`${target}.tmp`, 0o755);
  fs.renameSync(`${target}.tmp`, target);
  if (!composeWorks()) throw new Error(`installed ${target}, but \`docker compose version\` still fails`);
  log(`compose: installed ${target}`);
  return target;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  ensureComposePlugin().then(
    (target) => {
      const res = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
      console.log(`compose: ${res.stdout.trim()} (${target})`);
    },
    (err) => {
      console.error(`compose: ${err.message}`);
      process.exit(1);
    },
  );
}
