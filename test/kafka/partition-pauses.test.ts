import { describe, expect, it } from 'vitest';
import { PartitionPauses } from '../../src/kafka/partition-pauses.js';

function recorder() {
  const calls: { pause: number[]; resume: number[] }[] = [];
  const pauses = new PartitionPauses((pause, resume) => calls.push({ pause, resume }));
  return { calls, pauses };
}

describe('PartitionPauses', () => {
  it('pauses held partitions and those with orphans, and resumes them when both clear', () => {
    const { calls, pauses } = recorder();
    const orphans = new Set([2]);
    pauses.hold([1]);
    pauses.sync([0, 1, 2], (p) => orphans.has(p));
    expect(calls).toEqual([{ pause: [1, 2], resume: [] }]);
    expect(pauses.isPaused(1)).toBe(true);
    expect(pauses.isPaused(0)).toBe(false);

    pauses.release([1]);
    orphans.clear();
    pauses.sync([0, 1, 2], (p) => orphans.has(p));
    expect(calls[1]).toEqual({ pause: [], resume: [1, 2] });
  });

  it('makes no call when nothing changes', () => {
    const { calls, pauses } = recorder();
    pauses.hold([0]);
    pauses.sync([0], () => false);
    pauses.sync([0], () => false);
    expect(calls).toHaveLength(1);
  });

  it('pauses again after a rejoin made it forget, and ignores partitions it does not own', () => {
    const { calls, pauses } = recorder();
    pauses.hold([0, 5]);
    pauses.sync([0], () => false);
    pauses.forgetPaused();
    pauses.sync([0], () => false);
    expect(calls).toEqual([
      { pause: [0], resume: [] },
      { pause: [0], resume: [] },
    ]);
  });
});
