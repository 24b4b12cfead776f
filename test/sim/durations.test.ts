import { describe, expect, it } from 'vitest';
import { formatExactSeconds, formatGoDuration, formatRetryDelay } from '../../src/sim/durations.js';

describe('formatRetryDelay', () => {
  it('drops the fraction of a second, as Gemini does in RetryInfo', () => {
    expect(formatRetryDelay(42_100)).toBe('42s');
    expect(formatRetryDelay(12_000)).toBe('12s');
    expect(formatRetryDelay(6_871.3)).toBe('6s');
    expect(formatRetryDelay(1_999)).toBe('1s');
  });

  it('says 0s for a wait under a second', () => {
    expect(formatRetryDelay(350)).toBe('0s');
    expect(formatRetryDelay(0.2)).toBe('0s');
  });
});

describe('formatExactSeconds', () => {
  it('spells the exact wait to the nanosecond, as the message does', () => {
    expect(formatExactSeconds(6_871.308817)).toBe('6.871308817s');
    expect(formatExactSeconds(350)).toBe('0.35s');
    expect(formatExactSeconds(12_000)).toBe('12s');
  });
});

describe('formatGoDuration', () => {
  it('spells waits the way Go prints a time.Duration', () => {
    expect(formatGoDuration(120)).toBe('120ms');
    expect(formatGoDuration(1_000)).toBe('1s');
    expect(formatGoDuration(1_500)).toBe('1.5s');
    expect(formatGoDuration(360_000)).toBe('6m0s');
    expect(formatGoDuration(90_500)).toBe('1m30.5s');
    expect(formatGoDuration(3_723_000)).toBe('1h2m3s');
    expect(formatGoDuration(0)).toBe('0s');
  });
});

describe('formatRetryDelay on a time-scaled clock', () => {
  it('cuts to whole simulated seconds when a second is shorter than 1000 ms', () => {
    expect(formatRetryDelay(4_210, 100)).toBe('4.2s');
    expect(formatRetryDelay(4_300, 100)).toBe('4.3s');
    expect(formatRetryDelay(99, 100)).toBe('0s');
  });
});
