import type { CallOutcome, LearntQuota, Pacer, RefusalReading } from './pacer.js';
import { QuotaModel } from './quota-model.js';

/** Upper bound on one pause, however long the hint (each call's retry still honours it). */
export const MAX_PAUSE_MS = 60_000;
/** Round trip assumed before any call has been answered. */
const DEFAULT_RTT_MS = 1_000;
/** α of the round-trip average. */
const RTT_ALPHA = 0.3;

/**
 * Paces calls against a provider's quotas, learnt from its 429s (quota-model.ts: the shape, the
 * window, the requests and tokens it holds), and pauses dispatch for retry hints — the pacer of
 * the `adaptive` policy.
 *
 *   rtt        EWMA of answered calls' latency (α 0.3), 1 s before any
 *   429        hint h = min(retryAfter, 1 min); window-sized when h > 2·rtt. A call let go at
 *              the window's edge and refused: `edge` — it waits for its own hint, nothing pauses.
 *              Otherwise pause ← max(pause, now + h), and `metered` when the quota model paces
 *              the quota that refused (it named its unit, or a window was learnt and the wait is
 *              window-sized): the pause and the gate answer it; else `window` or `momentary` for
 *              the limit
 *   openAt(e)  max(pause, the quota model's gate for a call of e prompt tokens)
 *
 * `minuteMs` is how long a provider's minute lasts on `now`'s clock (60 000; less in a
 * time-scaled bench), for 429s that name a per-minute quota. Pure: time comes in as arguments.
 */
export class WindowPacer implements Pacer {
  private readonly model: QuotaModel;
  private pause = 0;
  private rtt: number | undefined;

  constructor(opts: { minuteMs?: number } = {}) {
    this.model = new QuotaModel(undefined, opts.minuteMs ?? 60_000);
  }

  get pausedUntil(): number {
    return this.pause;
  }

  get learnt(): LearntQuota {
    const { windowMs, requests, tokens, shape } = this.model;
    const quota: LearntQuota = {};
    if (windowMs !== undefined) quota.windowMs = windowMs;
    if (requests !== undefined) quota.requests = requests;
    if (tokens !== undefined) quota.tokens = Math.round(tokens);
    if (shape !== undefined && (requests !== undefined || tokens !== undefined)) quota.shape = shape;
    return quota;
  }

  openAt(now: number, tokens: number): number {
    return Math.max(this.pause, this.model.openAt(now, tokens));
  }

  started(now: number, tokens: number): void {
    this.model.started(now, tokens);
  }

  record(outcome: CallOutcome, now: number): RefusalReading | undefined {
    switch (outcome.kind) {
      case 'success': {
        const { latencyMs, inputTokens, outputTokens } = outcome;
        if (Number.isFinite(latencyMs) && latencyMs >= 0)
          this.rtt = this.rtt === undefined ? latencyMs : this.rtt + RTT_ALPHA * (latencyMs - this.rtt);
        const cost =
          inputTokens === undefined && outputTokens === undefined
            ? undefined
            : (inputTokens ?? 0) + (outputTokens ?? 0);
        this.model.admitted(outcome.startedAt ?? now - latencyMs, now, cost);
        return undefined;
      }
      case 'rate_limited':
        return this.refused(outcome, now);
      default:
        this.model.finished(outcome.startedAt);
        return undefined;
    }
  }

  private refused(outcome: Extract<CallOutcome, { kind: 'rate_limited' }>, now: number): RefusalReading {
    const { retryAfterMs, quota, quotaPer, startedAt } = outcome;
    const hint = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, MAX_PAUSE_MS) : 0;
    const windowSized = hint > 2 * (this.rtt ?? DEFAULT_RTT_MS);
    const read = this.model.refused(now, hint, windowSized, quota, startedAt, quotaPer);
    // A call let go at the window's edge a moment too early (our send lagged the provider's
    // clock): the model adjusted its timing; this call waits for its own hint.
    if (read === 'window_edge') return 'edge';
    this.pause = Math.max(this.pause, now + hint);
    if (read === 'metered' || (windowSized && this.model.windowMs !== undefined)) return 'metered';
    return windowSized ? 'window' : 'momentary';
  }
}
