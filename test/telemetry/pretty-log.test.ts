import { describe, expect, it } from 'vitest';
import { prettyLogLine } from '../../src/telemetry/pretty-log.js';

describe('prettyLogLine', () => {
  const at = new Date(2026, 0, 3, 20, 52, 7, 45).toISOString();

  it('writes time, level, component, message and the fields as key=value', () => {
    const line = JSON.stringify({
      level: 'info',
      time: at,
      component: 'concurrency-limit',
      reason: 'rate_limit_error_429',
      old: 5,
      new: 3,
      at: '2026-01-03T20:52:00.000Z',
      msg: 'concurrency changed',
    });
    expect(prettyLogLine(line, { colour: false })).toBe(
      '20:52:07.045 INFO  [concurrency-limit] concurrency changed  reason=rate_limit_error_429 old=5 new=3 at=2026-01-03T20:52:00.000Z',
    );
  });

  it('quotes strings with spaces and shows objects as JSON', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: at,
      msg: 'x',
      err: 'socket hang up',
      partitions: [0, 1],
    });
    expect(prettyLogLine(line, { colour: false })).toBe(
      '20:52:07.045 WARN  x  err="socket hang up" partitions=[0,1]',
    );
  });

  it('colours the level on a terminal', () => {
    const line = JSON.stringify({
      level: 'error',
      time: at,
      component: 'router',
      msg: 'provider unusable',
    });
    expect(prettyLogLine(line, { colour: true })).toContain('\x1b[31mERROR\x1b[0m');
  });

  it('passes anything that is not a JSON object through unchanged', () => {
    expect(prettyLogLine('not json', { colour: false })).toBe('not json');
    expect(prettyLogLine('[1,2]', { colour: false })).toBe('[1,2]');
  });
});
