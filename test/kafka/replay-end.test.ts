import { describe, expect, it } from 'vitest';
import { ReplayEnd } from '../../src/kafka/replay-end.js';

describe('ReplayEnd', () => {
  it('is empty, and finished, when every partition was empty at start', () => {
    const end = new ReplayEnd(new Map());
    expect(end.empty).toBe(true);
    expect(end.finished).toBe(true);
  });

  it('finishes once every listed partition has been seen up to its end, not before', () => {
    const end = new ReplayEnd(
      new Map([
        [0, '10'],
        [2, '5'],
      ]),
    );
    expect(end.seenUpTo(0, '8')).toBe(false);
    expect(end.seenUpTo(0, '9')).toBe(false);
    expect(end.seenUpTo(2, '4')).toBe(true);
  });

  it('counts an offset at or past the end as the end reached', () => {
    const end = new ReplayEnd(new Map([[1, '3']]));
    expect(end.isPast(1, '2')).toBe(false);
    expect(end.isPast(1, '3')).toBe(true);
    expect(end.reach(1)).toBe(true);
  });

  it('treats a partition that was empty at start as past its end at once, without waiting for it', () => {
    const end = new ReplayEnd(new Map([[0, '2']]));
    expect(end.isPast(4, '0')).toBe(true);
    expect(end.seenUpTo(4, '100')).toBe(false);
  });
});
