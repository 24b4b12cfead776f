/**
 * Consumer lag from the fetches themselves, with no admin round trip:
 *
 *   lag = Σ over owned partitions p of max(0, high(p) − next(p))
 *
 * where next(p) is the next offset to deliver and high(p) the high watermark, both as of p's
 * last fetch. Undefined before any fetch; 0 once the member owns none of what it fetched — not
 * undefined, which a gauge would take for "no reading" and go on serving the last one: a member
 * that lost its partitions mid-backlog kept showing that backlog, and a quiet job's stall alert fired.
 */
export class ConsumerLag {
  private readonly positions = new Map<number, { next: bigint; high: bigint; start: bigint }>();
  private fetchedOnce = false;

  /** `firstDelivered`: the first offset of the fetched batch (where this member started, if new). */
  fetched(
    partition: number,
    lastDelivered: string,
    highWatermark: string,
    firstDelivered = lastDelivered,
  ): void {
    this.fetchedOnce = true;
    const start = this.positions.get(partition)?.start ?? BigInt(firstDelivered);
    this.positions.set(partition, { next: BigInt(lastDelivered) + 1n, high: BigInt(highWatermark), start });
  }

  /**
   * Lag from committed offsets: Σ over owned partitions p of max(0, high(p) − committed(p)), where
   * committed(p) is the group's committed offset, or the offset this member started at before its
   * first commit.
   */
  committedLag(committed: (partition: number) => string | undefined): number | undefined {
    if (this.positions.size === 0) return this.fetchedOnce ? 0 : undefined;
    let behind = 0n;
    for (const [partition, p] of this.positions) {
      const c = committed(partition);
      const from = c === undefined ? p.start : BigInt(c);
      if (p.high > from) behind += p.high - from;
    }
    return Number(behind);
  }

  /** Partitions this member no longer owns are not its lag. */
  forget(partitions: Iterable<number>): void {
    for (const p of partitions) this.positions.delete(p);
  }

  get lag(): number | undefined {
    if (this.positions.size === 0) return this.fetchedOnce ? 0 : undefined;
    let behind = 0n;
    for (const p of this.positions.values()) if (p.high > p.next) behind += p.high - p.next;
    return Number(behind);
  }
}
