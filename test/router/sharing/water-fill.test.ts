import { describe, expect, it } from 'vitest';
import { waterFill } from '../../../src/router/sharing/water-fill.js';

const INF = Number.POSITIVE_INFINITY;

describe('waterFill', () => {
  it('splits the capacity equally among claimants that would each take all of it', () => {
    const shares = waterFill([
      { id: 'a', demand: INF },
      { id: 'b', demand: INF },
      { id: 'c', demand: INF },
    ]);
    for (const id of ['a', 'b', 'c']) expect(shares.get(id)).toBeCloseTo(1 / 3);
  });

  it('gives a small demand what it asks and shares the rest among the others', () => {
    const shares = waterFill([
      { id: 'small', demand: 0.1 },
      { id: 'b', demand: INF },
      { id: 'c', demand: INF },
    ]);
    expect(shares.get('small')).toBeCloseTo(0.1);
    expect(shares.get('b')).toBeCloseTo(0.45);
    expect(shares.get('c')).toBeCloseTo(0.45);
  });

  it('shares what is left when every demand is met equally on top, so nothing is left unassigned', () => {
    const shares = waterFill([
      { id: 'a', demand: 0.2 },
      { id: 'b', demand: 0.4 },
    ]);
    expect(shares.get('a')).toBeCloseTo(0.4);
    expect(shares.get('b')).toBeCloseTo(0.6);
  });

  it('computes the same split whatever order the claims are listed in', () => {
    const claims = [
      { id: 'x', demand: 0.3 },
      { id: 'y', demand: INF },
      { id: 'z', demand: 0.3 },
      { id: 'w', demand: INF },
    ];
    const one = waterFill(claims);
    const other = waterFill([...claims].reverse());
    for (const { id } of claims) expect(other.get(id)).toBe(one.get(id));
    const total = [...one.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1);
  });

  it('never gives a claimant less than its demand or an equal share, whichever is smaller', () => {
    const demands = [0.05, 0.2, 0.5, INF, 0.3];
    const shares = waterFill(demands.map((demand, i) => ({ id: String(i), demand })));
    demands.forEach((d, i) =>
      expect(shares.get(String(i))).toBeGreaterThanOrEqual(Math.min(d, 1 / demands.length) - 1e-12),
    );
  });
});
