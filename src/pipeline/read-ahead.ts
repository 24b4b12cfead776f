/**
 * How far ahead of the providers the consumer may read: about what they serve in a window, so a
 * consumer never holds a backlog it cannot serve soon (and would lose, unserved, to the next
 * rebalance). With B pages per call, the window H (the shortest window the providers' quotas are
 * known by, else 10 s), and for each provider p its learnt requests per window R̂_p and this
 * instance's fraction f_p of them:
 *
 *   servable = max( events finished in (now − H, now],  Σ_p f_p · R̂_p · B )
 *   bound    = min( maxInFlight, max( floor, ⌈servable⌉ ) )        floor = 2 · maxConcurrency · B
 *
 * The first term is what the pipeline is seen to do (cache hits and skips included); the second,
 * what the quota lets it do (it leads when a share grows); the floor keeps every call slot fed
 * twice over while nothing is known. Recomputed at most every `refreshMs`. Pure: time is an
 * argument.
 */
export interface ReadAheadOptions {
  /** The cap: --max-in-flight. */
  maxInFlight: number;
  /** Pages per call. */
  batchSize: number;
  /** Calls at once, at most. */
  maxConcurrency: number;
  /** H while no quota window is known (default 10 s). */
  defaultWindowMs?: number;
  /** Default 100 ms. */
  refreshMs?: number;
}

/** A provider's quota as far as it is known, and this instance's part of it. */
export interface ServableQuota {
  windowMs?: number;
  requests?: number;
  fraction: number;
}

/** Finished events are counted in buckets this wide. */
const BUCKET_MS = 250;
/** Windows longer than this are measured over this (memory stays bounded). */
const MAX_WINDOW_MS = 300_000;

export class ReadAhead {
  private readonly buckets: { start: number; count: number }[] = [];
  private cached: { at: number; bound: number } | undefined;
  private readonly floor: number;

  constructor(private readonly opts: ReadAheadOptions) {
    this.floor = Math.min(opts.maxInFlight, 2 * opts.maxConcurrency * opts.batchSize);
  }

  /** `events` finished (their outcome written) at `now`. */
  finished(now: number, events = 1): void {
    const start = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    const last = this.buckets[this.buckets.length - 1];
    if (last !== undefined && last.start === start) last.count += events;
    else this.buckets.push({ start, count: events });
  }

  bound(now: number, quotas: () => readonly ServableQuota[]): number {
    const refresh = this.opts.refreshMs ?? 100;
    if (this.cached !== undefined && now - this.cached.at < refresh && now >= this.cached.at)
      return this.cached.bound;
    const known = quotas();
    const windows = known.map((q) => q.windowMs).filter((w): w is number => w !== undefined && w > 0);
    const h = Math.min(
      MAX_WINDOW_MS,
      windows.length > 0 ? Math.min(...windows) : (this.opts.defaultWindowMs ?? 10_000),
    );
    while (this.buckets.length > 0 && (this.buckets[0]?.start ?? 0) + BUCKET_MS <= now - MAX_WINDOW_MS)
      this.buckets.shift();
    const seen = this.buckets.reduce((n, b) => (b.start + BUCKET_MS > now - h ? n + b.count : n), 0);
    const quota = known.reduce((n, q) => n + q.fraction * (q.requests ?? 0) * this.opts.batchSize, 0);
    const bound = Math.min(this.opts.maxInFlight, Math.max(this.floor, Math.ceil(Math.max(seen, quota))));
    this.cached = { at: now, bound };
    return bound;
  }
}
