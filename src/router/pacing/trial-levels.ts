import type { KeyLevel } from './key-level.js';

/** R̂ and T̂, each once counted. */
export interface Levels {
  requests: number | undefined;
  tokens: number | undefined;
}

/** A rate's share (`growth`), what the key is reported full at (`key`) or shown to hold (`upTo`), a `stale` ceiling. */
export interface TrialHow {
  growth?: number;
  key?: KeyLevel;
  upTo?: KeyLevel;
  stale?: boolean;
}

/**
 * The levels a trial of the quota goes to from R̂ and T̂, with U the ceilings, P the peaks
 * (quota-peaks.ts), s the request step (request-search.ts) and c the mean cost of a call:
 *
 *   rate   (a share g) R̂ ← R̂ + (U − R̂)⁺/2 under a finite ceiling, else R̂·(1 + g); T̂ alike — a
 *          stale ceiling's (trial-schedule.ts) counts as none: the rate goes g past it
 *   back   P > R̂ + 1 or P − T̂ > c/2, the key not reported full: each level below its peak so
 *          goes back to it (the quota came back? a question, not a step of a search)
 *   step   else R̂ ← R̂ + s, T̂ ← T̂ + (U − T̂)/2 while U − T̂ > c/2, else T̂ + c
 *   cap    the key reported full (`key`, K̄), else what it is shown to hold (`upTo`): no step goes
 *          past it (the readings answer what a trial back to the peak would ask), nor below the
 *          level: R̂ ← max(R̂₀, min(R̂, ⌊K̄⌋)), T̂ ← max(T̂₀, min(T̂, K̄))
 */
export function trialLevels(
  from: Levels,
  ceiling: { requests: number; tokens: number },
  peak: { readonly requests: number | undefined; readonly tokens: number | undefined },
  call: number,
  step: number,
  { growth, key, upTo, stale = false }: TrialHow = {},
): Levels & { toPeak: boolean } {
  let { requests, tokens } = from;
  if (growth !== undefined) {
    // A rate: by a share of itself, or half way to a level that failed.
    const grow = (level: number, bound: number) =>
      Number.isFinite(bound) && !stale ? level + Math.max(0, bound - level) / 2 : level * (1 + growth);
    if (requests !== undefined) requests = grow(requests, ceiling.requests);
    if (tokens !== undefined) tokens = grow(tokens, ceiling.tokens);
    return { requests, tokens, toPeak: false };
  }
  // The key reported full (its other user is still there): its readings, not a trial, show when
  // the quota comes back, and this trial is a step to what they show at most.
  const peaked =
    (requests !== undefined && peak.requests !== undefined && peak.requests > requests + 1) ||
    (tokens !== undefined && peak.tokens !== undefined && peak.tokens - tokens > call / 2);
  const back = key === undefined && peaked;
  let toPeak = false;
  if (requests !== undefined) {
    const backToPeak = back && peak.requests !== undefined && peak.requests > requests + 1;
    requests = backToPeak ? (peak.requests as number) : requests + step;
    if (backToPeak) toPeak = true;
  }
  if (tokens !== undefined) {
    if (back && peak.tokens !== undefined && peak.tokens - tokens > call / 2) {
      tokens = peak.tokens;
      toPeak = true;
    } else {
      const gap = ceiling.tokens - tokens;
      tokens += Number.isFinite(gap) && gap > call / 2 ? gap / 2 : call;
    }
  }
  const cap = key ?? upTo;
  if (cap !== undefined) {
    if (requests !== undefined && cap.requests !== undefined)
      requests = Math.max(from.requests ?? 0, Math.min(requests, Math.floor(cap.requests)));
    if (tokens !== undefined && cap.tokens !== undefined)
      tokens = Math.max(from.tokens ?? 0, Math.min(tokens, cap.tokens));
  }
  return { requests, tokens, toPeak };
}
