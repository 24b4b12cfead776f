import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ProviderGate } from '../../src/router/provider-gate.js';
import { LONE_SHARE, type QuotaShare, type SharedEstimate } from '../../src/router/sharing/quota-share.js';

/** A key's share whose instance count and published estimate the test sets, telling its watchers. */
function keyOf(): { share: QuotaShare; set: (n: number, estimate?: SharedEstimate) => void } {
  let n = 1;
  let estimate: SharedEstimate | undefined;
  const listeners = new Set<() => void>();
  const share: QuotaShare = {
    ...LONE_SHARE,
    instances: () => n,
    newestEstimate: () => estimate,
    watch: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    share,
    set: (count, e) => {
      n = count;
      estimate = e;
      for (const l of listeners) l();
    },
  };
}

function emitted(gate: ProviderGate): number[] {
  const seen: number[] = [];
  gate.limit$.subscribe((v) => seen.push(v));
  return seen;
}

describe('ProviderGate on a shared key', () => {
  it('splits the limit’s start among the instances on the key while its quota is unknown', () => {
    const key = keyOf();
    const gate = ProviderGate.create(
      { policy: 'adaptive', initial: 3, max: 10, share: key.share },
      new VirtualTimeScheduler(),
    );
    const seen = emitted(gate);
    key.set(3);
    expect(seen).toEqual([3, 1]);
    key.set(2);
    expect(seen.at(-1)).toBe(2);
  });

  it('keeps each instance’s own growth on top of its part of the start', () => {
    const key = keyOf();
    const ts = new VirtualTimeScheduler();
    const gate = ProviderGate.create({ policy: 'adaptive', initial: 3, max: 10, share: key.share }, ts);
    key.set(3);
    gate.record({ kind: 'success', startedAt: 0, latencyMs: 100 });
    gate.record({ kind: 'success', startedAt: 0, latencyMs: 100 });
    // The rule's limit grew 3 → 5 in slow start; this instance runs 5 − 3 + ⌈3 / 3⌉.
    expect(gate.limit).toBe(5);
    expect(gate.current).toBe(3);
  });

  it('stops each instance at its part of one instance’s most calls at once while the quota is unknown', () => {
    const key = keyOf();
    const gate = ProviderGate.create(
      { policy: 'adaptive', initial: 3, max: 10, share: key.share },
      new VirtualTimeScheduler(),
    );
    key.set(3);
    for (let i = 0; i < 7; i += 1) gate.record({ kind: 'success', startedAt: 0, latencyMs: 100 });
    // The rule's limit grew to its most (10); the three together stay near one instance's: ⌈10 / 3⌉.
    expect(gate.limit).toBe(10);
    expect(gate.current).toBe(4);
  });

  it('lets the whole limit through a minute after its first call when no quota was learnt', async () => {
    const key = keyOf();
    const ts = new VirtualTimeScheduler();
    const gate = ProviderGate.create(
      { policy: 'adaptive', initial: 3, max: 10, share: key.share, minuteMs: 6_000 },
      ts,
    );
    key.set(3);
    await gate.admit(100);
    for (let i = 0; i < 7; i += 1) gate.record({ kind: 'success', startedAt: 0, latencyMs: 100 });
    const seen = emitted(gate);
    ts.flush();
    expect(ts.now()).toBe(6_000);
    expect(seen).toEqual([4, 10]);
  });

  it('lets the whole limit through once the key’s quota is known', () => {
    const key = keyOf();
    const gate = ProviderGate.create(
      { policy: 'adaptive', initial: 3, max: 10, share: key.share },
      new VirtualTimeScheduler(),
    );
    key.set(3);
    expect(gate.current).toBe(1);
    key.set(3, { by: 'peer', windowMs: 60_000, requests: 30, learntAt: 0 });
    expect(gate.current).toBe(3);
  });

  it('does not split the start of a policy that learns no quota', () => {
    const key = keyOf();
    const gate = ProviderGate.create(
      { policy: 'seed', initial: 3, max: 10, share: key.share },
      new VirtualTimeScheduler(),
    );
    key.set(3);
    expect(gate.current).toBe(3);
  });
});
