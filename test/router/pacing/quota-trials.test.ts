import { describe, expect, it } from 'vitest';
import { QuietWindows } from '../../../src/router/pacing/quiet-windows.js';
import { QuotaCeilings } from '../../../src/router/pacing/quota-ceilings.js';
import { QuotaPeaks } from '../../../src/router/pacing/quota-peaks.js';
import { QuotaTrials } from '../../../src/router/pacing/quota-trials.js';

const W = 1_000;

function setUp() {
  const ceilings = new QuotaCeilings();
  const peaks = new QuotaPeaks();
  const quiet = new QuietWindows();
  return { ceilings, peaks, quiet, trials: new QuotaTrials(ceilings, peaks, quiet) };
}

describe('QuotaTrials', () => {
  it('runs one trial from its start, and says the levels before it', () => {
    const { trials } = setUp();
    expect(trials.before).toBeUndefined();
    expect(trials.start(0, { requests: 10, tokens: undefined }, 1, {})).toEqual({
      requests: 11,
      tokens: undefined,
    });
    expect(trials.before).toEqual({ requests: 10, tokens: undefined });
  });

  it('settles a trial no sooner than a window after its start: kept if the gate held calls after it started', () => {
    const { trials, peaks, quiet } = setUp();
    const to = trials.start(100, { requests: 10, tokens: undefined }, 1, {});
    expect(trials.settle(1_099, W, 900, to)).toBeUndefined();
    expect(trials.settle(1_100, W, 900, to)).toEqual({ requests: 11, tokens: undefined });
    expect(trials.before).toBeUndefined();
    // A kept request step is a peak, and the next trial comes sooner.
    expect(peaks.requests).toBe(11);
    expect(quiet.windows).toBe(1.5);
  });

  it('undoes a trial the gate never held calls at, learning nothing', () => {
    const { trials, peaks, quiet } = setUp();
    const to = trials.start(100, { requests: 10, tokens: undefined }, 1, {});
    expect(trials.settle(1_100, W, 100, to)).toEqual({ requests: 10, tokens: undefined });
    expect(peaks.requests).toBeUndefined();
    expect(quiet.windows).toBe(3);
  });

  it('takes no peak from a rate it kept, but lifts a token ceiling the rate held past', () => {
    const { trials, peaks, ceilings } = setUp();
    ceilings.lower('tokens', 2_100);
    const to = trials.start(0, { requests: undefined, tokens: 2_000 }, 100, { growth: 0.5, stale: true });
    expect(to.tokens).toBe(3_000);
    trials.settle(W, W, 500, to);
    expect(peaks.tokens).toBeUndefined();
    expect(ceilings.tokens).toBe(Number.POSITIVE_INFINITY);
  });

  it('undoes a trial a 429 answers within a window: back to before it, the level tried a ceiling, q doubled', () => {
    const { trials, ceilings, quiet } = setUp();
    const to = trials.start(100, { requests: undefined, tokens: 1_000 }, 100, {});
    expect(trials.undo(1_100, W, to)).toBeUndefined();
    expect(trials.undo(1_099, W, to)).toEqual(
      expect.objectContaining({ requests: undefined, tokens: 1_000 }),
    );
    expect(ceilings.tokens).toBe(1_100);
    expect(quiet.windows).toBe(6);
    expect(trials.before).toBeUndefined();
  });

  it('takes a 429 for a call sent by the time a trial was undone as that trial’s', () => {
    const { trials } = setUp();
    const to = trials.start(100, { requests: 10, tokens: undefined }, 1, {});
    trials.undo(500, W, to);
    expect(trials.undone(500)).toBe(true);
    expect(trials.undone(501)).toBe(false);
    expect(trials.undo(600, W, to)).toBeUndefined();
  });

  it('slows no trial down after a token step that halved a gap to the ceiling wider than a call', () => {
    const { trials, ceilings, quiet } = setUp();
    ceilings.lower('tokens', 1_400);
    const to = trials.start(0, { requests: undefined, tokens: 1_000 }, 100, {});
    expect(to.tokens).toBe(1_200);
    trials.undo(10, W, to);
    expect(quiet.windows).toBe(3);
  });

  it('backs a failed step off on its own windows while the key is reported full', () => {
    const { trials, peaks, quiet } = setUp();
    peaks.note({ requests: 10, tokens: undefined });
    const key = { requests: 8 };
    const to = trials.start(0, { requests: 5, tokens: undefined }, 1, { key });
    expect(to.requests).toBe(6);
    trials.undo(10, W, to);
    expect(quiet.windows).toBe(3);
    expect(quiet.forKey(key, { requests: 5, tokens: undefined }, 1)).toBe(2);
  });

  it('bounds a rate’s request level from above when its trial fails, and not a request step’s', () => {
    const { trials, ceilings } = setUp();
    const step = trials.start(0, { requests: 10, tokens: undefined }, 1, {});
    trials.undo(10, W, step);
    expect(ceilings.requests).toBe(Number.POSITIVE_INFINITY);
    const rate = trials.start(2_000, { requests: 10, tokens: undefined }, 1, { growth: 0.5 });
    trials.undo(2_010, W, rate);
    expect(ceilings.requests).toBe(15);
  });

  it('abandons the running trial for the levels before it, q unchanged', () => {
    const { trials, quiet } = setUp();
    expect(trials.abandon()).toBeUndefined();
    trials.start(0, { requests: 10, tokens: undefined }, 1, {});
    expect(trials.abandon()).toEqual({ requests: 10, tokens: undefined });
    expect(trials.before).toBeUndefined();
    expect(quiet.windows).toBe(3);
  });

  it('finds a dropped quota back when a kept trial reaches the request peak', () => {
    const { trials, peaks, quiet } = setUp();
    peaks.note({ requests: 60, tokens: undefined });
    quiet.dropped();
    const to = trials.start(0, { requests: 30, tokens: undefined }, 1, {});
    expect(to.requests).toBe(60);
    trials.settle(W, W, 500, to);
    expect(quiet.mayComeBack).toBe(false);
    expect(quiet.windows).toBe(3);
  });
});
