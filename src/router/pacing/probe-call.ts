/**
 * The one call a gate lets go to test a belief (rival-window.ts, unproven-shape.ts): marked when
 * the gate lets it go at `now`, it is the call that starts at that instant, and its answer or 429
 * is the verdict. One is out at a time; one that ends uncounted proved nothing. Its outcome is
 * named by the start the ledger matches (call-ledger.ts `match`), not the caller's own stamp, which
 * may be a tick later: a verdict missed leaves the test out, and the gate holding every call.
 */
export class ProbeCall {
  private letGoAt: number | undefined;
  private start: number | undefined;

  /** Whether the test is out, awaiting its verdict. */
  get out(): boolean {
    return this.start !== undefined;
  }

  /** The gate lets the test go at `now`. */
  letGo(now: number): void {
    this.letGoAt = now;
  }

  /** A call started at `now`: the test, if the gate let it go then. */
  started(now: number): void {
    if (this.letGoAt === now) this.start = now;
    this.letGoAt = undefined;
  }

  /** Whether the call started at `startedAt` is the test. */
  is(startedAt: number | undefined): boolean {
    return startedAt !== undefined && startedAt === this.start;
  }

  /** The call started at `startedAt` ended uncounted: if it was the test, it proved nothing. */
  finished(startedAt: number | undefined): void {
    if (this.is(startedAt)) this.start = undefined;
  }

  clear(): void {
    this.letGoAt = undefined;
    this.start = undefined;
  }
}
