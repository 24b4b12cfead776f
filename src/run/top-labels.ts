/**
 * The most used labels of a run, in bounded memory (Metwally, Agrawal and El Abbadi's Space-Saving,
 * 2005): at most `capacity` counters; a label not counted takes the place of the smallest counter
 * and inherits its count as its error:
 *
 *   seen(l):  l counted ⇒ c[l] += 1
 *             room left ⇒ c[l] = 1
 *             otherwise m = argmin c;  c[l] = c[m] + 1, err[l] = c[m];  forget m
 *
 * Exact while a run uses at most `capacity` distinct labels (every test and most spaces); beyond,
 * every label used more than n / capacity times is kept, each count over by at most its error.
 */
export class TopLabels {
  private readonly counts = new Map<string, { count: number; error: number }>();

  constructor(private readonly capacity = 5_000) {}

  seen(label: string): void {
    const entry = this.counts.get(label);
    if (entry !== undefined) {
      entry.count += 1;
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(label, { count: 1, error: 0 });
      return;
    }
    let smallest: [string, { count: number; error: number }] | undefined;
    for (const e of this.counts) if (smallest === undefined || e[1].count < smallest[1].count) smallest = e;
    const [label0, min] = smallest as [string, { count: number; error: number }];
    this.counts.delete(label0);
    this.counts.set(label, { count: min.count + 1, error: min.count });
  }

  /** The `n` most used labels, most used first (ties by name). */
  top(n: number): { label: string; count: number }[] {
    return [...this.counts]
      .map(([label, { count }]) => ({ label, count }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label))
      .slice(0, n);
  }

  /** Distinct labels counted (exact up to the capacity). */
  get size(): number {
    return this.counts.size;
  }
}
