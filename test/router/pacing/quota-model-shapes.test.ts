import { describe, expect, it } from 'vitest';
import { QuotaModel } from '../../../src/router/pacing/quota-model.js';
import { modelQuota, type QuotaSpec } from '../model-quota.js';

/**
 * The quota model against each shape of quota (model-quota.ts), its 429s naming a minute of 6 s:
 * a client that always has a call of 100 tokens waiting sends one whenever the model lets it,
 * each answered 50 ms later; a refusal comes back at once with the exact wait.
 */
const MINUTE = 6_000;

function drive(spec: QuotaSpec, untilMs: number) {
  const model = new QuotaModel(undefined, MINUTE);
  const provider = modelQuota(spec);
  const out: {
    start: number;
    answerAt: number;
    refused?: { waitMs: number; quota: 'requests' | 'tokens' };
  }[] = [];
  const admitted: number[] = [];
  const refusals: number[] = [];
  let now = 0;
  while (now < untilMs) {
    for (const call of out.filter((c) => c.answerAt <= now)) {
      out.splice(out.indexOf(call), 1);
      if (call.refused === undefined) model.admitted(call.start, call.answerAt, 100);
      else model.refused(call.answerAt, call.refused.waitMs, true, call.refused.quota, call.start, 'minute');
    }
    const at = model.openAt(now, 100);
    if (at <= now && out.length < 10) {
      model.started(now, 100);
      const refused = provider.refusal(now, 100);
      if (refused === undefined) {
        provider.admit(now, 100);
        admitted.push(now);
      } else refusals.push(now);
      out.push({ start: now, answerAt: now + (refused === undefined ? 50 : 1), ...(refused && { refused }) });
    }
    const next = Math.min(...out.map((c) => c.answerAt), at > now ? at : now + 1);
    now = Math.max(now + 0.5, Math.min(next, now + 50));
  }
  /** Calls admitted in [from, to). */
  const between = (from: number, to: number) => admitted.filter((t) => t >= from && t < to).length;
  return { model, admitted, refusals, between };
}

describe('QuotaModel under each quota shape', () => {
  it('reads a bucket from its short waits and paces at its refill rate, not in bursts', () => {
    const { model, refusals, between } = drive(
      { rpm: 60, tpm: 1e9, windowMs: MINUTE, shape: 'token_bucket' },
      30_000,
    );
    expect(model.shape).toBe('token_bucket');
    expect(model.requests).toBeGreaterThanOrEqual(57);
    expect(model.requests).toBeLessThanOrEqual(61);
    // A full bucket's 60 and then 10 a second: 60 + 10·29 by 30 s, within a few calls.
    expect(between(6_000, 30_000)).toBeGreaterThanOrEqual(230);
    expect(refusals.length).toBeLessThanOrEqual(3);
  });

  it('reads a fixed window from a wait that ends on its boundary, and sends each window’s quota from that boundary', () => {
    const { model, refusals, between } = drive(
      { rpm: 30, tpm: 1e9, windowMs: MINUTE, shape: 'fixed_window', phaseMs: 2_000 },
      26_000,
    );
    expect(model.shape).toBe('fixed_window');
    expect(model.requests).toBe(30);
    for (const boundary of [8_000, 14_000, 20_000]) {
      expect(between(boundary, boundary + 1_000)).toBe(30);
      expect(between(boundary - 1_000, boundary)).toBe(0);
    }
    // The first 429s, and the one that refutes a sliding window of 2 s (the first one's length).
    expect(refusals.length).toBeLessThanOrEqual(3);
  });

  it('reads a fixed window whose first wait was short enough for a bucket’s from a later wait that ends a whole number of windows after that first one', () => {
    // The first window's 30 calls go by 150 ms and its boundary falls at 300 ms: the first 429's
    // wait of 150 ms is one a bucket refilling 30 a window could give too, and is read as one.
    // Paced as that bucket, a trial of half again runs into the window's 30, refused until a
    // boundary — a whole number of windows after the first 429's end, where no bucket ends a wait.
    const { model, between } = drive(
      { rpm: 30, tpm: 1e9, windowMs: MINUTE, shape: 'fixed_window', phaseMs: 300 },
      18_000,
    );
    expect(model.shape).toBe('fixed_window');
    expect(model.windowMs).toBe(MINUTE);
    expect(model.requests).toBe(30);
    // Read at the trial's 429 (10.3 s): the next window's 30 from its boundary, as it gives them.
    expect(between(12_300, 13_300)).toBe(30);
    expect(between(13_300, 18_000)).toBe(0);
  });

  it('does not learn a fixed window’s length from where its first call fell', () => {
    const { model } = drive(
      { rpm: 30, tpm: 1e9, windowMs: MINUTE, shape: 'fixed_window', phaseMs: 4_500 },
      12_000,
    );
    expect(model.windowMs).toBe(MINUTE);
  });

  it('follows a quota that halves at once, and finds it back within two windows of its return', () => {
    const schedule = [
      { atMs: 20_000, rpm: 30 },
      { atMs: 40_000, rpm: 60 },
    ];
    const { model, between } = drive({ rpm: 60, tpm: 1e9, windowMs: MINUTE, schedule }, 60_000);
    expect(model.shape).toBe('sliding');
    // Halved: no more than 30 a window from one window after the change.
    expect(between(26_000, 32_000)).toBeLessThanOrEqual(30);
    // Back: 60 a window again within two windows of the return.
    expect(between(46_000, 52_000)).toBeGreaterThanOrEqual(55);
    expect(model.requests).toBe(60);
  });

  it('tests a fixed window read from one 429 with one call before bursting at its boundary, when a shorter sliding window explains that 429 too', () => {
    // 30 per 3 s, sliding, its 429s naming a minute of 6 s: the first window's 429 frees its room
    // at 3 s, which a fixed window of 6 s explains as well.
    const { model, refusals, between } = drive({ rpm: 30, tpm: 1e9, windowMs: 3_000 }, 20_000);
    expect(model.shape).toBe('sliding');
    expect(model.windowMs).toBeCloseTo(3_000, -2);
    // Not ten calls at once at the boundary that was not one: the first 429s and one test.
    expect(refusals.length).toBeLessThanOrEqual(3);
    expect(between(14_000, 20_000)).toBeGreaterThanOrEqual(58);
  });

  it('takes the unit a 429 names for a prior that a window of another length overturns', () => {
    // A sliding window of 3 s whose 429s name a minute of 6 s: ten calls from empty, the eleventh
    // told to wait until the first leaves at 3 000 — which a fixed window of 6 s, its boundary
    // there, explains as well.
    const model = new QuotaModel(undefined, MINUTE);
    for (let s = 0; s < 1_000; s += 100) {
      model.started(s, 100);
      model.admitted(s, s + 50, 100);
    }
    model.started(1_000, 100);
    model.refused(1_001, 2_000, true, 'requests', 1_000, 'minute');
    expect(model.shape).toBe('fixed_window');
    // Past that boundary, a call refused until the call sent at 200 leaves, at 3 200: on no
    // boundary of 6 s, but just as a window of 3 s — the first one's length — frees its room.
    for (const s of [3_010, 3_020, 3_030, 3_040, 3_050, 3_060, 3_070, 3_080, 3_090, 3_100]) {
      model.started(s, 100);
      model.admitted(s, s + 50, 100);
    }
    model.started(3_110, 100);
    model.refused(3_111, 90, true, 'requests', 3_110, 'minute');
    expect(model.shape).toBe('sliding');
    expect(model.windowMs).toBeCloseTo(3_000 * (1 + 1 / 600));
  });
});

