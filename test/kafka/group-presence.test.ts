import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupPresence } from '../../src/kafka/group-presence.js';

function presence() {
  const said: string[] = [];
  const p = new GroupPresence({
    sessionTimeoutMs: 10_000,
    lost: (ms) => said.push(`lost ${ms}`),
    back: (ms) => said.push(`back ${ms}`),
  });
  return { p, said };
}

describe('GroupPresence', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is present once a join gives the member partitions, and not before', () => {
    const { p } = presence();
    expect(p.present).toBe(false);
    p.contact();
    p.assigned(0);
    expect(p.present).toBe(false);
    p.assigned(3);
    expect(p.present).toBe(true);
  });

  it('stays present while the coordinator answers within the session timeout', () => {
    const { p, said } = presence();
    p.contact();
    p.assigned(2);
    for (let i = 0; i < 30; i++) {
      vi.advanceTimersByTime(1_000);
      p.contact();
    }
    expect(p.present).toBe(true);
    expect(said).toEqual([]);
  });

  it('is not present once the coordinator has been silent for a session timeout, says so once, and says when it answers again', () => {
    const { p, said } = presence();
    p.contact();
    p.assigned(2);
    vi.advanceTimersByTime(4_000);
    p.contact();
    vi.advanceTimersByTime(9_999);
    expect(p.present).toBe(true);
    vi.advanceTimersByTime(1);
    expect(p.present).toBe(false);
    expect(said).toEqual(['lost 10000']);
    vi.advanceTimersByTime(50_000);
    expect(said).toEqual(['lost 10000']);
    p.contact();
    expect(p.present).toBe(true);
    expect(said).toEqual(['lost 10000', 'back 60000']);
  });

  it('is not present from a crash until a join gives it partitions again', () => {
    const { p } = presence();
    p.contact();
    p.assigned(2);
    p.crash();
    expect(p.present).toBe(false);
    // A heartbeat of the crashed consumer's last moments does not make it a member again.
    p.contact();
    expect(p.present).toBe(false);
    p.assigned(0);
    expect(p.present).toBe(false);
    p.contact();
    p.assigned(1);
    expect(p.present).toBe(true);
  });

  it('says nothing after it is stopped', () => {
    const { p, said } = presence();
    p.contact();
    p.assigned(2);
    p.stop();
    p.contact();
    vi.advanceTimersByTime(60_000);
    expect(said).toEqual([]);
  });
});
