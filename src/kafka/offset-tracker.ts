/**
 * Which offsets may be committed when events finish out of order.
 *
 * Per partition p, with offsets received in order o₁ < o₂ < … and a set D of finished ones:
 *
 *   committable(p) = oₖ + 1   for the largest k such that o₁ … oₖ ∈ D
 *
 * so a commit never passes an event whose outcome is not yet written (the rule parallel Kafka
 * consumers follow). Each offset is touched O(1) times amortised: pending offsets sit in a queue
 * in arrival order, and the head advances over finished ones.
 *
 * Committing is two-step, so a commit that fails (or a transaction that aborts) is offered again:
 * `pendingCommits()` lists what moved past the last confirmed commit, `confirm()` records what
 * Kafka accepted.
 */
export interface PartitionOffset {
  topic: string;
  partition: number;
  /** Next offset to read, as Kafka commits it (last finished + 1). */
  offset: string;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Offsets received and not yet passed by the head, in order. */
  queue: number[];
  head: number;
  done: Set<number>;
  /** The last offset received, or -1. */
  last: number;
  /** Next offset to commit (last contiguous finished + 1), or -1 before anything finished. */
  committable: number;
  /** Last offset Kafka confirmed, to skip commits that would not move. */
  committed: number;
}

export class OffsetTracker {
  private readonly partitions = new Map<string, PartitionState>();
  private inFlightCount = 0;

  /**
   * Records that an offset was received. Offsets of one partition arrive in order; one at or below
   * the last received is a redelivery of an event already tracked and returns false (the caller
   * must not hand it on a second time).
   */
  received(topic: string, partition: number, offset: string): boolean {
    const state = this.state(topic, partition);
    const n = Number(offset);
    if (n <= state.last) return false;
    state.last = n;
    state.queue.push(n);
    this.inFlightCount++;
    return true;
  }

  /** Records that the outcome of an offset is written. Unknown or repeated offsets are ignored. */
  finished(topic: string, partition: number, offset: string): void {
    const state = this.partitions.get(key(topic, partition));
    if (state === undefined) return;
    const n = Number(offset);
    if (n < (state.queue[state.head] ?? Infinity) || n > state.last || state.done.has(n)) return;
    state.done.add(n);
    this.inFlightCount--;
    while (state.head < state.queue.length && state.done.has(state.queue[state.head] as number)) {
      const o = state.queue[state.head] as number;
      state.done.delete(o);
      state.committable = o + 1;
      state.head++;
    }
    // Compact the queue now and then instead of shifting on every offset.
    if (state.head > 1024 && state.head * 2 > state.queue.length) {
      state.queue = state.queue.slice(state.head);
      state.head = 0;
    }
  }

  /** Events received and not yet finished, across partitions. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Offsets that moved past the last confirmed commit, ready for commitOffsets / sendOffsets. */
  pendingCommits(): PartitionOffset[] {
    const out: PartitionOffset[] = [];
    for (const s of this.partitions.values()) {
      if (s.committable > s.committed) {
        out.push({ topic: s.topic, partition: s.partition, offset: String(s.committable) });
      }
    }
    return out;
  }

  /**
   * The commits that would be pending if `extra` were finished too, without recording anything:
   * a transaction sends these offsets beside its outcomes, and marks them finished only once it
   * has committed (an aborted one leaves the tracker as it was).
   */
  pendingCommitsWith(
    extra: readonly { topic: string; partition: number; offset: string }[],
  ): PartitionOffset[] {
    const byPartition = new Map<string, Set<number>>();
    for (const e of extra) {
      const k = key(e.topic, e.partition);
      const set = byPartition.get(k) ?? new Set<number>();
      set.add(Number(e.offset));
      byPartition.set(k, set);
    }
    const out: PartitionOffset[] = [];
    for (const [k, s] of this.partitions) {
      let committable = s.committable;
      const more = byPartition.get(k);
      if (more !== undefined) {
        for (let i = s.head; i < s.queue.length; i++) {
          const o = s.queue[i] as number;
          if (!s.done.has(o) && !more.has(o)) break;
          committable = o + 1;
        }
      }
      if (committable > s.committed) {
        out.push({ topic: s.topic, partition: s.partition, offset: String(committable) });
      }
    }
    return out;
  }

  /** Records offsets Kafka accepted (a commit, or a committed transaction's sendOffsets). */
  confirm(offsets: readonly PartitionOffset[]): void {
    for (const o of offsets) {
      const s = this.partitions.get(key(o.topic, o.partition));
      if (s !== undefined) s.committed = Math.max(s.committed, Number(o.offset));
    }
  }

  /** The last offset Kafka confirmed for the partition, if any. */
  confirmedOffset(topic: string, partition: number): string | undefined {
    const s = this.partitions.get(key(topic, partition));
    return s === undefined || s.committed < 0 ? undefined : String(s.committed);
  }

  /** Everything committable now, moved or not (for summaries and tests). */
  committableOffsets(): PartitionOffset[] {
    return [...this.partitions.values()]
      .filter((s) => s.committable >= 0)
      .map((s) => ({ topic: s.topic, partition: s.partition, offset: String(s.committable) }));
  }

  /** The offset after the last one received, where fetching resumes; undefined if none was. */
  nextOffset(topic: string, partition: number): string | undefined {
    const s = this.partitions.get(key(topic, partition));
    return s === undefined || s.last < 0 ? undefined : String(s.last + 1);
  }

  /**
   * Forgets partitions this consumer no longer owns; their unfinished events are another's now.
   * Returns, per partition, how many events were still unfinished.
   */
  revoke(topic: string, partitions: readonly number[]): Map<number, number> {
    const dropped = new Map<number, number>();
    for (const p of partitions) {
      const s = this.partitions.get(key(topic, p));
      if (s === undefined) continue;
      const pending = s.queue.length - s.head - s.done.size;
      this.inFlightCount -= pending;
      this.partitions.delete(key(topic, p));
      if (pending > 0) dropped.set(p, pending);
    }
    return dropped;
  }

  /** Partitions that still have unfinished events. */
  pendingPartitions(): { topic: string; partition: number; pending: number }[] {
    return [...this.partitions.values()]
      .map((s) => ({
        topic: s.topic,
        partition: s.partition,
        pending: s.queue.length - s.head - s.done.size,
      }))
      .filter((p) => p.pending > 0);
  }

  private state(topic: string, partition: number): PartitionState {
    const k = key(topic, partition);
    let s = this.partitions.get(k);
    if (s === undefined) {
      s = {
        topic,
        partition,
        queue: [],
        head: 0,
        done: new Set(),
        last: -1,
        committable: -1,
        committed: -1,
      };
      this.partitions.set(k, s);
    }
    return s;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
