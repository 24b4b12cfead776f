import { QUOTA_EXHAUSTED } from '../router/circuit-breaker.js';
import type { BreakerRecord } from '../router/router-metrics.js';

/** A provider's current spell away from serving: since when, and the opening that keeps it. */
export interface NotServing {
  /** The opening that began the spell. */
  since: BreakerRecord;
  /** The spell's last opening: its reason and failure are the current ones. */
  opened: BreakerRecord;
}

/**
 * Providers that are not serving: their breaker's last change is not to closed, and its last
 * opening was for failures (a 5xx, an unreachable host, timeouts) or a spent daily quota. A breaker
 * held open by a retry hint (a quota's window) is waiting, not failing, and is not counted.
 *
 *   notServing(p) ⇔ last change of p ≠ closed ∧ last opening of p ∈ {failures, quota exhausted}
 *   since(p)      = the first opening after p's last close
 */
export function notServing(transitions: readonly BreakerRecord[]): Map<string, NotServing> {
  const last = new Map<string, BreakerRecord>();
  const lastOpened = new Map<string, BreakerRecord>();
  const spellStart = new Map<string, BreakerRecord>();
  for (const t of transitions) {
    last.set(t.provider, t);
    if (t.to === 'closed') spellStart.delete(t.provider);
    else if (t.to === 'open') {
      lastOpened.set(t.provider, t);
      if (!spellStart.has(t.provider)) spellStart.set(t.provider, t);
    }
  }
  const out = new Map<string, NotServing>();
  for (const [provider, t] of last) {
    const opened = lastOpened.get(provider);
    const since = spellStart.get(provider);
    if (t.to === 'closed' || opened === undefined || since === undefined || !isOutage(opened)) continue;
    out.set(provider, { since, opened });
  }
  return out;
}

/**
 * The summary's word on providers not serving at the end: which, since when, and why — so a run
 * that ends with work left says why.
 */
export function providersNotServing(transitions: readonly BreakerRecord[]): string[] {
  return [...notServing(transitions)].map(([provider, { since, opened }]) => {
    const last = opened.error === undefined ? '' : `, the last: ${opened.error}`;
    return `${provider} not serving since ${since.time}: ${opened.reason}${last}`;
  });
}

function isOutage(opened: BreakerRecord): boolean {
  if (opened.reason.startsWith('retry hint')) return false;
  return opened.error !== undefined || opened.reason === QUOTA_EXHAUSTED;
}
