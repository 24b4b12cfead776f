import { describe, expect, it } from 'vitest';
import { wholeCalls } from '../../../src/router/sharing/whole-calls.js';
import { waterFill } from '../../../src/router/sharing/water-fill.js';

// Three backlogs, as the water-fill splits them: 1/3, a hair over, a hair under.
const INF = Number.POSITIVE_INFINITY;
const split = waterFill([
  { id: 'a', demand: INF },
  { id: 'b', demand: INF },
  { id: 'c', demand: INF },
]);
const thirds = [...split].map(([id, fraction]) => ({ id, fraction }));

describe('wholeCalls', () => {
  it('gives each of three thirds of 60 twenty calls, and a fraction a hair under its calls those calls', () => {
    expect(['a', 'b', 'c'].map((id) => wholeCalls(id, thirds, 60))).toEqual([20, 20, 20]);
    // 1 − 0.9 is 0.09999999999999998: a tenth of 30 is still 3.
    expect((1 - 0.9) * 30).toBeLessThan(3);
    const tenth = [
      { id: 'a', fraction: 1 - 0.9 },
      { id: 'b', fraction: 0.9 },
    ];
    expect(wholeCalls('a', tenth, 30)).toBe(3);
    expect(wholeCalls('b', tenth, 30)).toBe(27);
  });

  it('hands the calls the floors leave to the largest remainders, ties by id, so the parts add up to the key', () => {
    const of58 = ['a', 'b', 'c'].map((id) => wholeCalls(id, thirds, 58));
    expect(of58.reduce((x, y) => x + y)).toBe(58);
    expect([...of58].sort()).toEqual([19, 19, 20]);
    const halves = [
      { id: 'c', fraction: 0.4 },
      { id: 'b', fraction: 0.4 },
      { id: 'idle', fraction: 0.2 },
    ];
    // 25 calls: 10 + 10 + 5 exactly; of 27: 10.8, 10.8, 5.4 — the two left go to b then c.
    expect(['b', 'c', 'idle'].map((id) => wholeCalls(id, halves, 25))).toEqual([10, 10, 5]);
    expect(['b', 'c', 'idle'].map((id) => wholeCalls(id, halves, 27))).toEqual([11, 11, 5]);
    expect(['b', 'c', 'idle'].map((id) => wholeCalls(id, halves, 26))).toEqual([11, 10, 5]);
  });

  it('assigns no more than the free part of the key when departed calls hold some of it', () => {
    const free = [
      { id: 'a', fraction: 0.45 },
      { id: 'b', fraction: 0.45 },
    ];
    // 90 % of 30 is free: 27 calls, 13.5 each.
    expect(wholeCalls('a', free, 30) + wholeCalls('b', free, 30)).toBe(27);
  });

  it('gives nothing to an instance that claims nothing', () => {
    expect(wholeCalls('z', thirds, 60)).toBe(0);
    expect(wholeCalls('a', [{ id: 'a', fraction: 0 }], 60)).toBe(0);
  });
});
