import { SlidingWindowQuota } from '../sliding-window-quota.js';

/**
 * Confluence Cloud's burst limit on API-token traffic: at most `requests` per sliding `windowMs`.
 * Over it, a 429 with the headers Cloud documents (developer.atlassian.com/cloud/confluence/rate-limiting):
 *
 *   Retry-After         whole seconds to wait, rounded up (never 0)
 *   X-RateLimit-Reset   now + Retry-After, ISO 8601 to the minute: yyyy-MM-ddTHH:mmZ
 *   X-RateLimit-Limit   the most requests the window holds;  X-RateLimit-Remaining  what is left
 *   RateLimit-Reason    which limit refused (named after Jira's documented `jira-burst-based`)
 *
 * and on every admitted answer X-RateLimit-Limit / -Remaining, plus X-RateLimit-NearLimit: true
 * once less than 20 % of the window is left.
 */
export interface RateLimitConfig {
  requests: number;
  windowMs: number;
}

export type RateVerdict =
  { ok: true; headers: Record<string, string> } | { ok: false; headers: Record<string, string> };

const NEAR_LIMIT_SHARE = 0.2;

export class RequestRateLimit {
  private quota: SlidingWindowQuota | undefined;
  private config: RateLimitConfig | undefined;

  constructor(
    config: RateLimitConfig | undefined,
    private readonly now: () => number,
  ) {
    this.configure(config);
  }

  configure(config: RateLimitConfig | undefined): void {
    this.config = config === undefined ? undefined : { ...config };
    this.quota =
      config === undefined
        ? undefined
        : new SlidingWindowQuota(
            { rpm: config.requests, tpm: Number.POSITIVE_INFINITY, windowMs: config.windowMs },
            this.now,
          );
  }

  current(): RateLimitConfig | undefined {
    return this.config === undefined ? undefined : { ...this.config };
  }

  admit(): RateVerdict {
    if (this.quota === undefined || this.config === undefined) return { ok: true, headers: {} };
    const limit = this.config.requests;
    const verdict = this.quota.tryAdmit(0);
    if (verdict.ok) {
      const remaining = this.quota.snapshot().requestsRemaining;
      const headers: Record<string, string> = {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(remaining),
      };
      if (remaining < limit * NEAR_LIMIT_SHARE) headers['x-ratelimit-nearlimit'] = 'true';
      return { ok: true, headers };
    }
    const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    return {
      ok: false,
      headers: {
        'retry-after': String(seconds),
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': `${new Date(this.now() + seconds * 1000).toISOString().slice(0, 16)}Z`,
        'ratelimit-reason': 'confluence-burst-based',
      },
    };
  }
}
