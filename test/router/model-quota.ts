import type { BudgetReading, QuotaReading } from '../../src/model/quota-reading.js';

/**
 * The provider's side of the quota model (quota-simulation.ts): a quota of one shape, the way
 * the simulator (src/sim/*-quota.ts) and the providers' documents describe them, on a virtual
 * clock. `refusal` answers whether a call costing `tokens` would be admitted at `now` and, if
 * not, how long until it would be:
 *
 *   sliding       #admitted in (t − W, t] + 1 ≤ rpm  ∧  Σ tokens in the window + c ≤ tpm
 *                 wait = until enough of the oldest calls leave
 *   token_bucket  levelR(t) ≥ 1 ∧ levelT(t) ≥ c,  level(t) = min(C, level(s) + (t − s)·limit/W),
 *                 C = burst · limit, both full at t = 0;  wait = (need − level)·W/limit
 *   fixed_window  the counts of the window [φ + kW, φ + (k+1)W) that holds t;  wait = to its end
 *   schedule      any of them with rpm, tpm = the last step at or before t (the key shared with
 *                 another service that starts and stops)
 *   other         sliding: that service as calls of its own in the same window (OtherClient)
 *
 * `reading` is what OpenAI's x-ratelimit-* headers report at t, as the simulator sends them
 * (src/sim/*-quota.ts): limit = the key's (`reported`: a step below the base is another service's
 * share, a step above a raised tier), remaining = what is left (a bucket's ⌊level⌋),
 * reset = until back to the initial state — sliding: the newest call leaves (s_last + W − t);
 * bucket: (C − level)·W/limit; fixed: to the boundary (0 when nothing is held).
 */

export type ModelShape = 'sliding' | 'token_bucket' | 'fixed_window';

export interface ScheduleStep {
  atMs: number;
  rpm?: number;
  tpm?: number;
}

export interface QuotaSpec {
  rpm: number;
  tpm: number;
  windowMs: number;
  shape?: ModelShape;
  /** token_bucket: capacity as a share of a window's allowance (default 1). */
  burst?: number;
  /** fixed_window: where the boundaries fall, φ (default 0). */
  phaseMs?: number;
  schedule?: readonly ScheduleStep[];
  /** sliding: another client on the key, spending `tpm` tokens a window in calls of `callTokens` from `fromMs` to `toMs`. */
  other?: OtherClient;
}

/**
 * Another service on the same key (sliding): a call of `callTokens` due every W · callTokens / tpm
 * (or W / rpm) from `fromMs` until `toMs`; refused, it tries again when the window has room, and
 * its calls due meanwhile follow it (a backlog, as a client that retries has). Its calls leave the
 * window one by one, a window after each — not all at once when it stops.
 */
export interface OtherClient {
  fromMs: number;
  toMs?: number;
  tpm?: number;
  rpm?: number;
  callTokens?: number;
}

export interface Refusal {
  waitMs: number;
  quota: 'requests' | 'tokens';
  /** A refusal by the window quota (which a provider may name), not by its concurrency cap. */
  named?: boolean;
}

export interface ModelQuota {
  refusal(now: number, tokens: number): Refusal | undefined;
  admit(now: number, tokens: number): void;
  reading(now: number): QuotaReading;
}

function budget(limit: number, remaining: number, resetMs: number): BudgetReading {
  return {
    limit,
    remaining: Math.max(0, Math.floor(remaining + 1e-6)),
    resetMs: Math.max(0, Math.ceil(resetMs)),
  };
}

export function limitsAt(spec: QuotaSpec, now: number): { rpm: number; tpm: number } {
  let rpm = spec.rpm;
  let tpm = spec.tpm;
  for (const step of spec.schedule ?? []) {
    if (step.atMs > now) break;
    rpm = step.rpm ?? spec.rpm;
    tpm = step.tpm ?? spec.tpm;
  }
  return { rpm, tpm };
}

