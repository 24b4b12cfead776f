import type { BreakerRecord } from '../router/router-metrics.js';

/**
 * The summary's word on providers whose breaker failures opened and that had not served again by
 * the end: which, since when, and the failure that opened it — so a run that ends with work left
 * says why. A breaker held open by a retry hint (a quota's wait) is not a failure and is not said.
 *
 *   said(p) ⇔ the last change of p's breaker is not to closed ∧ its last opening was for failures
 */
export function providersNotServing(transitions: readonly BreakerRecord[]): string[] {
  const last = new Map<string, BreakerRecord>();
  const lastOpened = new Map<string, BreakerRecord>();
  for (const t of transitions) {
    last.set(t.provider, t);
    if (t.to === 'open') lastOpened.set(t.provider, t);
  }
  const lines: string[] = [];
  for (const [provider, t] of last) {
    const opened = lastOpened.get(provider);
    if (t.to === 'closed' || opened?.error === undefined || opened.reason.startsWith('retry hint')) continue;
    const since = firstOpeningOfSpell(transitions, provider) ?? opened;
    lines.push(`${provider} not serving since ${since.time}: ${opened.reason}, the last: ${opened.error}`);
  }
  return lines;
}

/** The opening that began the provider's current spell away from closed. */
function firstOpeningOfSpell(
  transitions: readonly BreakerRecord[],
  provider: string,
): BreakerRecord | undefined {
  let first: BreakerRecord | undefined;
  for (const t of transitions) {
    if (t.provider !== provider) continue;
    if (t.to === 'closed') first = undefined;
    else if (t.to === 'open' && first === undefined) first = t;
  }
  return first;
}
