/**
 * bench/kafka-idle — what an idle `tagspace run` costs in CPU, with kafkajs's request queue as
 * `npm install` leaves it (scripts/patch-kafkajs.mjs) and as kafkajs publishes it, side by side in
 * one run.
 *
 * Each run: a fresh empty topic and group; `tagspace run` in a child process (src/cli.ts through
 * tsx) against the in-process provider simulator, which it never calls, since nothing arrives; once
 * /readyz answers 200 and a settling second has passed, the child's CPU time (utime + stime,
 * /proc/<pid>/stat) and its main thread's voluntary context switches (its wake-ups,
 * /proc/<pid>/status) over --seconds; then SIGTERM. The variants alternate, so drift hits both.
 *
 *   cpu ms/s   = Δ(utime + stime) / wall
 *   ratio      = as published ÷ as installed, of the medians
 *
 *   npx tsx bench/kafka-idle.ts [--brokers 127.0.0.1:19092] [--seconds 20] [--repeat 3]
 *
 * Needs a broker (npm run kafka:up) and Linux's /proc. Not part of npm test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  },
});
const seconds = Number(values.seconds);
const repeat = Number(values.repeat);
setLogLevel('silent');

type Variant = 'as installed' | 'as published';
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

async function measure(variant: Variant, simUrl: string, run: string): Promise<Reading> {
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
    [...preload, '--import', TSX_LOADER, `${ROOT}src/cli.ts`, 'run', ...flags],
    {
      cwd: ROOT,
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

const sim = await startSimulator();
const readings: Record<Variant, Reading[]> = { 'as installed': [], 'as published': [] };
try {
  for (let i = 0; i < repeat; i++) {
    for (const variant of ['as installed', 'as published'] as const) {
      const run = `${Date.now().toString(36)}-${i}`;
      const r = await measure(variant, sim.url, run);
      readings[variant].push(r);
      process.stderr.write(
        `  ${variant}, run ${i + 1}: ${r.cpuMsPerS.toFixed(1)} cpu ms/s, ${r.wakeupsPerS.toFixed(0)} wake-ups/s\n`,
      );
    }
  }
} finally {
  await sim.close();
}

console.log(`\nbench/kafka-idle: an idle \`tagspace run\`, ${seconds} s a run, ${repeat} runs a variant\n`);
console.log('| request queue | cpu ms/s (runs) | median | wake-ups/s (median) |');
console.log('|---|---|---|---|');
for (const variant of ['as installed', 'as published'] as const) {
  const rs = readings[variant];
  const cpu = rs.map((r) => r.cpuMsPerS);
  console.log(
    `| ${variant} | ${cpu.map((c) => c.toFixed(1)).join(', ')} | ${median(cpu).toFixed(1)} | ${median(rs.map((r) => r.wakeupsPerS)).toFixed(0)} |`,
  );
}
const ratio =
  median(readings['as published'].map((r) => r.cpuMsPerS)) /
  median(readings['as installed'].map((r) => r.cpuMsPerS));
console.log(`\nratio (as published ÷ as installed, cpu): ${ratio.toFixed(1)}×`);
