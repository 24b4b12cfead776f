import { describe, expect, it } from 'vitest';
import { QuotaPeaks } from '../../../src/router/pacing/quota-peaks.js';

describe('QuotaPeaks', () => {
  it('keeps the highest level noted for each budget', () => {
    const peaks = new QuotaPeaks();
    peaks.note({ requests: 30, tokens: undefined });
    peaks.note({ requests: 20, tokens: 40_000 });
    expect(peaks.requests).toBe(30);
    expect(peaks.tokens).toBe(40_000);
  });

  it('takes a larger limit the provider reports as a peak, whole requests only', () => {
    const peaks = new QuotaPeaks();
    peaks.note({ requests: 30, tokens: 20_000 });
    peaks.reported('requests', 60.7);
    peaks.reported('tokens', 10_000);
    expect(peaks.requests).toBe(60);
    expect(peaks.tokens).toBe(20_000);
  });

  it('reads a level below nine tenths of the peak as a drop, and none without a peak', () => {
    const peaks = new QuotaPeaks();
    expect(peaks.dropBelow('requests', 1)).toBe(false);
    peaks.note({ requests: 60, tokens: undefined });
    expect(peaks.dropBelow('requests', 54)).toBe(false);
    expect(peaks.dropBelow('requests', 53)).toBe(true);
  });

  it('finds a dropped quota back at a request peak, but not while a token peak stands', () => {
    const peaks = new QuotaPeaks();
    peaks.note({ requests: 60, tokens: undefined });
    expect(peaks.reached(59)).toBe(false);
    expect(peaks.reached(60)).toBe(true);
    peaks.note({ requests: undefined, tokens: 40_000 });
    expect(peaks.reached(60)).toBe(false);
  });

  it('drops a token peak at or past the ceiling a fixed window refused at to the level', () => {
    const peaks = new QuotaPeaks();
    peaks.note({ requests: undefined, tokens: 5_500 });
    peaks.refused(5_600, 5_000);
    expect(peaks.tokens).toBe(5_500);
    peaks.refused(5_400, 5_000);
    expect(peaks.tokens).toBe(5_000);
  });

  it('lowers a peak to what its window held for certain once the window proves fixed, and only once', () => {
    const peaks = new QuotaPeaks();
    peaks.note({ requests: 18, tokens: 9_000 });
    peaks.sure('requests', 15);
    peaks.sure('tokens', 0);
    expect(peaks.doubt()).toBe(true);
    expect(peaks.requests).toBe(15);
    expect(peaks.tokens).toBeUndefined();
    expect(peaks.doubt()).toBe(false);
  });

  it('keeps a peak that what its window held for certain reaches', () => {
    const peaks = new QuotaPeaks();
    peaks.note({ requests: 15, tokens: undefined });
    peaks.sure('requests', 15);
    expect(peaks.doubt()).toBe(false);
    expect(peaks.requests).toBe(15);
  });
});
