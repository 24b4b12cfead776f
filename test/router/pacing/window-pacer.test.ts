import { describe, expect, it } from 'vitest';
import { WindowPacer } from '../../../src/router/pacing/window-pacer.js';
import { modelQuota, type QuotaSpec } from '../model-quota.js';

/** Calls of `tokens` started through the pacer at `starts` and answered 50 ms later. */
function admitCalls(p: WindowPacer, starts: number[], tokens = 100): void {
  for (const s of starts) {
    p.started(s, tokens);
    p.record({ kind: 'success', latencyMs: 50, inputTokens: tokens, outputTokens: 0, startedAt: s }, s + 50);
  }
}

/**
 * A client that always has a call waiting sends one whenever the pacer lets it (ten out at most)
 * against a quota as OpenAI meters and reports it (model-quota.ts: x-ratelimit-* on every answer
 * and 429), its minute 6 s; answers come 50 ms later, 429s at once. Returns when each call the
 * quota admitted went, and when each 429 came back.
 */
function withHeaders(
  spec: QuotaSpec,
  untilMs: number,
): { admitted: number[]; refusedAt: number[]; pacer: WindowPacer } {
  const p = new WindowPacer({ minuteMs: spec.windowMs });
  const provider = modelQuota(spec);
  type Out = { start: number; answerAt: number; reading: ReturnType<typeof provider.reading> };
  const out: (Out & { refused?: { waitMs: number; quota: 'requests' | 'tokens' } })[] = [];
  const admitted: number[] = [];
  const refusedAt: number[] = [];
  let now = 0;
  while (now < untilMs) {
    for (const c of out.filter((x) => x.answerAt <= now)) {
      out.splice(out.indexOf(c), 1);
      const { start, reading, refused } = c;
      if (refused === undefined)
        p.record(
          { kind: 'success', latencyMs: 50, inputTokens: 100, outputTokens: 0, reading, startedAt: start },
          now,
        );
      else {
        refusedAt.push(now);
        const retryAfterMs = Math.ceil(refused.waitMs);
        p.record(
          {
            kind: 'rate_limited',
            retryAfterMs,
            quota: refused.quota,
            quotaPer: 'minute',
            reading,
            startedAt: start,
          },
          now,
        );
      }
    }
    const at = p.openAt(now, 100);
    if (at <= now && out.length < 10) {
      p.started(now, 100);
      const refused = provider.refusal(now, 100);
      if (refused === undefined) {
        provider.admit(now, 100);
        admitted.push(now);
      }
      out.push({
        start: now,
        answerAt: now + (refused === undefined ? 50 : 1),
        reading: provider.reading(now),
        ...(refused && { refused }),
      });
    }
    const next = Math.min(...out.map((c) => c.answerAt), at > now ? at : now + 1);
    now = Math.max(now + 0.5, Math.min(next, now + 50));
  }
  return { admitted, refusedAt, pacer: p };
}

const TEN = [0, 100, 200, 300, 400, 500, 600, 700, 800, 900];

/** Ten calls admitted at 0, 100, …, 900 ms; the eleventh refused at 1 000 with "the oldest leaves in 9 s". */
function taught(quota: 'requests' | 'tokens' = 'requests', tokens = 100): WindowPacer {
  const p = new WindowPacer();
  admitCalls(p, TEN, tokens);
  p.started(1_000, tokens);
  p.record({ kind: 'rate_limited', retryAfterMs: 9_000, quota, startedAt: 1_000 }, 1_000);
  return p;
}

