/**
 * Where a bounded run (a replay) ends: the end offset (exclusive) of each non-empty partition,
 * captured at start. A partition is done once an offset at or past its end has been seen (offsets
 * come in order); the run is done once every listed partition is.
 *
 *   done(p) ⇔ seen(p) ≥ end(p) − 1;   finished ⇔ ∀ p ∈ ends: done(p)
 */
export class ReplayEnd {
  private readonly reached = new Set<number>();
  /** Parsed once: every fetched message is compared with its partition's end. */
  private readonly ends: ReadonlyMap<number, bigint>;

  constructor(ends: ReadonlyMap<number, string>) {
    this.ends = new Map([...ends].map(([p, end]) => [p, BigInt(end)]));
  }

  /** True when there is nothing to read at all (every partition was empty at start). */
  get empty(): boolean {
    return this.ends.size === 0;
  }

  /** The end offset of a partition; 0 for one that was empty at start (nothing of it belongs to the run). */
  private endOf(partition: number): bigint {
    return this.ends.get(partition) ?? 0n;
  }

  /** Whether `offset` is at or past the partition's end. */
  isPast(partition: number, offset: string): boolean {
    return BigInt(offset) >= this.endOf(partition);
  }

  /** Notes that everything of `partition` up to `lastOffset` was seen; returns true once the whole run is. */
  seenUpTo(partition: number, lastOffset: string): boolean {
    if (this.ends.has(partition) && BigInt(lastOffset) + 1n >= this.endOf(partition))
      this.reached.add(partition);
    return this.finished;
  }

  /** Notes that a partition reached its end (an offset at or past it was fetched). */
  reach(partition: number): boolean {
    this.reached.add(partition);
    return this.finished;
  }

  get finished(): boolean {
    for (const p of this.ends.keys()) if (!this.reached.has(p)) return false;
    return true;
  }
}
