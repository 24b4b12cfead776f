import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// By path, so the CLI can run from any working directory (tsx is resolved from the repo, not the cwd).
const TSX_LOADER = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits. */
  exited: Promise<CliResult>;
}

/** The environment a fresh shell would give: PATH and HOME, nothing of the test runner's. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    ...extra,
  };
}

/** Starts `tagspace <args>` from the sources (through tsx), as a user would run the built CLI. */
export function spawnCli(
  args: string[],
  env: Record<string, string> = cleanEnv(),
  cwd = REPO_ROOT,
): CliProcess {
  return spawnEntry([`${REPO_ROOT}src/cli.ts`, ...args], env, cwd);
}

/**
 * Starts `tagspace run <args>` on a shrunk clock (bench/scaled-run.ts: the provider's minute and
 * the router's other time constants multiplied by `scale`), against a simulator whose window is
 * that share of a minute.
 */
export function spawnScaledRun(scale: number, args: string[], env: Record<string, string>): CliProcess {
  return spawnEntry([`${REPO_ROOT}bench/scaled-run.ts`, String(scale), 'run', ...args], env, REPO_ROOT);
}

function spawnEntry(entry: string[], env: Record<string, string>, cwd: string): CliProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, ...entry], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<CliResult>((resolve) => {
    child.on('exit', (code, signal) => {
      // 'exit' can come before the pipes are drained; 'close' comes after.
      child.on('close', () => resolve({ code, signal, stdout, stderr }));
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs `tagspace <args>` to completion, killing it if it outlives the deadline. */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const p = spawnCli(args, opts.env ?? cleanEnv(), opts.cwd ?? REPO_ROOT);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Parses the structured (JSON) log lines of a run's stderr; other lines are skipped. */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
