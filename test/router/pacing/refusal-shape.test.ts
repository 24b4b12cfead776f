import { describe, expect, it } from 'vitest';
import {
  explainingShape,
  hintGrain,
  refusalShape,
  type RefusalEvidence,
} from '../../../src/router/pacing/refusal-shape.js';

/** A burst of 60 calls from 0 to 700 ms filled a minute of 6 s; the 61st, sent at 700, was refused. */
const burst: Omit<RefusalEvidence, 'hintMs'> = {
  sentAt: 700,
  windowMs: 6_000,
  oldest: 0,
  held: 60,
  need: 1,
  toleranceMs: 20,
};

describe('refusalShape', () => {
  it('reads a wait until the oldest call leaves the window as a sliding window', () => {
    expect(refusalShape({ ...burst, hintMs: 5_300 })).toBe('sliding');
  });

  it('reads a wait of about one call’s refill as a token bucket', () => {
    // 61 calls a window refill one in ~98 ms.
    expect(refusalShape({ ...burst, hintMs: 60 })).toBe('token_bucket');
  });

  it('reads a wait that ends before the oldest call could leave, and is no refill, as a fixed window’s boundary', () => {
    expect(refusalShape({ ...burst, hintMs: 2_000 })).toBe('fixed_window');
  });

  it('reads a wait that ends before the oldest call could leave by less than the 429’s own round trip as a sliding window', () => {
    // The refused call reached the provider 45 ms after it was stamped (a busy event loop): the
    // wait, reckoned from then, ends 36 ms before the oldest call's stamp plus the window.
    const late = { ...burst, oldest: 71, sentAt: 814, hintMs: 5_222 };
    expect(refusalShape({ ...late, roundTripMs: 45 })).toBe('sliding');
    expect(refusalShape({ ...late, roundTripMs: 5 })).toBe('fixed_window');
  });

  it('names no shape that explains a refusal only a boundary never seen explains', () => {
    expect(explainingShape({ ...burst, hintMs: 2_000 })).toBeUndefined();
    expect(explainingShape({ ...burst, hintMs: 2_000, boundary: 2_700 })).toBe('fixed_window');
    expect(explainingShape({ ...burst, hintMs: 5_300 })).toBe('sliding');
  });

  it('keeps a fixed window whose boundary a later refusal falls on, a whole number of windows on', () => {
    expect(
      refusalShape({
        ...burst,
        sentAt: 9_000,
        oldest: 2_710,
        hintMs: 2_700,
        boundary: -300,
        believed: 'fixed_window',
      }),
    ).toBe('fixed_window');
  });

  it('tries the shape it believes first: a bucket’s refusal at steady state would pass for sliding too', () => {
    const steady = { ...burst, sentAt: 30_000, oldest: 24_010, held: 60, hintMs: 40, rate: 0.01 };
    expect(refusalShape({ ...steady, believed: 'token_bucket' })).toBe('token_bucket');
    expect(refusalShape(steady)).toBe('sliding');
  });

  it('leaves a believed bucket for sliding when the wait is far longer than a refill', () => {
    expect(refusalShape({ ...burst, hintMs: 5_300, rate: 0.01, believed: 'token_bucket' })).toBe('sliding');
  });

  it('reads a first request 429 whose call to leave is younger than calls already answered as a fixed window’s boundary', () => {
    // The oldest call left at 0 and was answered by 100; a sliding window freeing room as a call
    // of 500 leaves would have counted it too, and refused sooner.
    const late = { ...burst, hintMs: 5_800, answered: [{ at: 100, took: 1 }] };
    expect(refusalShape(late)).toBe('fixed_window');
    // Answered only after that call left: it may have reached the window later (a slow connection).
    expect(refusalShape({ ...late, answered: [{ at: 480, took: 1 }] })).toBe('sliding');
    // A hint in whole seconds may have been rounded up by one (100 ms of this minute).
    expect(refusalShape({ ...late, hintMs: 5_400 })).toBe('sliding');
    // Once a shape is believed, a quota that dropped explains it as well.
    expect(refusalShape({ ...late, believed: 'sliding' })).toBe('sliding');
  });

  it('lets a token 429 free its room as later calls leave, when what the calls answered before took is less than its need', () => {
    const tokens = { ...burst, held: 40_000, need: 2_000, hintMs: 5_800 };
    // 1 500 tokens answered before a − W: a call of 2 000 could still need the next ones gone.
    expect(refusalShape({ ...tokens, answered: [{ at: 100, took: 1_500 }] })).toBe('sliding');
    // 2 500 tokens: had the window held them as well, the call of 2 000 would not fit after they left.
    const more = [
      { at: 100, took: 1_500 },
      { at: 150, took: 1_000 },
    ];
    expect(refusalShape({ ...tokens, answered: more })).toBe('fixed_window');
  });
});

describe('hintGrain', () => {
  it('takes whole seconds for a hint rounded to a second, tenths to a tenth, else none', () => {
    expect(hintGrain(12_000, 60_000)).toBe(1_000);
    expect(hintGrain(1_200, 60_000)).toBe(100);
    expect(hintGrain(1_234, 60_000)).toBe(0);
    expect(hintGrain(500, 6_000)).toBe(100);
  });
});
