import { afterEach, describe, expect, it } from 'vitest';
import { exitOnSignalWhileLoading } from '../../src/cli/signals-while-loading.js';

describe('exitOnSignalWhileLoading', () => {
  let release: (() => void) | undefined;
  afterEach(() => release?.());

  it.each(['SIGTERM', 'SIGINT'] as const)('exits with 0 on %s while the command loads', (signal) => {
    const exits: number[] = [];
    ({ release } = exitOnSignalWhileLoading((code) => exits.push(code)));
    process.emit(signal);
    expect(exits).toEqual([0]);
  });

  it('leaves the signal to the command once released', () => {
    const exits: number[] = [];
    const before = process.listenerCount('SIGTERM');
    const loading = exitOnSignalWhileLoading((code) => exits.push(code));
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    loading.release();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(exits).toEqual([]);
  });
});
