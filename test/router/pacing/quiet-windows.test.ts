import { describe, expect, it } from 'vitest';
import { QuietWindows } from '../../../src/router/pacing/quiet-windows.js';

const none = { requests: undefined, tokens: undefined };

describe('QuietWindows', () => {
  it('waits three quiet windows at first, and one after a reading that rests on an assumption', () => {
    const q = new QuietWindows();
    expect(q.windows).toBe(3);
    expect(q.forKey(undefined, none, 1)).toBe(3);
    q.uncertain();
    expect(q.windows).toBe(1);
  });

  it('halves the quiet windows after a kept request trial, never below one', () => {
    const q = new QuietWindows();
    q.kept();
    expect(q.windows).toBe(1.5);
    q.kept();
    q.kept();
    expect(q.windows).toBe(1);
  });

  it('doubles the quiet windows after a failed trial, at most eight', () => {
    const q = new QuietWindows();
    q.failed();
    expect(q.windows).toBe(6);
    q.failed();
    expect(q.windows).toBe(8);
    q.halved();
    expect(q.windows).toBe(8);
  });

  it('doubles them when a kept gain proved too high', () => {
    const q = new QuietWindows();
    q.halved();
    expect(q.windows).toBe(6);
  });

  it('tries half a window after a drop, at most a window apart while the quota may come back, then as before the drop', () => {
    const q = new QuietWindows();
    q.failed();
    q.dropped();
    expect(q.mayComeBack).toBe(true);
    expect(q.windows).toBe(0.5);
    q.failed();
    expect(q.windows).toBe(1);
    q.failed();
    expect(q.windows).toBe(1);
    // A second drop before the return keeps the pace before the first.
    q.dropped();
    q.back();
    expect(q.mayComeBack).toBe(false);
    expect(q.windows).toBe(6);
    // Back with no drop: nothing to go back to.
    q.back();
    expect(q.windows).toBe(6);
  });

  it('paces the steps tried while the key is full on their own windows, 1 doubling to 8, the dropped quota’s pace untouched', () => {
    const q = new QuietWindows();
    q.dropped();
    const key = { requests: 12 };
    const level = { requests: 10, tokens: undefined };
    expect(q.forKey(key, level, 1)).toBe(1);
    for (const want of [2, 4, 8, 8]) {
      q.keyFullFailed();
      expect(q.forKey(key, level, 1)).toBe(want);
    }
    expect(q.windows).toBe(0.5);
  });

  it('tries no step while the key is full unless what it holds passes the level by a request or by more than half a call', () => {
    const q = new QuietWindows();
    expect(q.forKey({ requests: 10 }, { requests: 10, tokens: undefined }, 1)).toBeUndefined();
    expect(q.forKey({ requests: 11 }, { requests: 10, tokens: undefined }, 1)).toBe(1);
    expect(q.forKey({ tokens: 20_500 }, { requests: undefined, tokens: 20_000 }, 1_000)).toBeUndefined();
    expect(q.forKey({ tokens: 20_501 }, { requests: undefined, tokens: 20_000 }, 1_000)).toBe(1);
  });
});
