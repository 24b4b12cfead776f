import { describe, expect, it } from 'vitest';
import { WindowPacer } from '../../../src/router/pacing/window-pacer.js';
import { LONE_SHARE, type QuotaShare } from '../../../src/router/sharing/quota-share.js';
import { SEND_MARGIN, SharedPacer } from '../../../src/router/sharing/shared-pacer.js';

/**
 * A call's place in the provider's window starts when the provider got it, not when the gate let
 * it go: a process's first calls reached the simulator 100–350 ms after they left the gate on a
 * loaded host (later ones 1–20 ms), and their room, freed a window after the gate let them go,
 * was refused at the first window's turn. The answer says when the provider had it by (OpenAI's
 * openai-processing-ms), and the call leaves the window a window after that.
 */
const W = 10_000;
const w = W * (1 + SEND_MARGIN);

/** Instance a, half of a key of 4 calls per 10 s known to both, the peer idle: a part of 2 calls. */
function halfOfFour(): SharedPacer {
  const share: QuotaShare = {
    ...LONE_SHARE,
    self: 'a',
    instances: () => 2,
    fraction: () => 0.5,
    newestEstimate: () => ({ windowMs: W, requests: 4, learntAt: -1, by: 'b' }),
    peerClaims: () => [{ id: 'b', fraction: 0.5, usage: { requests: 0, tokens: 0 } }],
  };
  return new SharedPacer(new WindowPacer({ minuteMs: W }), share);
}

describe('a shared key’s own calls', () => {
  it('stay in the window a window after the provider got them, when the answer says that was late', () => {
    const pacer = halfOfFour();
    for (const t of [0, 0]) {
      expect(pacer.openAt(t, 100)).toBe(t);
      pacer.started(t, 100);
    }
    // The first reached the provider 300 ms after it left (its answer: 400 ms, 100 ms of processing).
    pacer.record({ kind: 'success', latencyMs: 400, arrivedBy: 300, startedAt: 0 }, 400);
    pacer.record({ kind: 'success', latencyMs: 150, arrivedBy: 50, startedAt: 0 }, 150);
    // Before: both counted from 0, and a call left at w + 1 into a window the first still held.
    expect(pacer.openAt(w + 1, 100)).toBe(50 + w);
    pacer.started(50 + w, 100);
    expect(pacer.openAt(50 + w + 1, 100)).toBe(300 + w);
  });

  it('count from when the gate let them go when the answer says nothing of it (Gemini)', () => {
    const pacer = halfOfFour();
    for (const t of [0, 0]) pacer.started(t, 100);
    pacer.record({ kind: 'success', latencyMs: 400, startedAt: 0 }, 400);
    pacer.record({ kind: 'success', latencyMs: 150, startedAt: 0 }, 150);
    expect(pacer.openAt(w + 1, 100)).toBe(w + 1);
  });
});
