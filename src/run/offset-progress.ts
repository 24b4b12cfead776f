/** What OffsetProgress counts into (CountProgress). */
export interface Counter {
  add(n: number): void;
  setTotal(n: number): void;
}

/**
 * Progress through a topic up to the end offsets fixed at start, counted in offsets, so that what
 * a compacted topic has compacted away, and transaction markers, count as read:
 *
 *   total = Σ_p (high_p − low_p)        done = Σ_p (next_p − low_p),  next_p = 1 + the highest
 *                                                                       offset of p finished
 *
 * complete() counts the rest once the source has read up to every end offset: the last offsets
 * may be markers no record stands on.
 */
export class OffsetProgress {
  private readonly next = new Map<number, bigint>();
  private done = 0n;
  private readonly total: bigint;

  constructor(
    private readonly counter: Counter,
    ranges: readonly { partition: number; low: string; high: string }[],
  ) {
    let total = 0n;
    for (const { partition, low, high } of ranges) {
      if (BigInt(high) <= BigInt(low)) continue;
      this.next.set(partition, BigInt(low));
      total += BigInt(high) - BigInt(low);
    }
    this.total = total;
    counter.setTotal(Number(total));
  }

  finished(partition: number, offset: string): void {
    const next = this.next.get(partition);
    const after = BigInt(offset) + 1n;
    if (next === undefined || after <= next) return;
    this.next.set(partition, after);
    this.advance(after - next);
  }

  complete(): void {
    this.advance(this.total - this.done);
  }

  private advance(n: bigint): void {
    if (n <= 0n) return;
    this.done += n;
    this.counter.add(Number(n));
  }
}
