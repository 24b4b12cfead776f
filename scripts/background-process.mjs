// Shared plumbing for the scripts that run local infrastructure (Kafka, Jaeger) in the background:
// where the cache lives, pid files, stopping with a deadline, and polling instead of sleeping.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `${XDG_CACHE_HOME:-$HOME/.cache}/tagspace`, shared by every clone on the machine. */
export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tagspace');
}

export function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // A zombie still answers kill(0); it is not running.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

/** The pid in `pidFile` when that process is alive and its command line contains `marker`. */
export function runningPid(pidFile, marker) {
  let pid;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
  } catch {
    return undefined;
  }
  if (!pidAlive(pid)) return undefined;
  // Guards against a recycled pid: the process must still be the one we started.
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    if (!cmdline.includes(marker)) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

/** Starts `command` detached from this process, output appended to `logFile`; returns the child. */
export function spawnDetached(command, args, { cwd, env, logFile, pidFile }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  child.unref();
  return child;
}

export async function waitUntil(check, { timeoutMs, intervalMs = 250, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** SIGTERM, wait up to `timeoutMs` for the process to go, then SIGKILL. Returns how it ended. */
export async function stopPid(pid, { timeoutMs }) {
  if (!pidAlive(pid)) return 'gone';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  try {
    await waitUntil(() => !pidAlive(pid), { timeoutMs, intervalMs: 100, what: `pid ${pid} to exit` });
    return 'terminated';
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return 'gone';
    }
    await waitUntil(() => !pidAlive(pid), { timeoutMs: 10_000, intervalMs: 100, what: `pid ${pid} to die` });
    return 'killed';
  }
}

/** Runs a command to completion without blocking the event loop; rejects with its stderr on failure. */
export function runCommand(command, args, { cwd, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (err) => reject(new Error(`${command} ${args.join(' ')}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr.trim()}`),
        );
    });
  });
}

export function logTail(logFile, lines = 40) {
  try {
    return fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