describe('WindowPacer', () => {
  it('lets every call go and learns nothing before a 429', () => {
    const p = new WindowPacer();
    admitCalls(p, TEN);
    expect(p.openAt(1_000, 100)).toBe(1_000);
    expect(p.pausedUntil).toBe(0);
    expect(p.learnt).toEqual({});
  });

  it('pauses for a retry hint, capped at a minute however long the hint', () => {
    const p = new WindowPacer();
    expect(p.record({ kind: 'rate_limited', retryAfterMs: 500, startedAt: 0 }, 0)).toBe('momentary');
    expect(p.pausedUntil).toBe(500);
    p.record({ kind: 'rate_limited', retryAfterMs: 3_600_000, startedAt: 10 }, 10);
    expect(p.pausedUntil).toBe(60_010);
  });

  it('reads a window-sized 429 whose window it learnt as metered: the pause and the gate answer it', () => {
    const p = new WindowPacer();
    admitCalls(p, [0, 100, 200, 300, 400, 500]);
    p.started(600, 100);
    expect(
      p.record({ kind: 'rate_limited', retryAfterMs: 9_400, quota: 'requests', startedAt: 600 }, 600),
    ).toBe('metered');
    expect(p.pausedUntil).toBe(10_000);
    expect(p.learnt).toEqual({ windowMs: 10_000 });
  });

  it('reads a window-sized 429 it cannot meter (no window learnt from it) as a window wait for the limit', () => {
    const p = new WindowPacer();
    // Nothing admitted yet: no oldest call to learn the window from.
    expect(p.record({ kind: 'rate_limited', retryAfterMs: 30_000, startedAt: 0 }, 0)).toBe('window');
    expect(p.pausedUntil).toBe(30_000);
  });

  it('learns the window and the request quota and starts each call only when the window has room', () => {
    const p = taught();
    expect(p.pausedUntil).toBe(10_000);
    expect(p.openAt(1_000, 100)).toBe(10_000);
    // After the pause: window 10 s, quota 10. The call at 0 has left: one call may start now,
    // the next when the call at 100 leaves.
    expect(p.openAt(10_000, 100)).toBe(10_000);
    expect(p.learnt).toEqual({ windowMs: 10_000, requests: 10, shape: 'sliding' });
    p.started(10_000, 100);
    expect(p.openAt(10_000, 100)).toBe(10_100);
  });

  it('paces by tokens when the 429 names the token quota, sizing each call by its prompt', () => {
    const p = taught('tokens', 400);
    expect(p.openAt(10_000, 400)).toBe(10_000);
    expect(p.learnt).toEqual({ windowMs: 10_000, tokens: 4_000, shape: 'sliding' });
    // 3 600 tokens are still in the window: a large prompt waits for more of them to leave.
    expect(p.openAt(10_000, 1_200)).toBe(10_200);
  });

  it('takes a call let go at the window’s edge and refused for a moment as news about the window alone', () => {
    const p = taught();
    p.openAt(10_000, 100);
    p.started(10_000, 100);
    expect(p.openAt(10_000, 100)).toBe(10_100);
    p.started(10_100, 100);
    expect(
      p.record({ kind: 'rate_limited', retryAfterMs: 30, quota: 'requests', startedAt: 10_100 }, 10_105),
    ).toBe('edge');
    expect(p.pausedUntil).toBe(10_000);
    expect(p.learnt.requests).toBe(10);
    expect(p.learnt.windowMs).toBeCloseTo(10_000 + 10_000 / 240);
  });

  it('frees the place of a call that ended without a verdict', () => {
    const p = taught();
    p.started(10_000, 100);
    expect(p.openAt(10_000, 100)).toBe(10_100);
    p.record({ kind: 'cancelled', startedAt: 10_000 }, 10_000);
    expect(p.openAt(10_000, 100)).toBe(10_000);
  });

  it('counts a call that met a 5xx or a hang in the window, as the provider that let it in does', () => {
    const p = taught();
    p.started(10_000, 100);
    p.record({ kind: 'overloaded', startedAt: 10_000 }, 10_020);
    expect(p.openAt(10_020, 100)).toBe(10_100);
    p.started(10_100, 100);
    p.record({ kind: 'timeout', startedAt: 10_100 }, 10_150);
    expect(p.openAt(10_150, 100)).toBe(10_200);
  });

  it('reads the quota with a call that met a 503 among those the window held', () => {
    // Ten calls let in, the fifth answered "the model is overloaded"; the eleventh refused. Read
    // without the 503, the quota was nine, a call short in every window of the run.
    const p = new WindowPacer();
    admitCalls(
      p,
      TEN.filter((s) => s !== 400),
    );
    p.started(400, 100);
    p.record({ kind: 'overloaded', startedAt: 400 }, 420);
    p.started(1_000, 100);
    p.record({ kind: 'rate_limited', retryAfterMs: 9_000, quota: 'requests', startedAt: 1_000 }, 1_000);
    expect(p.openAt(10_000, 100)).toBe(10_000);
    expect(p.learnt).toEqual({ windowMs: 10_000, requests: 10, shape: 'sliding' });
  });

  it('reads a per-minute 429 that came back slowly as the sliding window its first calls fill, not a boundary', () => {
    // Gemini's minute, 6 s on this clock. Fifteen calls from 71 ms filled it; the sixteenth,
    // stamped at 814, reached the simulator ~45 ms late, so its exact wait (5 222 ms, reckoned
    // from then) ends 36 ms before the first calls leave. Read as a fixed window's boundary, the
    // gate let ten calls go at once as the pause ended, and seven were refused.
    const p = new WindowPacer({ minuteMs: 6_000 });
    const starts = [71, 71, 72, 342, 345, 404, 406, 642, 645, 734, 738, 784, 789, 800, 811];
    for (const s of starts) p.started(s, 100);
    for (const s of starts)
      p.record({ kind: 'success', latencyMs: 300, inputTokens: 100, outputTokens: 0, startedAt: s }, s + 300);
    p.started(814, 100);
    const refused = { retryAfterMs: 5_222, quota: 'requests', quotaPer: 'minute', startedAt: 814 } as const;
    p.record({ kind: 'rate_limited', ...refused }, 859);
    expect(p.openAt(6_085, 100)).toBe(6_085);
    expect(p.learnt).toMatchObject({ requests: 15, shape: 'sliding' });
    for (let i = 0; i < 3; i += 1) p.started(6_085, 100);
    expect(p.openAt(6_086, 100)).toBeGreaterThan(6_342);
  });

  it('takes the minute a 429 names, as long as its clock runs it', () => {
    const p = new WindowPacer({ minuteMs: 6_000 });
    p.started(0, 100);
    p.record({ kind: 'success', latencyMs: 100, inputTokens: 100, outputTokens: 10, startedAt: 0 }, 100);
    p.started(490, 100);
    p.record(
      { kind: 'rate_limited', retryAfterMs: 5_700, quota: 'tokens', quotaPer: 'minute', startedAt: 490 },
      500,
    );
    expect(p.learnt.windowMs).toBeCloseTo(6_010);
  });

  it('paces by the quota an answer reports from the first answer, and shows it as learnt', () => {
    const p = new WindowPacer({ minuteMs: 60_000 });
    p.started(0, 1_000);
    // A bucket of 60 000 tokens a minute with 2 000 left after this call: full again in 58 s.
    const reading = {
      requests: { limit: 500, remaining: 499, resetMs: 120 },
      tokens: { limit: 60_000, remaining: 2_000, resetMs: 58_000 },
    };
    p.record(
      { kind: 'success', latencyMs: 50, inputTokens: 1_000, outputTokens: 0, reading, startedAt: 0 },
      50,
    );
    expect(p.openAt(50, 1_500)).toBe(50);
    // 5 000 tokens wait for 3 000 more (and the send margin's 100) at a token a millisecond.
    expect(p.openAt(50, 5_000)).toBe(3_100);
    expect(p.learnt).toEqual({
      reported: { windowMs: 60_000, requests: 500, tokens: 60_000, shape: 'token_bucket' },
    });
  });

  it('reads the quota a 429 reports as well: no call goes before the bucket holds it again', () => {
    const p = new WindowPacer({ minuteMs: 60_000 });
    p.started(0, 4_000);
    const reading = {
      requests: { limit: 500, remaining: 400, resetMs: 12_000 },
      tokens: { limit: 60_000, remaining: 1_000, resetMs: 59_000 },
    };
    p.record({ kind: 'rate_limited', retryAfterMs: 3_000, quota: 'tokens', reading, startedAt: 0 }, 5);
    expect(p.openAt(5, 4_000)).toBe(3_100);
  });

  it('asks at once whether a quota that dropped came back when what the key has left shows room', () => {
    // 30 a minute of 6 s; another service on the key takes 15 of them from 10 s to 13 s. The drop
    // is read at 12 s (15 a window); the headers report the key's 30 throughout, and the first
    // answer after the window's wait, at 18 s, has our calls held and what is left add up to 30:
    // the trial back to the peak goes then, not a window after the drop was read.
    const schedule = [
      { atMs: 10_000, rpm: 15 },
      { atMs: 13_000, rpm: 30 },
    ];
    const { admitted, refusedAt } = withHeaders({ rpm: 30, tpm: 1e9, windowMs: 6_000, schedule }, 20_000);
    const between = (from: number, to: number) => admitted.filter((t) => t >= from && t < to).length;
    expect(between(12_000, 13_000)).toBe(15);
    expect(between(18_000, 19_000)).toBe(30);
    expect(refusedAt.filter((t) => t >= 18_000)).toEqual([]);
  });

  it('asks no 429 a window whether a dropped quota came back while what the key has left shows it has not', () => {
    // 30 a minute of 6 s; another service on the key takes 15 of them from 10 s to the end. The
    // headers keep reporting the key's 30 and what it has left: never more than our 15, so no
    // trial goes past them (the test above: the readings show the return when it comes).
    const schedule = [{ atMs: 10_000, rpm: 15 }];
    const { admitted, refusedAt } = withHeaders({ rpm: 30, tpm: 1e9, windowMs: 6_000, schedule }, 240_000);
    // Trials back to the peak, one every other window, cost 18.
    expect(refusedAt.filter((t) => t >= 18_000).length).toBeLessThanOrEqual(1);
    // Every one of the 37 windows from 18 s still holds the 15 the key leaves.
    expect(admitted.filter((t) => t >= 18_000).length).toBe(37 * 15);
  });

  it('keeps the sliding window the headers show when another client’s calls, leaving it, free the room a 429 waited for', () => {
    // 30 a minute of 6 s; from 10 s another client on the key sends 10 a minute of its own, and
    // when refused tries again the moment the window has room. A 429 of ours then waits for one of
    // its calls to leave — a moment none of ours explains, which had read as a bucket's wait.
    const other = { fromMs: 10_000, rpm: 10 };
    const { admitted, pacer } = withHeaders({ rpm: 30, tpm: 1e9, windowMs: 6_000, other }, 120_000);
    expect(pacer.learnt.shape).toBe('sliding');
    // The 20 a window the key leaves us, from the third window after it started.
    const between = (from: number, to: number) => admitted.filter((t) => t >= from && t < to).length;
    expect(between(60_000, 120_000)).toBeGreaterThanOrEqual(180);
  });

  it('takes up a raised limit the provider reports at once, though a trial of one call more is running', () => {
    // 15 a minute of 6 s, raised to 30 at 13 s. The window's wait ends at 18 s, when a trial of 16
    // starts; the first answer reports 30: the trial to it replaces the smaller one (which had held
    // the raise back until it settled, 16 calls in 18–19 s).
    const schedule = [{ atMs: 13_000, rpm: 30 }];
    const { admitted, refusedAt } = withHeaders({ rpm: 15, tpm: 1e9, windowMs: 6_000, schedule }, 20_000);
    const between = (from: number, to: number) => admitted.filter((t) => t >= from && t < to).length;
    expect(between(12_000, 13_000)).toBe(15);
    expect(between(18_000, 19_000)).toBe(30);
    expect(refusedAt.filter((t) => t >= 6_000)).toEqual([]);
  });
  it('reads a 429 that came before the slower answers of the burst it followed as the sliding window the headers show', () => {
    // A burst of five at 1 s on a sliding window of 60 000 tokens a minute; the first answer was
    // judged first (50 000 left). A call sent 300 ms after the burst is refused before the other
    // answers are back: 10 000 left, and the end of the burst's calls, where the answer's was.
    const p = new WindowPacer({ minuteMs: 60_000 });
    for (let i = 0; i < 5; i += 1) p.started(1_000, 10_000);
    const answer = { tokens: { limit: 60_000, remaining: 50_000, resetMs: 60_000 } };
    p.record(
      {
        kind: 'success',
        latencyMs: 100,
        inputTokens: 10_000,
        outputTokens: 0,
        reading: answer,
        startedAt: 1_000,
      },
      1_100,
    );
    p.started(1_300, 15_000);
    const refusal = { tokens: { limit: 60_000, remaining: 10_000, resetMs: 59_700 } };
    p.record(
      { kind: 'rate_limited', retryAfterMs: 100, quota: 'tokens', reading: refusal, startedAt: 1_300 },
      1_305,
    );
    // Read as a boundary, the window would free nothing until 61 000, a minute on.
    expect(p.learnt.reported?.shape).toBe('sliding');
  });
});
