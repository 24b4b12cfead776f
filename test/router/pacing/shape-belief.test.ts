import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import { FixedBoundary } from '../../../src/router/pacing/fixed-boundary.js';
import { ShapeBelief, type NamedRefusal } from '../../../src/router/pacing/shape-belief.js';
import { WindowLength } from '../../../src/router/pacing/window-length.js';

/** A minute of 6 s, and ten calls of ours admitted at 0–900 ms (each answered 50 ms later). */
const W = 6_000;

function belief() {
  const ledger = new CallLedger();
  for (let t = 0; t < 1_000; t += 100) ledger.admit(t, 1, t + 50);
  const length = new WindowLength();
  length.named(W);
  const fixed = new FixedBoundary();
  return { ledger, length, fixed, shapes: new ShapeBelief(ledger, length, fixed) };
}

/** A request 429 for a call sent at `sent`, told to wait `hint` (back at once, unless `more` says). */
function refusal(sent: number, hint: number, more: Partial<NamedRefusal> = {}): NamedRefusal {
  const base = { unit: W, quota: 'requests', need: 1, perUnit: 10, firstAnswerAt: 50, reportsSliding: false };
  return { ...base, sent, hint, at: sent, ...more } as NamedRefusal;
}

/** Believes the shape a 429 shows, as the quota model does. */
function believe(shapes: ShapeBelief, r: NamedRefusal) {
  const verdict = shapes.refused(r);
  shapes.adopt(verdict.shape);
  return verdict;
}

describe('ShapeBelief', () => {
  it('reads a sliding window from a wait that ends as our oldest call leaves it', () => {
    const { shapes } = belief();
    expect(shapes.refused(refusal(1_000, 5_000))).toEqual({ shape: 'sliding', unit: W, suspect: false });
  });

  it('reads a fixed window from a wait no call of ours explains, and a bucket from one as short as a refill', () => {
    expect(belief().shapes.refused(refusal(1_000, 3_000)).shape).toBe('fixed_window');
    expect(belief().shapes.refused(refusal(1_000, 100)).shape).toBe('token_bucket');
  });

  it('takes every 429 for a sliding window’s where the provider’s resets show one', () => {
    const { shapes } = belief();
    expect(shapes.refused(refusal(1_000, 100, { reportsSliding: true })).shape).toBe('sliding');
  });

  it('holds a proven sliding window through a short wait only a bucket explains (held)', () => {
    const { shapes } = belief();
    // The wait is longer than a bucket refills one call: a sliding window is proven for the run.
    believe(shapes, refusal(1_000, 5_000));
    // No call of ours is in the window of a call sent at 7 000: only a bucket explains 50 ms.
    expect(shapes.refused(refusal(7_000, 50))).toEqual({ shape: 'sliding', unit: W, suspect: false });
  });

  it('switches an unproven sliding window for the bucket a short wait shows, the shape awaiting its proof', () => {
    const { shapes } = belief();
    // The oldest call leaves as the wait ends, but a bucket refills a call as soon: no proof.
    believe(shapes, refusal(5_990, 10));
    expect(shapes.believed).toBe('sliding');
    expect(shapes.refused(refusal(7_000, 50))).toEqual({ shape: 'token_bucket', unit: W, suspect: true });
  });

  it('keeps the sliding window when the shape awaiting its proof does not explain a 429 (doubted)', () => {
    const { shapes } = belief();
    believe(shapes, refusal(5_990, 10));
    believe(shapes, refusal(7_000, 50));
    shapes.awaitProof(W);
    // Three seconds is far longer than a bucket of 10 a minute refills one call.
    expect(shapes.refused(refusal(8_000, 3_000)).shape).toBe('sliding');
  });

  it('keeps a first bucket’s release as the boundary a fixed window would have', () => {
    const { shapes } = belief();
    believe(shapes, refusal(1_000, 100));
    // Freed a whole window after the first 429's 1 100, later than a bucket of 30 refills a call.
    expect(shapes.refused(refusal(6_500, 600, { perUnit: 30 })).shape).toBe('fixed_window');
  });

  it('tests the sliding window a − s₀ that explains a fixed window’s first request 429 too, and takes it when its test is admitted', () => {
    const { shapes, fixed, length } = belief();
    // Freed at 4 000: a fixed window's boundary, or a sliding window of 4 s from our first call.
    believe(shapes, refusal(1_000, 3_000));
    fixed.refusedAt(4_000, W);
    const estimates = { requests: 10, tokens: undefined };
    // The fixed window holds calls until 6 000; W′ has room at 4 100: one call goes to test it.
    expect(shapes.room(estimates, { at: 6_000, edge: true }, 4_100, 0)).toEqual({ at: 4_100, edge: false });
    shapes.started(4_100);
    expect(shapes.admitted(4_100)).toBe(true);
    expect(length.unitMs).toBe(4_000);
  });

  it('keeps the fixed window when the test of a − s₀ is refused on its boundary', () => {
    const { shapes, fixed, length } = belief();
    believe(shapes, refusal(1_000, 3_000));
    fixed.refusedAt(4_000, W);
    shapes.room({ requests: 10, tokens: undefined }, { at: 6_000, edge: true }, 4_100, 0);
    shapes.started(4_100);
    expect(shapes.refused(refusal(4_100, 5_900)).shape).toBe('fixed_window');
    expect(shapes.admitted(4_100)).toBe(false);
    expect(length.unitMs).toBe(W);
  });

  it('overturns the named unit for the first window’s a − s₀ when a later 429 fits that window and not the boundary', () => {
    const { shapes, fixed, ledger, length } = belief();
    believe(shapes, refusal(1_000, 3_000, { quota: 'tokens' }));
    fixed.refusedAt(4_000, W);
    for (let t = 4_100; t < 5_000; t += 100) ledger.admit(t, 1, t + 50);
    // Freed at 8 100, as our call of 4 100 leaves a window of 4 s; 8 100 is no boundary of 4 000.
    expect(shapes.refused(refusal(5_000, 3_100))).toEqual({ shape: 'sliding', unit: 4_000, suspect: false });
    expect(length.unitMs).toBe(4_000);
  });

  it('reports a change of shape only once, and forgets the boundary when the window is no longer fixed', () => {
    const { shapes, fixed } = belief();
    fixed.refusedAt(4_000, W);
    expect(shapes.adopt('fixed_window')).toBe(true);
    expect(shapes.adopt('fixed_window')).toBe(false);
    expect(fixed.at).toBe(4_000);
    expect(shapes.adopt('sliding')).toBe(true);
    expect(fixed.at).toBeUndefined();
  });
});
