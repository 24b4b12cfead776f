import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ChangeLog } from '../../src/telemetry/change-log.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { base: undefined, timestamp: false },
    { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) },
  );
  return { log, lines };
}

describe('ChangeLog', () => {
  it('logs the first of a run of equal events, then one line with the count when the state changes', () => {
    const { log, lines } = capture();
    const fallbacks = new ChangeLog(log, {
      first: 'batch switched provider',
      repeated: 'batches switched provider',
    });
    for (let i = 0; i < 140; i++) fallbacks.note('gemini>openai', { from: 'gemini', to: 'openai' }, 5);
    fallbacks.note('openai>gemini', { from: 'openai', to: 'gemini' }, 5);
    fallbacks.flush();
    expect(lines.map(({ msg, from, batches, pages }) => ({ msg, from, batches, pages }))).toEqual([
      { msg: 'batch switched provider', from: 'gemini', batches: undefined, pages: 5 },
      { msg: 'batches switched provider', from: 'gemini', batches: 140, pages: 700 },
      { msg: 'batch switched provider', from: 'openai', batches: undefined, pages: 5 },
    ]);
  });
});
