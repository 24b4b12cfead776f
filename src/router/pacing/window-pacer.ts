import type { CallOutcome, LearntQuota, Pacer, RefusalReading } from './pacer.js';
import { MARGIN } from './pending-refusal.js';
import { QuotaModel } from './quota-model.js';
import { ReportedQuota } from './reported-quota.js';

/** Upper bound on one pause, however long the hint (each call's retry still honours it). */
export const MAX_PAUSE_MS = 60_000;
/** Round trip assumed before any call has been answered. */
const DEFAULT_RTT_MS = 1_000;
/** α of the round-trip average. */
const RTT_ALPHA = 0.3;
/**
 * Room the key shows is a return once it passes the 429-learnt level by a quarter and two calls:
 * K leaves out the calls sent within ε of the window's start, yet one whose send outran ε can still
 * be counted after it left (the grids' runs with headers, on quotas that never change: unchanged to
 * the digit).
 */
const ROOM_SHARE = 1.25;
const ROOM_CALLS = 2;

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
 *   reported   an answer's or a 429's reading of the quota (OpenAI's x-ratelimit-* headers)
 *              goes to reported-quota.ts, dated from when its call left. A reading whose limit L
 *              is above the last one's (the key's other user stopped) asks the quota model's
 *              question at once: its trial goes now, to L per window at least (past the ceilings
 *              the smaller quota's 429s set), not q windows after its last change — the
 *              429-learnt level, still the dropped one, would hold the calls L has room for.
 *              Another service on the key lowers what is left, not L: a window's reading whose
 *              key level K (reported-quota.ts) passes 1.25·T̂ + 2 calls (or R̂) asks the same,
 *              to K, at most once a window. On a sliding window, the most K of a window's readings
 *              (K̄; one reading reads low by a burst sent at the window's start or with its call)
 *              at most T̂ + a call (R̂ + 1) says the key is full: its other user is still there,
 *              and a trial goes no higher than K̄, none while that gains under half a call
 *              (quota-estimates.ts). Full, then not: the same question at once. Full or not, no
 *              trial goes past K̄ (the rest is the other user's). The window the resets show is
 *              the quota model's too: a 429 is that window's (shape-belief.ts)
 *   openAt(e)  max(pause, the quota model's gate, the reported quota's room) for a call of e
 *              prompt tokens — the model learns the shape and its window, which the room frees by
 *   learnt     what 429s taught (the batch-size rule reads it), and beside it `reported`: the
 *              limits the readings report per minute and the shape their resets show
 *
 * `minuteMs` is how long a provider's minute lasts on `now`'s clock (60 000; less in a
 * time-scaled bench), for 429s that name a per-minute quota. Pure: time comes in as arguments.
 */
export class WindowPacer implements Pacer {
  private readonly model: QuotaModel;
  private readonly reported: ReportedQuota;
  private readonly minuteMs: number;
  private pause = 0;
  private rtt: number | undefined;
  private roomAskedAt = Number.NEGATIVE_INFINITY;
  private keyWasFull = false;
  /** Readings of calls sent at or before this (the last 429's) tell nothing of the key now. */
  private keyClearedAt = Number.NEGATIVE_INFINITY;
  /** K of the readings over the last window, per budget. */
  private keyLevels: Record<'requests' | 'tokens', { at: number; level: number }[]> = {
    requests: [],
    tokens: [],
  };

  /** `hintGrainMs`: how far the provider rounds its hints up (0: exact; quota-model.ts, "window trial"). */
  constructor(opts: { minuteMs?: number; hintGrainMs?: number } = {}) {
    this.minuteMs = opts.minuteMs ?? 60_000;
    this.model = new QuotaModel(undefined, this.minuteMs, opts.hintGrainMs);
    this.reported = new ReportedQuota(this.minuteMs);
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
    const stated = this.reported.limits;
    if (stated.requests !== undefined || stated.tokens !== undefined)
      quota.reported = { windowMs: this.minuteMs, ...stated, shape: this.reported.shape };
    return quota;
  }

  openAt(now: number, tokens: number): number {
    return Math.max(this.pause, this.model.openAt(now, tokens), this.reportedOpenAt(now, tokens));
  }

  reportedOpenAt(now: number, tokens: number): number {
    const { shape, windowMs } = this.model;
    const believed = { shape, windowMs };
    return this.reported.openAt(this.model.calls, now, tokens, this.minuteMs * MARGIN, believed);
  }

  started(now: number, tokens: number): void {
    this.model.started(now, tokens);
  }

  record(outcome: CallOutcome, now: number): RefusalReading | undefined {
    let notice = false;
    if ((outcome.kind === 'success' || outcome.kind === 'rate_limited') && outcome.reading !== undefined) {
      const sent = outcome.startedAt ?? (outcome.kind === 'success' ? now - outcome.latencyMs : now);
      const before = this.reported.limits;
      this.reported.read(
        outcome.reading,
        sent,
        outcome.kind === 'rate_limited' ? { newest: this.model.calls.newestAdmittedBefore(sent) } : undefined,
      );
      this.model.reportsLimits({
        requests: this.reported.windowOf('requests'),
        tokens: this.reported.windowOf('tokens'),
      });
      const after = this.reported.limits;
      const rose = (b: number | undefined, a: number | undefined) =>
        b !== undefined && a !== undefined && a > b;
      if (rose(before.requests, after.requests) || rose(before.tokens, after.tokens))
        this.model.quotaGrew(now, {
          ...(rose(before.requests, after.requests) && { requests: after.requests }),
          ...(rose(before.tokens, after.tokens) && { tokens: after.tokens }),
        });
      else notice = true;
    }
    switch (outcome.kind) {
      case 'success': {
        const { latencyMs, inputTokens, outputTokens } = outcome;
        if (Number.isFinite(latencyMs) && latencyMs >= 0)
          this.rtt = this.rtt === undefined ? latencyMs : this.rtt + RTT_ALPHA * (latencyMs - this.rtt);
        const cost =
          inputTokens === undefined && outputTokens === undefined
            ? undefined
            : (inputTokens ?? 0) + (outputTokens ?? 0);
        this.model.admitted(outcome.startedAt ?? now - latencyMs, now, cost, outcome.estimate);
        // Read once the call is in the ledger as answered: the reading held it.
        if (notice) this.noticeRoom(now);
        return undefined;
      }
      case 'rate_limited':
        if (notice) this.noticeRoom(now);
        return this.refused(outcome, now);
      case 'overloaded':
      case 'timeout':
        this.model.spent(outcome.startedAt, now, outcome.estimate);
        return undefined;
      default:
        this.model.finished(outcome.startedAt, outcome.estimate);
        return undefined;
    }
  }

  /**
   * The key has room the 429-learnt level holds back (its other user stopped; OpenAI reports the
   * key's limit, not our share of it, so only what is left shows it): the trial that asks whether
   * the quota came back goes now, to that level at least. At most once a window.
   */
  private noticeRoom(now: number): void {
    const w = this.model.windowMs;
    if (w === undefined) return;
    const { shape } = this.model;
    const room: { requests?: number; tokens?: number } = {};
    let holds: { requests?: number; tokens?: number } | undefined;
    let full: boolean | undefined;
    for (const budget of ['requests', 'tokens'] as const) {
      const level = budget === 'requests' ? this.model.requests : this.model.tokens;
      const seen = this.reported.keyLevel(
        this.model.calls,
        budget,
        { shape, windowMs: w },
        this.minuteMs * MARGIN,
        this.keyClearedAt,
      );
      if (level === undefined || seen === undefined) continue;
      const call = budget === 'requests' ? 1 : this.model.calls.meanCost();
      if (seen > level * ROOM_SHARE + ROOM_CALLS * call) room[budget] = (seen * this.minuteMs) / w;
      // K reads low by a burst sent at the window's start or with the reading's call: the most a
      // window's readings showed is what the key holds for us, as nearly as they tell it.
      const levels = this.keyLevels[budget].filter((k) => k.at > now - w);
      levels.push({ at: now, level: seen });
      this.keyLevels[budget] = levels;
      const most = Math.max(...levels.map((k) => k.level));
      // A fixed window's K leaves out the burst its boundary lets go (sent within ε of it): too low
      // to say the key is full.
      if (this.reported.shape === 'sliding') full = (full ?? true) && most <= level + call;
      holds = { ...holds, [budget]: most };
    }
    // Full, then room past the level: the key's other user left, or takes less — ask at once.
    const emptied = this.keyWasFull && full === false;
    this.model.keyShows(this.reported.shape === 'sliding' ? holds : undefined);
    if (full !== undefined) {
      this.model.keyFull(full ? holds : undefined);
      this.keyWasFull = full;
    }
    const roomy = room.requests !== undefined || room.tokens !== undefined;
    if ((!roomy && !emptied) || now - this.roomAskedAt < w) return;
    this.roomAskedAt = now;
    this.model.quotaGrew(now, room);
  }

  private refused(outcome: Extract<CallOutcome, { kind: 'rate_limited' }>, now: number): RefusalReading {
    const { retryAfterMs, quota, quotaPer, startedAt, estimate } = outcome;
    const hint = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, MAX_PAUSE_MS) : 0;
    const windowSized = hint > 2 * (this.rtt ?? DEFAULT_RTT_MS);
    const read = this.model.refused(now, hint, windowSized, quota, startedAt, quotaPer, estimate);
    // A call let go at the window's edge a moment too early (our send lagged the provider's
    // clock): the model adjusted its timing; this call waits for its own hint.
    if (read === 'window_edge') return 'edge';
    // What the key held before this 429 is no news of what it holds after it: nor is a reading
    // taken before it that comes back later.
    this.keyLevels = { requests: [], tokens: [] };
    this.keyWasFull = false;
    this.keyClearedAt = Math.max(this.keyClearedAt, startedAt ?? now);
    this.pause = Math.max(this.pause, now + hint);
    if (read === 'metered' || (windowSized && this.model.windowMs !== undefined)) return 'metered';
    return windowSized ? 'window' : 'momentary';
  }
}
