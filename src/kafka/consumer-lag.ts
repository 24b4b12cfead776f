/**
 * Consumer lag from the fetches themselves, with no admin round trip:
 *
 *   lag = Σ over owned partitions p of max(0, high(p) − next(p))
 *
 * where next(p) is the next offset to deliver and high(p) the high watermark, both as of p's
 * last fetch. Undefined before any fetch.
 */
export class ConsumerLag {
  private readonly positions = new Map<number, { next: bigint; high: bigint }>();

  fetched(partition: number, lastDelivered: string, highWatermark: string): void {
    this.positions.set(partition, { next: BigInt(lastDelivered) + 1n, high: BigInt(highWatermark) });
  }

  /** Partitions this member no longer owns are not its lag. */
  forget(partitions: Iterable<number>): void {
    for (const p of partitions) this.positions.delete(p);
  }

  get lag(): number | undefined {
    if (this.positions.size === 0) return undefined;
    let behind = 0n;
    for (const p of this.positions.values()) if (p.high > p.next) behind += p.high - p.next;
    return Number(behind);
  }
}
