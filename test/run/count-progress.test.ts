import { describe, expect, it } from 'vitest';
import { CountProgress } from '../../src/run/count-progress.js';

describe('CountProgress', () => {
  it('shows done of total, percent, rate and ETA once the total is known', () => {
    let now = 0;
    const p = new CountProgress('pages', { tty: false, now: () => now });
    p.add(100);
    now = 10_000;
    expect(p.line(now)).toBe('[progress] 100 pages · 10.0/s');
    p.setTotal(400);
    expect(p.line(now)).toBe('[progress] 100/400 pages · 25.0% · 10.0/s · ETA 30s');
    p.add(300);
    expect(p.line(now)).not.toMatch(/ETA/);
  });
});
