import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BatchSignals } from '../../src/pipeline/batch-signals.js';

describe('BatchSignals', () => {
  it('keeps one listener on the run’s signal however many batches are open', () => {
    const run = new AbortController();
    const signals = new BatchSignals(run.signal);
    const batches = Array.from({ length: 25 }, () => signals.batch());
    for (const b of batches) b.signal.addEventListener('abort', () => {});
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    expect(signals.size).toBe(25);
  });

  it('aborts every open batch with the run’s reason, and starts later batches aborted', () => {
    const run = new AbortController();
    const signals = new BatchSignals(run.signal);
    const open = signals.batch();
    const closed = signals.batch();
    closed.close();
    run.abort('shutdown');
    expect(open.signal.aborted).toBe(true);
    expect(open.signal.reason).toBe('shutdown');
    expect(closed.signal.aborted).toBe(false);
    expect(signals.batch().signal.aborted).toBe(true);
  });

  it('stops listening once disposed', () => {
    const run = new AbortController();
    new BatchSignals(run.signal).dispose();
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});
