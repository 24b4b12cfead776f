import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LimitGate } from '../../src/confluence/limit-gate.js';
import { captureLogs } from '../router/router-fixtures.js';

const logs = captureLogs();

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('LimitGate (Confluence calls paced by the project’s controller)', () => {
  it('lets at most `limit` calls be in flight and the next one go when one ends', async () => {
    const scheduler = new VirtualTimeScheduler();
    const gate = new LimitGate({ initial: 2, max: 4, scheduler });
    const admitted: number[] = [];
    const permits = [0, 1, 2].map((i) => gate.admit().then((p) => (admitted.push(i), p)));
    await settle();
    scheduler.flush();
    await settle();
    expect(admitted).toEqual([0, 1]);
    (await permits[0])?.done({ kind: 'success', latencyMs: 20 });
    await settle();
    scheduler.flush();
    await settle();
    expect(admitted).toEqual([0, 1, 2]);
    gate.close();
  });

  it('holds every call for a 429’s Retry-After before letting the next one go', async () => {
    const scheduler = new VirtualTimeScheduler();
    const gate = new LimitGate({ initial: 1, max: 4, scheduler });
    const first = await gate.admit();
    first.done({ kind: 'rate_limited', retryAfterMs: 1_000 });
    let admittedAt: number | undefined;
    void gate.admit().then(() => (admittedAt = scheduler.now()));
    await settle();
    expect(admittedAt).toBeUndefined();
    scheduler.flush();
    await settle();
    expect(admittedAt).toBeGreaterThanOrEqual(1_000);
    gate.close();
  });

  it('frees the place of a call whose caller gave up while waiting', async () => {
    const scheduler = new VirtualTimeScheduler();
    const gate = new LimitGate({ initial: 1, max: 1, scheduler });
    const held = await gate.admit();
    const abort = new AbortController();
    const waiting = gate.admit(abort.signal);
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'unavailable' });
    held.done({ kind: 'success', latencyMs: 5 });
    await settle();
    const next = gate.admit();
    scheduler.flush();
    await expect(next).resolves.toBeDefined();
    gate.close();
  });

  it('names the site on its log lines, so they are not taken for an LLM provider’s', async () => {
    logs.length = 0;
    const scheduler = new VirtualTimeScheduler();
    const gate = new LimitGate({ initial: 2, max: 4, site: 'acme.atlassian.net', scheduler });
    const permit = await gate.admit();
    permit.done({ kind: 'rate_limited', retryAfterMs: 2_000 });
    gate.close();

    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const paused = lines.filter((l) => l.msg === 'dispatch paused for retry hint');
    const changed = lines.filter((l) => l.msg === 'concurrency changed');
    expect(paused).toHaveLength(1);
    expect(changed.length).toBeGreaterThan(0);
    for (const line of [...paused, ...changed]) {
      expect(line).toMatchObject({ site: 'acme.atlassian.net' });
      expect(line).not.toHaveProperty('provider');
    }
  });
});
