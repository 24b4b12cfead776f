/**
 * Which partitions the consumer must not fetch now, kept in step with kafkajs's pause/resume:
 *
 *   paused = { p ∈ owned : held(p) ∨ orphans(p) }
 *
 * A partition is held while its pages' tag state is restored (a newly assigned one), and has
 * orphans while events of it fetched under an earlier assignment are still in the pipeline.
 * `sync` pauses exactly what `paused` adds and resumes what it drops, so kafkajs sees one call
 * per change.
 */
export class PartitionPauses {
  private readonly paused = new Set<number>();
  private readonly held = new Set<number>();

  constructor(private readonly apply: (pause: number[], resume: number[]) => void) {}

  isPaused(partition: number): boolean {
    return this.paused.has(partition);
  }

  hold(partitions: Iterable<number>): void {
    for (const p of partitions) this.held.add(p);
  }

  release(partitions: Iterable<number>): void {
    for (const p of partitions) this.held.delete(p);
  }

  /** A rejoin may come with fresh kafkajs state, in which nothing is paused. */
  forgetPaused(): void {
    this.paused.clear();
  }

  sync(owned: Iterable<number>, hasOrphans: (partition: number) => boolean): void {
    const want = new Set<number>();
    for (const p of owned) if (this.held.has(p) || hasOrphans(p)) want.add(p);
    const pause = [...want].filter((p) => !this.paused.has(p));
    const resume = [...this.paused].filter((p) => !want.has(p));
    if (pause.length > 0 || resume.length > 0) this.apply(pause, resume);
    this.paused.clear();
    for (const p of want) this.paused.add(p);
  }
}
