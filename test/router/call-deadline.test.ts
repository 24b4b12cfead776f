import { describe, expect, it } from 'vitest';
import { CallDeadline } from '../../src/router/call-deadline.js';

const opts = { minMs: 1_000, maxMs: 60_000 };

describe('CallDeadline', () => {
  it('waits the whole provider timeout while it has seen no answer', () => {
    expect(new CallDeadline(opts).deadlineMs(10)).toBe(60_000);
  });

  it('waits the whole provider timeout until three answers of a call’s size show what is usual', () => {
    // A run with ten calls out on one fast answer (half the median) gave a call up at 1.75 × the
    // median while it was on its way.
    const d = new CallDeadline(opts);
    d.answered(2_980, 40);
    expect(d.deadlineMs(36)).toBe(60_000);
    d.answered(4_700, 40);
    expect(d.deadlineMs(36)).toBe(60_000);
    d.answered(5_200, 5);
    expect(d.deadlineMs(36)).toBe(60_000);
    d.answered(5_225, 40);
    expect(d.deadlineMs(36)).toBe(3 * 5_225);
  });

  it('allows three times the slowest recent answer of a call as large', () => {
    const d = new CallDeadline(opts);
    d.answered(2_000, 10);
    d.answered(3_000, 10);
    d.answered(2_500, 10);
    expect(d.deadlineMs(10)).toBe(9_000);
  });

  it('scales an answer up to a larger call, but learns nothing about one more than twice its size', () => {
    const d = new CallDeadline(opts);
    for (let i = 0; i < 3; i += 1) d.answered(2_000, 20);
    expect(d.deadlineMs(40)).toBe(12_000);
    expect(d.deadlineMs(10)).toBe(6_000);
    expect(d.deadlineMs(41)).toBe(60_000);
  });

  it('never goes below the floor nor above the provider timeout', () => {
    const d = new CallDeadline(opts);
    for (let i = 0; i < 3; i += 1) d.answered(100, 5);
    expect(d.deadlineMs(5)).toBe(1_000);
    d.answered(30_000, 5);
    expect(d.deadlineMs(5)).toBe(60_000);
  });

  it('doubles the allowance each time a deadline passes, and an answer resets it', () => {
    const d = new CallDeadline(opts);
    for (let i = 0; i < 3; i += 1) d.answered(2_000, 10);
    d.expired();
    expect(d.deadlineMs(10)).toBe(12_000);
    d.expired();
    expect(d.deadlineMs(10)).toBe(24_000);
    d.answered(2_000, 10);
    expect(d.deadlineMs(10)).toBe(6_000);
  });

  it('remembers only the latest twenty answers', () => {
    const d = new CallDeadline(opts);
    d.answered(10_000, 10);
    for (let i = 0; i < 20; i += 1) d.answered(1_000, 10);
    expect(d.deadlineMs(10)).toBe(3_000);
  });

  it('ignores latencies that are not numbers of milliseconds', () => {
    const d = new CallDeadline(opts);
    d.answered(1_000, 10);
    d.answered(1_000, 10);
    d.answered(Number.NaN, 10);
    d.answered(-5, 10);
    d.answered(1_000, 0);
    expect(d.deadlineMs(10)).toBe(60_000);
  });
});
