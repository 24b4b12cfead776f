/**
 * How far a request trial steps up from R̂. With k the request trials kept in a row since one
 * failed, and B the lowest level one failed at since one was kept above it:
 *
 *   step    s = ⌊(B − R̂)/2⌋ while B − R̂ > 1 (half way between a level held and one refused);
 *           without B, s = 2^(k−1) from k ≥ 2 (the quota may have grown by far more than a call), else 1
 *   kept    k ← k + 1; B ← ∞ once the level held reaches it
 *   failed  B ← min(B, the level) when the trial was a step of a search (k > 1 or B finite); k ← 0
 *
 * A search has steps left while B − R̂ > 1: a failed step then slows no trial down (quota-trials.ts).
 */
export class RequestSearch {
  /** k. */
  private streak = 0;
  /** B. */
  private bound = Number.POSITIVE_INFINITY;

  /** s, the step from the request level `level`. */
  step(level: number): number {
    const gap = this.bound - level;
    if (Number.isFinite(gap)) return gap > 1 ? Math.floor(gap / 2) : 1;
    return this.streak >= 2 ? 2 ** (this.streak - 1) : 1;
  }

  /** Whether B leaves steps between it and the request level `level`. */
  stepsLeft(level: number): boolean {
    return Number.isFinite(this.bound) && this.bound - level > 1;
  }

  /** A request trial to `level` was kept: a level no 429 had shown was held. */
  kept(level: number): void {
    this.streak += 1;
    if (level >= this.bound) this.bound = Number.POSITIVE_INFINITY;
  }

  /** A trial failed; `level`: the request level a step (not a trial back to the peak, nor a rate) tried. */
  failed(level: number | undefined): void {
    const searching = this.streak > 1 || this.bound < Number.POSITIVE_INFINITY;
    if (level !== undefined && searching) this.bound = Math.min(this.bound, level);
    this.streak = 0;
  }
}
