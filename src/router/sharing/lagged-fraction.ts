/** A rise of this instance's fraction is taken this much later (a fall at once): peers hear late. */
export const RISE_DELAY_MS = 1_000;

/**
 * This instance's fraction f of the key as the gate takes it: as the share gives it, but a rise
 * only once it held for RISE_DELAY_MS —
 *
 *   f′(t) = min { f(s) : s ∈ [t − RISE_DELAY_MS, t], s a time the gate asked }
 *
 * the peers whose part shrinks for it hear of the change a report interval later, and till then
 * the parts would add up to more than the key.
 */
export class LaggedFraction {
  /** The fractions the share gave over the last RISE_DELAY_MS, oldest first. */
  private readonly history: { at: number; f: number }[] = [];

  /** f′ at `now`, the share giving `f`. */
  at(now: number, f: number): number {
    const history = this.history;
    while (history.length > 0 && (history[0]?.at ?? now) < now - RISE_DELAY_MS) history.shift();
    history.push({ at: now, f });
    return Math.min(...history.map((h) => h.f));
  }
}
