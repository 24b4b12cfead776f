import { describe, expect, it } from 'vitest';
import { formatGoDuration, formatGoogleDuration } from '../../src/sim/durations.js';

describe('formatGoogleDuration', () => {
  it('rounds a wait of a second or more up to whole seconds', () => {
    expect(formatGoogleDuration(42_100)).toBe('43s');
    expect(formatGoogleDuration(12_000)).toBe('12s');
    expect(formatGoogleDuration(1_001)).toBe('2s');
  });

  it('keeps milliseconds below a second', () => {
    expect(formatGoogleDuration(350)).toBe('0.35s');
    expect(formatGoogleDuration(0.2)).toBe('0.001s');
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

describe('formatGoogleDuration on a time-scaled clock', () => {
  it('rounds up to simulated seconds when a second is shorter than 1000 ms', () => {
    expect(formatGoogleDuration(4_210, 100)).toBe('4.3s');
    expect(formatGoogleDuration(4_300, 100)).toBe('4.3s');
    expect(formatGoogleDuration(99, 100)).toBe('0.099s');
  });
});
