import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../../src/run/progress.js';
import { RunStats } from '../../src/run/run-stats.js';
import { captureLogs } from '../router/router-fixtures.js';

const SECOND = 1_000;

/** The progress lines logged so far, as [events, accounted] pairs. */
function progressLines(lines: string[]): [number, number][] {
  return lines
    .map((l) => JSON.parse(l) as { msg: string; events: number; accounted: number })
    .filter((l) => l.msg === 'progress')
    .map((l) => [l.events, l.accounted]);
}

describe('Progress', () => {
  let lines: string[];
  let stats: RunStats;
  let progress: Progress;

  beforeEach(() => {
    vi.useFakeTimers();
    lines = captureLogs();
    stats = new RunStats();
    progress = new Progress(stats, undefined, { tty: false, logEveryMs: 10 * SECOND });
    progress.start();
  });

  afterEach(() => {
    progress.stop();
    vi.useRealTimers();
  });

  it('logs a line at once, then every logEveryMs while events are outstanding, even if none is finished', () => {
    stats.received();
    vi.advanceTimersByTime(35 * SECOND);
    // A stall: the same numbers, line after line, so it shows.
    expect(progressLines(lines)).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
  });

  it('logs an idle run every five minutes instead of every ten seconds', () => {
    vi.advanceTimersByTime(10 * 60 * SECOND + SECOND);
    // At 0.5 s, 300.5 s and 600.5 s.
    expect(progressLines(lines)).toHaveLength(3);
  });

  it('logs the line after work finished at the short interval, then goes quiet', () => {
    vi.advanceTimersByTime(60 * SECOND);
    stats.received();
    vi.advanceTimersByTime(SECOND);
    expect(progressLines(lines)).toEqual([
      [0, 0],
      [1, 0],
    ]);
    stats.tagged++;
    vi.advanceTimersByTime(10 * SECOND);
    vi.advanceTimersByTime(4 * 60 * SECOND);
    expect(progressLines(lines)).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
  });
});
