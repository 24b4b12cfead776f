/**
 * bench/kafka-idle — what an idle `tagspace run` costs in CPU, with kafkajs's request queue as
 * `npm install` leaves it (scripts/patch-kafkajs.mjs) and as kafkajs publishes it, side by side in
 * one run; or, with --against REV, this tree against the commit REV (checked out in a temporary
 * git worktree that shares this node_modules).
 *
 * Each run: a fresh empty topic and group; `tagspace run` in a child process (src/cli.ts through
 * tsx) against the in-process provider simulator, which it never calls, since nothing arrives; once
 * /readyz answers 200 and a settling second has passed, the child's CPU time (utime + stime,
 * /proc/<pid>/stat) and its main thread's voluntary context switches (its wake-ups,
 * /proc/<pid>/status) over --seconds; then SIGTERM. The variants alternate, so drift hits both.
 *
 *   cpu ms/s   = Δ(utime + stime) / wall
 *   ratio      = the other variant ÷ this tree (as installed), of the medians
 *
 *   npx tsx bench/kafka-idle.ts [--brokers 127.0.0.1:19092] [--seconds 20] [--repeat 3] [--against REV]
 *
 * Needs a broker (npm run kafka:up) and Linux's /proc. Not part of npm test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setLogLevel } from '../src/telemetry/log.js';
import { startSimulator } from '../src/sim/simulator.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
const AS_PUBLISHED = `${ROOT}bench/kafkajs-queue-as-published.mjs`;
/** Clock ticks a second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: '127.0.0.1:19092' },
    seconds: { type: 'string', default: '20' },
    repeat: { type: 'string', default: '3' },
    against: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const repeat = Number(values.repeat);
setLogLevel('silent');

/** 'as installed' and 'as published'; or 'this tree' and the commit named by --against. */
type Variant = string;
const INSTALLED = values.against === undefined ? 'as installed' : 'this tree';
const other: Variant = values.against ?? 'as published';
const variants = [INSTALLED, other];
interface Reading {
  cpuMsPerS: number;
  wakeupsPerS: number;
}

/** CPU ticks (utime + stime) and voluntary context switches of a live process. */
function usage(pid: number): { ticks: number; switches: number } {
  // The command name (field 2) may hold spaces; the fields after it start past its ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const switches = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  return { ticks, switches };
}

async function until(
  what: string,
  deadlineMs: number,
  check: () => Promise<boolean> | boolean,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`kafka-idle: ${what} not within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function measure(variant: Variant, root: string, simUrl: string, run: string): Promise<Reading> {
  const flags = [
    ...['--brokers', values.brokers, '--topic', `idle-${run}`, '--group', `idle-${run}`],
    ...[
      '--tags-topic',
      `idle-${run}-tags`,
      '--dlq-topic',
      `idle-${run}-dlq`,
      '--quota-topic',
      `idle-${run}-quota`,
    ],
    ...['--gemini-base-url', simUrl, '--metrics-port', '0', '--log-level', 'info'],
  ];
  const preload = variant === 'as published' ? ['--import', AS_PUBLISHED] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...preload, '--import', TSX_LOADER, `${root}src/cli.ts`, 'run', ...flags],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    let metricsUrl: string | undefined;
    await until('the metrics server', 60_000, () => {
      metricsUrl = /"url":"(http:[^"]+)\/metrics"/.exec(stderr)?.[1];
      return metricsUrl !== undefined;
    });
    await until(
      'ready',
      60_000,
      async () => (await fetch(`${metricsUrl}/readyz`).catch(() => undefined))?.ok === true,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const pid = child.pid as number;
    const before = usage(pid);
    const start = Date.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    const after = usage(pid);
    const wallS = (Date.now() - start) / 1_000;
    return {
      cpuMsPerS: ((after.ticks - before.ticks) * (1_000 / TICKS_PER_S)) / wallS,
      wakeupsPerS: (after.switches - before.switches) / wallS,
    };
  } finally {
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) process.stderr.write(`kafka-idle: ${variant} exited ${code}\n${stderr.slice(-2_000)}\n`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The tree a variant runs: this one, or REV's in a temporary worktree. */
function checkout(rev: string): { root: string; remove: () => void } {
  const dir = mkdtempSync(`${tmpdir()}/kafka-idle-`);
  execFileSync('git', ['-C', ROOT, 'worktree', 'add', '--detach', '--quiet', dir, rev]);
  symlinkSync(`${ROOT}node_modules`, `${dir}/node_modules`);
  return {
    root: `${dir}/`,
    remove: () => {
      execFileSync('git', ['-C', ROOT, 'worktree', 'remove', '--force', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const tree = values.against === undefined ? undefined : checkout(values.against);
const rootOf = (v: Variant) => (v === INSTALLED ? ROOT : (tree?.root ?? ROOT));
const sim = await startSimulator();
const readings = new Map<Variant, Reading[]>(variants.map((v) => [v, []]));
const readingsOf = (v: Variant) => readings.get(v) ?? [];
try {
  for (let i = 0; i < repeat; i++) {
    for (const variant of variants) {
      const run = `${Date.now().toString(36)}-${i}`;
      const r = await measure(variant, rootOf(variant), sim.url, run);
      readingsOf(variant).push(r);
      process.stderr.write(
        `  ${variant}, run ${i + 1}: ${r.cpuMsPerS.toFixed(1)} cpu ms/s, ${r.wakeupsPerS.toFixed(0)} wake-ups/s\n`,
      );
    }
  }
} finally {
  await sim.close();
  tree?.remove();
}

console.log(`\nbench/kafka-idle: an idle \`tagspace run\`, ${seconds} s a run, ${repeat} runs a variant\n`);
console.log(
  `| ${values.against === undefined ? 'request queue' : 'tree'} | cpu ms/s (runs) | median | wake-ups/s (median) |`,
);
console.log('|---|---|---|---|');
for (const variant of variants) {
  const rs = readingsOf(variant);
  const cpu = rs.map((r) => r.cpuMsPerS);
  console.log(
    `| ${variant} | ${cpu.map((c) => c.toFixed(1)).join(', ')} | ${median(cpu).toFixed(1)} | ${median(rs.map((r) => r.wakeupsPerS)).toFixed(0)} |`,
  );
}
const medianOf = (v: Variant, f: (r: Reading) => number) => median(readingsOf(v).map(f));
const cpuRatio = medianOf(other, (r) => r.cpuMsPerS) / medianOf(INSTALLED, (r) => r.cpuMsPerS);
const wakeRatio = medianOf(other, (r) => r.wakeupsPerS) / medianOf(INSTALLED, (r) => r.wakeupsPerS);
console.log(
  `\nratio (${other} ÷ ${INSTALLED}): cpu ${cpuRatio.toFixed(2)}×, wake-ups ${wakeRatio.toFixed(2)}×`,
);
