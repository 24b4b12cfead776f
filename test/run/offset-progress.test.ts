import { describe, expect, it } from 'vitest';
import { OffsetProgress } from '../../src/run/offset-progress.js';

function counter() {
  const c = {
    done: 0,
    total: -1,
    add: (n: number) => void (c.done += n),
    setTotal: (n: number) => void (c.total = n),
  };
  return c;
}

describe('OffsetProgress', () => {
  it('counts offsets up to the end offsets fixed at start, gaps of a compacted topic included', () => {
    const c = counter();
    const p = new OffsetProgress(c, [
      { partition: 0, low: '10', high: '20' },
      { partition: 1, low: '0', high: '5' },
      { partition: 2, low: '7', high: '7' },
    ]);
    expect(c.total).toBe(15);
    p.finished(0, '10');
    p.finished(0, '14'); // 11–13 compacted away
    p.finished(1, '0');
    expect(c.done).toBe(5 + 1);
  });

  it('counts pages finished out of order once, and nothing of a partition read to its end already', () => {
    const c = counter();
    const p = new OffsetProgress(c, [{ partition: 0, low: '0', high: '10' }]);
    p.finished(0, '5');
    p.finished(0, '3');
    p.finished(0, '5');
    p.finished(4, '2');
    expect(c.done).toBe(6);
  });

  it('reaches the total on completion, where the last offsets are markers no record stands on', () => {
    const c = counter();
    const p = new OffsetProgress(c, [{ partition: 0, low: '0', high: '10' }]);
    p.finished(0, '8');
    p.complete();
    expect(c.done).toBe(10);
    p.complete();
    expect(c.done).toBe(10);
  });
});