describe('QuotaModel, a test call answered on the caller’s clock', () => {
  /**
   * A fixed window of 6 s read from a 429 at 1 001 whose wait, to 3 000, a sliding window of 3 s
   * explains as well (the rival W′); ten calls fill the fixed window from 3 010, and at 6 100 only
   * W′ has room: one call tests it. Its outcome is stamped on the caller's clock, a tick after the
   * gate's (the pipeline stamps the call when its request leaves, a continuation later).
   */
  function testOut(): QuotaModel {
    const model = new QuotaModel(undefined, MINUTE);
    for (let s = 0; s < 1_000; s += 100) {
      model.started(s, 100);
      model.admitted(s, s + 50, 100);
    }
    model.started(1_000, 100);
    model.refused(1_001, 2_000, true, 'requests', 1_000, 'minute');
    for (let s = 3_010; s <= 3_100; s += 10) {
      model.openAt(s, 100);
      model.started(s, 100);
      model.admitted(s, s + 50, 100);
    }
    expect(model.shape).toBe('fixed_window');
    expect(model.openAt(6_100, 100)).toBe(6_100);
    model.started(6_100, 100);
    return model;
  }

  it('takes the verdict of a test whose answer is stamped a tick after the gate let it go', () => {
    const model = testOut();
    model.admitted(6_101, 6_160, 100);
    expect(model.shape).toBe('sliding');
    expect(model.windowMs).toBeCloseTo(3_005, 0);
  });

  it('holds no call for good after a test that ended uncounted, stamped a tick late', () => {
    const model = testOut();
    model.finished(6_101, 100);
    // The fixed window's next boundary, with room in W′ too: not a millisecond later, for ever.
    expect(model.openAt(9_010, 100)).toBe(9_010);
  });
});

describe('QuotaModel, a burst let go at a sliding window’s edge', () => {
  it('keeps a sliding window when one of a burst is refused for a whole window while the rest are still out', () => {
    const model = new QuotaModel(undefined, MINUTE);
    // Five calls fill a minute of five requests; the sixth waits for the first to leave.
    for (let i = 0; i < 5; i += 1) model.started(0, 100);
    for (let i = 0; i < 5; i += 1) model.admitted(0, 50, 100);
    model.started(100, 100);
    model.refused(101, 5_900, true, 'requests', 100, 'minute');
    model.openAt(6_001, 100);
    expect(model.shape).toBe('sliding');
    for (let i = 0; i < 5; i += 1) model.started(6_000, 100);
    for (let i = 0; i < 5; i += 1) model.admitted(6_000, 6_050, 100);
    // At 12 000 the calls of 6 000 leave and six go at once; five reach the window first, and the
    // sixth waits a whole window for them — still out, they are all (t − W, t] holds of ours.
    for (let i = 0; i < 6; i += 1) model.started(12_000, 100);
    model.refused(12_001, 6_000, true, 'requests', 12_000, 'minute');
    expect(model.shape).toBe('sliding');
  });
});
