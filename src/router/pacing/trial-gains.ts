import type { RateLimitQuota } from '../../model/errors.js';
import type { Levels } from './trial-levels.js';

/**
 * What trials gained: R̂ and T̂ against C, the levels the last counts set (before any trial).
 *
 *   above   R̂ > C or T̂ > C: a trial's gain was kept
 *   halve   a kept gain proved too high: R̂ ← max(C, R̂ − 1), T̂ ← T̂ − (T̂ − C)/2 while T̂ > C
 *   forget  R̂ ← min(R̂, C), T̂ ← min(T̂, C) (what trials gained under a window now known shorter)
 *
 * A budget no count has set yet keeps its level.
 */
export class TrialGains {
  /** C. */
  private readonly counted: { requests?: number; tokens?: number } = {};

  /** A count (or a reading) set the level of `quota` to `value`. */
  count(quota: RateLimitQuota, value: number): void {
    this.counted[quota] = value;
  }

  /** Whether `level` stands above what the last counts set. */
  above(level: Levels): boolean {
    const { counted } = this;
    return (
      (counted.requests !== undefined && (level.requests ?? 0) > counted.requests) ||
      (counted.tokens !== undefined && (level.tokens ?? 0) > counted.tokens)
    );
  }

  /** `level` with half of each gain gone (a request gain, by one). */
  halved(level: Levels): Levels {
    const { counted } = this;
    let { requests, tokens } = level;
    if (counted.requests !== undefined && requests !== undefined)
      requests = Math.max(counted.requests, requests - 1);
    if (counted.tokens !== undefined && tokens !== undefined && tokens > counted.tokens)
      tokens -= (tokens - counted.tokens) / 2;
    return { requests, tokens };
  }

  /** `level` with no gain. */
  forgotten(level: Levels): Levels {
    const { counted } = this;
    let { requests, tokens } = level;
    if (counted.requests !== undefined && requests !== undefined)
      requests = Math.min(requests, counted.requests);
    if (counted.tokens !== undefined && tokens !== undefined) tokens = Math.min(tokens, counted.tokens);
    return { requests, tokens };
  }
}
