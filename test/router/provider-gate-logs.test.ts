import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ProviderGate } from '../../src/router/provider-gate.js';
import { captureLogs } from './router-fixtures.js';

const logs = captureLogs();

function linesSaying(msg: string): Record<string, unknown>[] {
  return logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);
}

describe('ProviderGate logs', () => {
  it('names its provider on the lines about its limit and its pause', () => {
    const scheduler = new VirtualTimeScheduler();
    const gate = ProviderGate.create(
      { policy: 'adaptive', initial: 4, max: 10, provider: 'openai' },
      scheduler,
    );
    gate.record({ kind: 'rate_limited', retryAfterMs: 5_000, startedAt: 0 });
    gate.close();

    const changed = linesSaying('concurrency changed');
    const paused = linesSaying('dispatch paused for retry hint');
    expect(changed).toHaveLength(1);
    expect(paused).toHaveLength(1);
    expect(changed[0]).toMatchObject({ provider: 'openai', old: 4, new: 2 });
    expect(paused[0]).toMatchObject({ provider: 'openai', pauseMs: 5_000 });
  });
});
