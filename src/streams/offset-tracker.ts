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
  /** Next offset to commit (last contiguous finished + 1), or -1 before anything finished. */
  committable: number;
  /** Last value handed out by takeCommits, to skip commits that would not move. */
  committed: number;
}

export class OffsetTracker {
  private readonly partitions = new Map<string, PartitionState>();
  private inFlightCount = 0;

  /** Records that an offset was received; offsets of one partition must arrive in order. */
  received(topic: string, partition: number, offset: string): void {
    const state = this.state(topic, partition);
    state.queue.push(Number(offset));
    this.inFlightCount++;
  }

  /** Records that the outcome of an offset is written. Unknown offsets are ignored. */
  finished(topic: string, partition: number, offset: string): void {
    const state = this.partitions.get(key(topic, partition));
    if (state === undefined) return;
    const n = Number(offset);
    if (n < (state.queue[state.head] ?? Infinity) || state.done.has(n)) return;
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

  /** Offsets that moved since the last call, ready for commitOffsets / sendOffsets. */
  takeCommits(): PartitionOffset[] {
    const out: PartitionOffset[] = [];
    for (const s of this.partitions.values()) {
      if (s.committable > s.committed) {
        s.committed = s.committable;
        out.push({ topic: s.topic, partition: s.partition, offset: String(s.committable) });
      }
    }
    return out;
  }

  /** Everything committable now, moved or not (for summaries and tests). */
  committableOffsets(): PartitionOffset[] {
    return [...this.partitions.values()]
      .filter((s) => s.committable >= 0)
      .map((s) => ({ topic: s.topic, partition: s.partition, offset: String(s.committable) }));
  }

  /** Forgets partitions this consumer no longer owns; their unfinished events are another's now. */
  revoke(topic: string, partitions: readonly number[]): void {
    for (const p of partitions) {
      const s = this.partitions.get(key(topic, p));
      if (s === undefined) continue;
      this.inFlightCount -= s.queue.length - s.head - s.done.size;
      this.partitions.delete(key(topic, p));
    }
  }

  /**
   * Forgets every partition. After a rebalance kafkajs fetches each assigned partition again from
   * its committed offset, so whatever was received before arrives anew and is tracked afresh.
   */
  reset(): void {
    this.partitions.clear();
    this.inFlightCount = 0;
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
      s = { topic, partition, queue: [], head: 0, done: new Set(), committable: -1, committed: -1 };
      this.partitions.set(k, s);
    }
    return s;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
