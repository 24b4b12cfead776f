import { describe, expect, it } from 'vitest';
import { ProbeCall } from '../../../src/router/pacing/probe-call.js';

describe('ProbeCall', () => {
  it('is the call that starts at the instant the gate let it go', () => {
    const test = new ProbeCall();
    test.letGo(100);
    test.started(100);
    expect(test.out).toBe(true);
    expect(test.is(100)).toBe(true);
  });

  it('is no call that starts later: the gate’s word holds for its instant alone', () => {
    const test = new ProbeCall();
    test.letGo(100);
    test.started(101);
    expect(test.out).toBe(false);
    expect(test.is(101)).toBe(false);
  });

  it('proves nothing once it ends uncounted', () => {
    const test = new ProbeCall();
    test.letGo(100);
    test.started(100);
    test.finished(99);
    expect(test.out).toBe(true);
    test.finished(100);
    expect(test.out).toBe(false);
  });
});