/**
 * The limits the headers report (src/sim/quota-schedule.ts `keyLimits`): a step below the base is
 * another service's share of the key, which leaves the key's limit; a step above, a raised tier.
 */
export function reported(spec: QuotaSpec, now: number): { rpm: number; tpm: number } {
  const { rpm, tpm } = limitsAt(spec, now);
  return { rpm: Math.max(spec.rpm, rpm), tpm: Math.max(spec.tpm, tpm) };
}

/** When the limits next change after `now` (∞ when they never do). */
export function nextChangeAfter(spec: QuotaSpec, now: number): number {
  return spec.schedule?.find((s) => s.atMs > now)?.atMs ?? Number.POSITIVE_INFINITY;
}

export function modelQuota(spec: QuotaSpec): ModelQuota {
  switch (spec.shape ?? 'sliding') {
    case 'sliding':
      return new SlidingQuota(spec);
    case 'token_bucket':
      return new BucketQuota(spec);
    case 'fixed_window':
      return new FixedQuota(spec);
  }
}

class SlidingQuota implements ModelQuota {
  private readonly admitted: { t: number; tokens: number }[] = [];
  /** When the other client's next call is due, and when it may next try (after a 429's wait). */
  private otherDue: number;
  private otherTry = Number.NEGATIVE_INFINITY;
  constructor(private readonly s: QuotaSpec) {
    this.otherDue = s.other?.fromMs ?? Number.POSITIVE_INFINITY;
  }

  /** The other client's calls due by `now`, each admitted once the window has room for it. */
  private advance(now: number): void {
    const o = this.s.other;
    if (o === undefined) return;
    const c = o.callTokens ?? 1_800;
    const every =
      this.s.windowMs * Math.max(o.tpm === undefined ? 0 : c / o.tpm, o.rpm === undefined ? 0 : 1 / o.rpm);
    for (;;) {
      const t = Math.max(this.otherDue, this.otherTry);
      if (t > now || this.otherDue >= (o.toMs ?? Number.POSITIVE_INFINITY)) return;
      const refused = this.judge(t, c);
      if (refused === undefined) {
        this.admitted.push({ t, tokens: c });
        this.otherDue += every;
        this.otherTry = t;
      } else this.otherTry = t + refused.waitMs;
    }
  }

  refusal(now: number, tokens: number): Refusal | undefined {
    this.advance(now);
    return this.judge(now, tokens);
  }

  private judge(now: number, tokens: number): Refusal | undefined {
    const { rpm, tpm } = limitsAt(this.s, now);
    while (this.admitted.length > 0 && (this.admitted[0]?.t ?? 0) <= now - this.s.windowMs)
      this.admitted.shift();
    if (this.admitted.length + 1 > rpm) {
      const leaving = this.admitted[this.admitted.length - Math.max(1, Math.floor(rpm))]?.t ?? now;
      return { waitMs: Math.max(1, leaving + this.s.windowMs - now), quota: 'requests', named: true };
    }
    let held = this.admitted.reduce((sum, a) => sum + a.tokens, 0);
    if (held + tokens <= tpm) return undefined;
    for (const a of this.admitted) {
      held -= a.tokens;
      if (held + tokens <= tpm)
        return { waitMs: Math.max(1, a.t + this.s.windowMs - now), quota: 'tokens', named: true };
    }
    return { waitMs: this.s.windowMs, quota: 'tokens', named: true };
  }

  admit(now: number, tokens: number): void {
    this.advance(now);
    this.admitted.push({ t: now, tokens });
  }

  reading(now: number): QuotaReading {
    this.advance(now);
    const { rpm, tpm } = limitsAt(this.s, now);
    const held = this.admitted.filter((a) => a.t > now - this.s.windowMs);
    const newest = held.at(-1);
    const reset = newest === undefined ? 0 : newest.t + this.s.windowMs - now;
    const tokens = held.reduce((sum, a) => sum + a.tokens, 0);
    const key = reported(this.s, now);
    return {
      requests: budget(key.rpm, rpm - held.length, reset),
      tokens: budget(key.tpm, tpm - tokens, reset),
    };
  }
}

