/**
 * Timestamped amounts in arrival order, oldest first, in a growable ring buffer. Each sample keeps
 * the running total of everything ever pushed, so the amount held by the k oldest samples is
 *
 *   held(k) = cumulative[k − 1] − removedTotal
 *
 * and "when will `amount` have left" is a binary search. Push and prune are O(1) amortised.
 */
export class SampleQueue {
  private times = new Float64Array(64);
  private cumulative = new Float64Array(64);
  private head = 0;
  private size = 0;
  private pushedTotal = 0;
  private removedTotal = 0;

  get count(): number {
    return this.size;
  }

  /** Sum of the amounts still queued. */
  get total(): number {
    return this.pushedTotal - this.removedTotal;
  }

  push(time: number, amount: number): void {
    if (this.size === this.times.length) this.grow();
    const at = (this.head + this.size) % this.times.length;
    this.pushedTotal += amount;
    this.times[at] = time;
    this.cumulative[at] = this.pushedTotal;
    this.size += 1;
  }

  /** Drops every sample with time ≤ cutoff. */
  pruneThrough(cutoff: number): void {
    while (this.size > 0 && (this.times[this.head] as number) <= cutoff) {
      this.removedTotal = this.cumulative[this.head] as number;
      this.head = (this.head + 1) % this.times.length;
      this.size -= 1;
    }
    if (this.size === 0) this.removedTotal = this.pushedTotal;
  }

  /** Time of the oldest queued sample, or undefined when empty. */
  oldestTime(): number | undefined {
    return this.size === 0 ? undefined : this.times[this.head];
  }

  /** Time of the newest queued sample, or undefined when empty. */
  newestTime(): number | undefined {
    return this.size === 0 ? undefined : this.times[(this.head + this.size - 1) % this.times.length];
  }

  /**
   * Time of the youngest sample that must leave for at least `amount` to have left, or undefined
   * when the queue holds less than that.
   */
  timeWhenReleased(amount: number): number | undefined {
    if (amount <= 0) return this.oldestTime();
    if (amount > this.total) return undefined;
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const held = (this.cumulative[this.index(mid)] as number) - this.removedTotal;
      if (held >= amount) hi = mid;
      else lo = mid + 1;
    }
    return this.times[this.index(lo)];
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
    this.removedTotal = this.pushedTotal;
  }

  private index(offset: number): number {
    return (this.head + offset) % this.times.length;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const cumulative = new Float64Array(this.times.length * 2);
    for (let i = 0; i < this.size; i += 1) {
      times[i] = this.times[this.index(i)] as number;
      cumulative[i] = this.cumulative[this.index(i)] as number;
    }
    this.times = times;
    this.cumulative = cumulative;
    this.head = 0;
  }
}
