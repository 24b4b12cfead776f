import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InFlightGate } from '../../src/kafka/in-flight-gate.js';

describe('InFlightGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is full at the maximum and has room again below three quarters of it', () => {
    let inFlight = 100;
    const gate = new InFlightGate(() => inFlight, 100);
    expect(gate.full).toBe(true);
    inFlight = 75;
    expect(gate.full).toBe(false);
    expect(gate.hasRoom()).toBe(false);
    inFlight = 74;
    expect(gate.hasRoom()).toBe(true);
  });

  it('waits until a finished event makes room, and not a moment longer', async () => {
    let inFlight = 10;
    const gate = new InFlightGate(() => inFlight, 10, 1_000);
    const heartbeat = vi.fn(() => Promise.resolve());
    let done = false;
    const waiting = gate.waitForRoom(heartbeat, () => false).then(() => (done = true));
    inFlight = 8;
    gate.check();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    inFlight = 7;
    gate.check();
    await waiting;
    expect(done).toBe(true);
    expect(heartbeat).toHaveBeenCalledTimes(1);
  });

  it('heartbeats while it waits, and stops waiting when the heartbeat throws', async () => {
    const gate = new InFlightGate(() => 10, 10, 1_000);
    let beats = 0;
    const heartbeat = () => {
      beats++;
      return beats === 3 ? Promise.reject(new Error('rebalancing')) : Promise.resolve();
    };
    const waiting = gate.waitForRoom(heartbeat, () => false);
    const failed = expect(waiting).rejects.toThrow('rebalancing');
    await vi.advanceTimersByTimeAsync(3_000);
    await failed;
    expect(beats).toBe(3);
  });

  it('stops waiting when opened (the source stops), whatever the count', async () => {
    let stopped = false;
    const gate = new InFlightGate(() => 10, 10, 1_000);
    const waiting = gate.waitForRoom(
      () => Promise.resolve(),
      () => stopped,
    );
    stopped = true;
    gate.open();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('reads a moving maximum afresh at each check', () => {
    let max = 100;
    const gate = new InFlightGate(
      () => 60,
      () => max,
    );
    expect(gate.full).toBe(false);
    max = 60;
    expect(gate.full).toBe(true);
    max = 81;
    expect(gate.hasRoom()).toBe(true);
  });
});
