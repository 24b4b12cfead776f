import { readFileSync } from 'node:fs';

/** One reading of a process's memory from /proc/<pid>/status (Linux). */
export interface MemorySample {
  atMs: number;
  /** VmRSS: resident now. */
  rssMb: number;
  /** VmHWM: the peak resident set so far. */
  hwmMb: number;
}

/** Reads VmRSS and VmHWM of a live process; undefined once it is gone. */
export function sampleMemory(pid: number, now: () => number = Date.now): MemorySample | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  if (!Number.isFinite(rss) || !Number.isFinite(hwm)) return undefined;
  return { atMs: now(), rssMb: Math.round(rss / 1024), hwmMb: Math.round(hwm / 1024) };
}
