/**
 * Requests per day, counted in fixed days from `origin` (the provider's quota resets at a fixed
 * hour, not on a sliding window):
 *
 *   day(t) = ⌊(t − origin) / dayMs⌋;   hasRoom(t) ⇔ count(day(t)) + 1 ≤ rpd;   take() counts one
 *
 * With no `rpd` every request is admitted and nothing is counted.
 */
export const DAY_MS = 86_400_000;

export class DailyQuota {
  private day = 0;
  private used = 0;

  constructor(
    private rpd: number | undefined,
    private readonly origin: number,
    private readonly now: () => number = Date.now,
    private readonly dayMs: number = DAY_MS,
  ) {}

  setLimit(rpd: number | undefined): void {
    this.rpd = rpd;
  }

  /** Whether today's allowance has room for one more request. */
  hasRoom(): boolean {
    if (this.rpd === undefined) return true;
    this.roll();
    return this.used + 1 <= this.rpd;
  }

  /** Counts one request against today's allowance. */
  take(): void {
    if (this.rpd === undefined) return;
    this.roll();
    this.used += 1;
  }

  private roll(): void {
    const day = Math.floor((this.now() - this.origin) / this.dayMs);
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
  }

  /** Time until today's allowance starts over. */
  resetInMs(): number {
    const elapsed = this.now() - this.origin;
    return this.dayMs - (elapsed % this.dayMs);
  }
}
