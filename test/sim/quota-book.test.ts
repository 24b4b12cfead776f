import { describe, expect, it } from 'vitest';
import { QuotaBook } from '../../src/sim/quota-book.js';
import { parseScenario, type ScenarioPatch } from '../../src/sim/scenario.js';

function clock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const provider = (block: ScenarioPatch) => parseScenario({ gemini: block }).gemini;

function admitted(book: QuotaBook, keyTag: string, tries = 100): number {
  let n = 0;
  for (let i = 0; i < tries; i += 1) if (book.of(keyTag).rate.tryAdmit(1).ok) n += 1;
  return n;
}

describe('QuotaBook', () => {
  it('gives each key its own quota, so one key running out does not touch another', () => {
    const c = clock();
    const book = new QuotaBook(provider({ rpm: 3, windowMs: 1_000 }), 0, c.now);
    expect(admitted(book, 'key-a')).toBe(3);
    expect(admitted(book, 'key-b')).toBe(3);
    expect(book.of('key-a').rate.tryAdmit(1).ok).toBe(false);
  });

  it('gives every caller one quota when the scope is shared', () => {
    const c = clock();
    const book = new QuotaBook(provider({ rpm: 3, windowMs: 1_000, quotaScope: 'shared' }), 0, c.now);
    expect(admitted(book, 'key-a', 2)).toBe(2);
    expect(admitted(book, 'key-b')).toBe(1);
  });

  it('makes the quota of the scenario shape', () => {
    const c = clock(10_500);
    const book = new QuotaBook(provider({ rpm: 1, windowMs: 1_000, quotaShape: 'fixed_window' }), 0, c.now);
    expect(book.of('k').rate.tryAdmit(1).ok).toBe(true);
    expect(book.of('k').rate.tryAdmit(1)).toMatchObject({ ok: false, retryAfterMs: 500 });
  });

  it('follows the schedule for every key as time passes', () => {
    const c = clock(1_000);
    const schedule = [{ atMs: 10_000, rpm: 2 }, { atMs: 20_000 }];
    const book = new QuotaBook(provider({ rpm: 4, windowMs: 1_000, schedule }), 1_000, c.now);
    expect(admitted(book, 'k')).toBe(4);
    c.advance(10_000);
    expect(book.limits()).toMatchObject({ rpm: 2 });
    expect(book.reportedLimits()).toMatchObject({ rpm: 4 });
    expect(admitted(book, 'k')).toBe(2);
    expect(admitted(book, 'other')).toBe(2);
    c.advance(10_000);
    expect(book.limits()).toMatchObject({ rpm: 4 });
    expect(admitted(book, 'k')).toBe(4);
  });

  it('keeps what a quota holds across new limits, and starts afresh for a new shape', () => {
    const c = clock();
    const book = new QuotaBook(provider({ rpm: 3, windowMs: 1_000 }), 0, c.now);
    admitted(book, 'k');
    book.reconfigure(provider({ rpm: 4, windowMs: 1_000 }));
    expect(admitted(book, 'k')).toBe(1);
    book.reconfigure(provider({ rpm: 4, windowMs: 1_000, quotaShape: 'token_bucket' }));
    expect(admitted(book, 'k')).toBe(4);
  });

  it('counts the day per key', () => {
    const c = clock();
    const book = new QuotaBook(provider({ rpd: 1 }), 0, c.now);
    book.of('a').daily.take();
    expect(book.of('a').daily.hasRoom()).toBe(false);
    expect(book.of('b').daily.hasRoom()).toBe(true);
  });
});
