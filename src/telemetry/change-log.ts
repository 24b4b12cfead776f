import type { Logger } from './log.js';

/**
 * A repeated event logged once per change of state, with counts, instead of once per occurrence:
 *
 *   note(s):  s ≠ current ⇒ close(current); log s's first occurrence; current ← s
 *             s = current ⇒ count it
 *   close(c): c happened n > 1 times ⇒ log one line with n and the pages it moved
 *
 * So an outage that sends 140 batches to the other provider logs two lines (the first switch, and
 * "140 batches, 700 pages" when the state changes or the run ends), not 140.
 */
export class ChangeLog {
  private current: { key: string; fields: Record<string, unknown>; count: number; pages: number } | undefined;

  constructor(
    private readonly log: Logger,
    private readonly messages: { first: string; repeated: string },
  ) {}

  note(key: string, fields: Record<string, unknown>, pages: number): void {
    if (this.current?.key === key) {
      this.current.count += 1;
      this.current.pages += pages;
      return;
    }
    this.flush();
    this.current = { key, fields, count: 1, pages };
    this.log.warn({ ...fields, pages }, this.messages.first);
  }

  /** Logs the count of the current state if it repeated (on a change of state, and at the end). */
  flush(): void {
    const c = this.current;
    this.current = undefined;
    if (c === undefined || c.count <= 1) return;
    this.log.warn({ ...c.fields, batches: c.count, pages: c.pages }, this.messages.repeated);
  }
}