class BucketQuota implements ModelQuota {
  private requests: number;
  private tokens: number;
  private at = 0;
  private limits: { rpm: number; tpm: number };

  constructor(private readonly s: QuotaSpec) {
    this.limits = limitsAt(s, 0);
    this.requests = this.capacity().requests;
    this.tokens = this.capacity().tokens;
  }

  refusal(now: number, tokens: number): Refusal | undefined {
    this.refill(now);
    const { rpm, tpm } = this.limits;
    const w = this.s.windowMs;
    if (this.requests < 1 - 1e-9)
      return { waitMs: Math.max(1, ((1 - this.requests) * w) / rpm), quota: 'requests', named: true };
    if (this.tokens < tokens - 1e-9)
      return { waitMs: Math.max(1, ((tokens - this.tokens) * w) / tpm), quota: 'tokens', named: true };
    return undefined;
  }

  admit(now: number, tokens: number): void {
    this.refill(now);
    this.requests -= 1;
    this.tokens -= tokens;
  }

  reading(now: number): QuotaReading {
    this.refill(now);
    const { rpm, tpm } = this.limits;
    const w = this.s.windowMs;
    const c = this.capacity();
    return {
      requests: budget(reported(this.s, now).rpm, this.requests, ((c.requests - this.requests) * w) / rpm),
      tokens: budget(reported(this.s, now).tpm, this.tokens, ((c.tokens - this.tokens) * w) / tpm),
    };
  }

  private capacity(): { requests: number; tokens: number } {
    const burst = this.s.burst ?? 1;
    return { requests: burst * this.limits.rpm, tokens: burst * this.limits.tpm };
  }

  private refill(now: number): void {
    const elapsed = now - this.at;
    if (elapsed <= 0) return;
    const w = this.s.windowMs;
    this.requests = Math.min(this.capacity().requests, this.requests + (elapsed * this.limits.rpm) / w);
    this.tokens = Math.min(this.capacity().tokens, this.tokens + (elapsed * this.limits.tpm) / w);
    this.at = now;
    const next = limitsAt(this.s, now);
    if (next.rpm !== this.limits.rpm || next.tpm !== this.limits.tpm) {
      this.limits = next;
      this.requests = Math.min(this.requests, this.capacity().requests);
      this.tokens = Math.min(this.tokens, this.capacity().tokens);
    }
  }
}

class FixedQuota implements ModelQuota {
  private window = Number.NaN;
  private requests = 0;
  private tokens = 0;
  constructor(private readonly s: QuotaSpec) {}

  refusal(now: number, tokens: number): Refusal | undefined {
    this.roll(now);
    const { rpm, tpm } = limitsAt(this.s, now);
    const waitMs = Math.max(1, this.end(now) - now);
    if (this.requests + 1 > rpm) return { waitMs, quota: 'requests', named: true };
    if (this.tokens + tokens > tpm) return { waitMs, quota: 'tokens', named: true };
    return undefined;
  }

  admit(now: number, tokens: number): void {
    this.roll(now);
    this.requests += 1;
    this.tokens += tokens;
  }

  reading(now: number): QuotaReading {
    this.roll(now);
    const { rpm, tpm } = limitsAt(this.s, now);
    const reset = this.requests === 0 && this.tokens === 0 ? 0 : this.end(now) - now;
    return {
      requests: budget(reported(this.s, now).rpm, rpm - this.requests, reset),
      tokens: budget(reported(this.s, now).tpm, tpm - this.tokens, reset),
    };
  }

  private end(now: number): number {
    const phase = this.s.phaseMs ?? 0;
    return phase + (Math.floor((now - phase) / this.s.windowMs) + 1) * this.s.windowMs;
  }

  private roll(now: number): void {
    const k = Math.floor((now - (this.s.phaseMs ?? 0)) / this.s.windowMs);
    if (k === this.window) return;
    this.window = k;
    this.requests = 0;
    this.tokens = 0;
  }
}
