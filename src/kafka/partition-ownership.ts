/**
 * Which partitions this member owns, and which handed-out deliveries still belong to it.
 *
 * Each (re)assignment of a partition opens a new ownership epoch, and every delivery is stamped
 * with the epoch it was fetched in:
 *
 *   owns(d)  ⇔  d.partition ∈ assigned  ∧  stamp(d) = epoch(d.partition)
 *
 * so the outcome of work fetched before a partition was lost is never written, even if the
 * partition has come back since (its new owner, or this member again, re-reads it from the last
 * committed offset).
 *
 * Orphans: deliveries of a lost partition still inside the pipeline. Each ends exactly once
 * (written or dropped) and is then released. A partition with orphans is held — not fetched — so
 * the pipeline never holds two copies of one event (its dedupe would take the second for a
 * duplicate of the first, whose outcome is then dropped).
 *
 * `version` moves whenever ownership may have changed (a rebalance began, an assignment arrived):
 * a transaction that saw another version before it committed must not commit.
 */
export interface Stampable {
  partition: number;
}

export interface AssignmentChange {
  /** Partitions that are new to this member (or back after being lost). */
  added: number[];
  /** Partitions this member no longer owns. */
  lost: number[];
  /** Partitions it owned before and still owns. */
  kept: number[];
}

export class PartitionOwnership {
  private assigned = new Set<number>();
  private readonly epochs = new Map<number, number>();
  private nextEpoch = 1;
  private readonly stamps = new WeakMap<Stampable, number>();
  private readonly orphans = new Map<number, number>();
  private rebalancing = false;
  private waiters: (() => void)[] = [];
  private versionCount = 0;

  get version(): number {
    return this.versionCount;
  }

  get partitions(): number[] {
    return [...this.assigned];
  }

  /** True between the start of a rebalance and the assignment that ends it. */
  get settling(): boolean {
    return this.rebalancing;
  }

  /** A rebalance began: ownership is unknown until the next assignment. */
  beginRebalance(): void {
    this.rebalancing = true;
    this.versionCount++;
  }

  /** The group handed this member `partitions`; ends a rebalance. */
  assign(partitions: readonly number[]): AssignmentChange {
    const next = new Set(partitions);
    const change: AssignmentChange = { added: [], lost: [], kept: [] };
    for (const p of this.assigned) if (!next.has(p)) change.lost.push(p);
    for (const p of next) {
      if (this.assigned.has(p)) change.kept.push(p);
      else {
        change.added.push(p);
        this.epochs.set(p, this.nextEpoch++);
      }
    }
    this.assigned = next;
    this.versionCount++;
    this.rebalancing = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return change;
  }

  /** Resolves once no rebalance is under way. */
  settled(): Promise<void> {
    if (!this.rebalancing) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  ownsPartition(partition: number): boolean {
    return this.assigned.has(partition);
  }

  /**
   * The epoch of the partition's current assignment, undefined while it is not assigned: a batch
   * fetched under one epoch may hand on its events only while the epoch is still the same.
   */
  epochOf(partition: number): number | undefined {
    return this.assigned.has(partition) ? this.epochs.get(partition) : undefined;
  }

  /** Marks a delivery as fetched in its partition's current epoch. */
  stamp(delivery: Stampable): void {
    const epoch = this.epochs.get(delivery.partition);
    if (epoch !== undefined) this.stamps.set(delivery, epoch);
  }

  owns(delivery: Stampable): boolean {
    const epoch = this.stamps.get(delivery);
    return (
      epoch !== undefined &&
      this.assigned.has(delivery.partition) &&
      this.epochs.get(delivery.partition) === epoch
    );
  }

  /** `count` deliveries of a lost partition are still inside the pipeline. */
  orphan(partition: number, count: number): void {
    if (count > 0) this.orphans.set(partition, (this.orphans.get(partition) ?? 0) + count);
  }

  /**
   * A delivery this member no longer owns came out of the pipeline. Releasing one twice, or one
   * that is still owned, changes nothing. Returns the partition once its last orphan is out.
   */
  release(delivery: Stampable): number | undefined {
    if (this.owns(delivery) || !this.stamps.has(delivery)) return undefined;
    this.stamps.delete(delivery);
    const p = delivery.partition;
    const left = (this.orphans.get(p) ?? 0) - 1;
    if (left > 0) {
      this.orphans.set(p, left);
      return undefined;
    }
    if (!this.orphans.has(p)) return undefined;
    this.orphans.delete(p);
    return p;
  }

  hasOrphans(partition: number): boolean {
    return (this.orphans.get(partition) ?? 0) > 0;
  }
}
