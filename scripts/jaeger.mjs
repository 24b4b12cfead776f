#!/usr/bin/env node
// Jaeger v2 for tests and for users without Docker. Built once from the Go module proxy and cached;
// run with its built-in all-in-one config it keeps traces in memory, takes OTLP on 4317/4318 and
// serves the query API on 16686 (the UI is a placeholder: this build does not embed its assets).
//
//   node scripts/jaeger.mjs build | up | down | status
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cacheRoot,
  logTail,
  runningPid,
  seconds,
  spawnDetached,
  stopPid,
  waitUntil,
} from './background-process.mjs';
import { buildGoProgram } from './go-program.mjs';

// The v1.x tags are the installable ones; cmd/jaeger at these tags is Jaeger v2.
export const JAEGER_VERSION = process.env.JAEGER_VERSION || 'v1.76.0';
const MODULE = 'github.com/jaegertracing/jaeger';
const HOST = '127.0.0.1';

// The built-in all-in-one configuration (no --config), trimmed with --set to what tests use: the
// OTLP receiver and the query service. The rest binds fixed ports (8888 metrics, 9411 zipkin,
// 5778 sampling, 13133 health, 14250/14268 jaeger receivers, ...) that another process on a
// shared machine may hold, which would stop Jaeger from starting at all.
const TRIMMED_ALL_IN_ONE = [
  '--set=service.extensions=[jaeger_storage,jaeger_query]',
  '--set=service.pipelines.traces.receivers=[otlp]',
  '--set=service.telemetry.metrics.level=none',
  // The query service traces itself into 4317; that exporter outlives the receiver on shutdown
  // and holds the exit for 10 s.
  '--set=extensions.jaeger_query.enable_tracing=false',
  // The query service listens on every interface by default; loopback is enough here.
  `--set=extensions.jaeger_query.http.endpoint=${HOST}:16686`,
  `--set=extensions.jaeger_query.grpc.endpoint=${HOST}:16685`,
];

export const jaegerEndpoints = {
  queryUrl: `http://${HOST}:16686`,
  otlpHttpUrl: `http://${HOST}:4318`,
  otlpGrpcUrl: `http://${HOST}:4317`,
};

export function jaegerPaths(version = JAEGER_VERSION) {
  const root = path.join(cacheRoot(), 'jaeger');
  const run = path.join(root, 'run');
  return {
    buildDir: path.join(root, version, 'build'),
    binary: path.join(root, version, 'jaeger'),
    runDir: run,
    pidFile: path.join(run, 'jaeger.pid'),
    logFile: path.join(run, 'jaeger.log'),
  };
}

/** Builds the Jaeger binary into the cache unless it is already there; returns its path. */
export async function ensureJaeger({ log = console.log } = {}) {
  const paths = jaegerPaths();
  return buildGoProgram({
    module: MODULE,
    version: JAEGER_VERSION,
    pkg: `${MODULE}/cmd/jaeger`,
    binary: paths.binary,
    workDir: paths.buildDir,
    log: (line) => log(`jaeger: ${line}`),
  });
}

export async function isJaegerUp({ timeoutMs = 1000 } = {}) {
  try {
    const res = await fetch(`${jaegerEndpoints.queryUrl}/api/services`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts Jaeger in the background unless one already answers. `started` says whether this call
 * started it, so a caller stops only what it started.
 */
export async function startJaeger({ timeoutMs = 60_000, log = console.log } = {}) {
  const paths = jaegerPaths();
  if (await isJaegerUp()) {
    const pid = runningPid(paths.pidFile, paths.binary);
    log(`jaeger: already running at ${jaegerEndpoints.queryUrl}${pid ? ` (pid ${pid})` : ''}`);
    return { started: false, pid, ...jaegerEndpoints };
  }
  const binary = await ensureJaeger({ log });
  const began = Date.now();
  fs.mkdirSync(paths.runDir, { recursive: true });
  fs.writeFileSync(paths.logFile, '');
  const child = spawnDetached(binary, TRIMMED_ALL_IN_ONE, {
    cwd: paths.runDir,
    env: { ...process.env, JAEGER_LISTEN_HOST: HOST },
    logFile: paths.logFile,
    pidFile: paths.pidFile,
  });
  let exited = null;
  child.on('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
  try {
    await waitUntil(
      async () => {
        if (exited) throw new Error(`jaeger stopped during start (${exited})`);
        return isJaegerUp();
      },
      { timeoutMs, what: `${jaegerEndpoints.queryUrl}/api/services` },
    );
  } catch (err) {
    await stopPid(child.pid, { timeoutMs: 5000 });
    throw new Error(`${err.message}\n--- ${paths.logFile} (tail) ---\n${logTail(paths.logFile)}`);
  }
  log(`jaeger: up at ${jaegerEndpoints.queryUrl} (pid ${child.pid}) in ${seconds(Date.now() - began)}`);
  return { started: true, pid: child.pid, ...jaegerEndpoints };
}

/** Stops the Jaeger this cache started; returns false when none was running. */
export async function stopJaeger({ timeoutMs = 15_000, log = console.log } = {}) {
  const paths = jaegerPaths();
  const pid = runningPid(paths.pidFile, paths.binary);
  if (pid === undefined) {
    log('jaeger: not running');
    return false;
  }
  const how = await stopPid(pid, { timeoutMs });
  fs.rmSync(paths.pidFile, { force: true });
  log(`jaeger: stopped (pid ${pid}, ${how})`);
  return true;
}

async function main(command) {
  switch (command) {
    case 'build':
      console.log(`jaeger: ${await ensureJaeger()}`);
      return;
    case 'up':
      await startJaeger();
      return;
    case 'down':
      await stopJaeger();
      return;
    case 'status': {
      const up = await isJaegerUp();
      console.log(`jaeger: ${up ? 'up' : 'down'} (${jaegerEndpoints.queryUrl})`);
      process.exitCode = up ? 0 : 3;
      return;
    }
    default:
      throw new Error('usage: node scripts/jaeger.mjs build|up|down|status');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv[2]).catch((err) => {
    console.error(`jaeger: ${err.message}`);
    process.exit(1);
  });
}
