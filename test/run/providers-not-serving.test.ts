import { describe, expect, it } from 'vitest';
import type { BreakerRecord } from '../../src/router/router-metrics.js';
import { providersNotServing } from '../../src/run/providers-not-serving.js';

const UNREACHABLE = 'gemini is unreachable at 127.0.0.1:1: fetch failed';

function change(time: string, to: string, reason: string, error?: string): BreakerRecord {
  return {
    time: `2026-12-06T12:${time}Z`,
    provider: 'gemini',
    from: '',
    to,
    reason,
    ...(error !== undefined && { error }),
  };
}

describe('providersNotServing', () => {
  it('says which provider failures kept from serving to the end, since when, and the failure', () => {
    const spell = [
      change('21:49.000', 'open', '5 failures in a row', UNREACHABLE),
      change('21:54.000', 'half_open', 'cool-down over'),
      change('21:54.010', 'open', 'probe failed', UNREACHABLE),
      change('22:04.010', 'half_open', 'cool-down over'),
    ];
    expect(providersNotServing(spell)).toEqual([
      `gemini not serving since 2026-12-06T12:21:49.000Z: probe failed, the last: ${UNREACHABLE}`,
    ]);
  });

  it('says nothing of a provider that served again, or that a retry hint holds', () => {
    const back = [
      change('21:49.000', 'open', '5 failures in a row', UNREACHABLE),
      change('21:54.000', 'half_open', 'cool-down over'),
      change('21:54.300', 'closed', 'probe succeeded'),
    ];
    expect(providersNotServing(back)).toEqual([]);
    const quota = [change('21:49.000', 'open', 'retry hint 59000 ms', 'gemini 429: You exceeded your quota')];
    expect(providersNotServing(quota)).toEqual([]);
  });

  it('counts the spell from the opening after the last close', () => {
    const twice = [
      change('10:00.000', 'open', '5 failures in a row', 'gemini 503: overloaded'),
      change('10:05.000', 'half_open', 'cool-down over'),
      change('10:05.200', 'closed', 'probe succeeded'),
      change('21:49.000', 'open', '5 failures in a row', UNREACHABLE),
    ];
    expect(providersNotServing(twice)).toEqual([
      `gemini not serving since 2026-12-06T12:21:49.000Z: 5 failures in a row, the last: ${UNREACHABLE}`,
    ]);
  });

  it('says a provider whose daily quota is spent is not serving, with no failure to quote', () => {
    const spent = [change('21:49.000', 'open', 'quota exhausted')];
    expect(providersNotServing(spent)).toEqual([
      'gemini not serving since 2026-12-06T12:21:49.000Z: quota exhausted',
    ]);
  });
});
