/**
 * Requests and tokens admitted over time, in buckets of `bucketMs` aligned on multiples of it:
 * bucket k holds the calls admitted in span_k = [k·b, (k+1)·b), or a shorter span for the bucket
 * still filling when it was reported (its calls all came before the report). Over a window
 * (from, to] a bucket counts whole while any of its span is inside,
 *
 *   usage(from, to) = Σ_k  u_k · [span_k ∩ (from, to] ≠ ∅]
 *
 * — where in its span a call fell is not known, so it is taken to leave the window as late as it
 * could: peers' calls are never counted out of a window before the provider counts them out
 * (at most one bucket, b, late). Buckets that end at or before `prune`'s bound are dropped.
 */
export interface Bucket {
  /** Start of the bucket, on the clock of whoever recorded it. */
  start: number;
  requests: number;
  tokens: number;
}

/** A bucket whose calls lie in [start, start + width). */
export interface SpanBucket extends Bucket {
  width: number;
}

export class UsageBuckets {
  private readonly buckets = new Map<number, Bucket>();

  constructor(readonly bucketMs: number) {
    if (!(bucketMs > 0)) throw new RangeError(`bucketMs must be positive, got ${bucketMs}`);
  }

  add(at: number, requests: number, tokens: number): void {
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    const bucket = this.buckets.get(start);
    if (bucket === undefined) this.buckets.set(start, { start, requests, tokens });
    else {
      bucket.requests += requests;
      bucket.tokens += tokens;
    }
  }

  usage(from: number, to: number): { requests: number; tokens: number } {
    const width = this.bucketMs;
    return sumOverlap(
      [...this.buckets.values()].map((b) => ({ ...b, width })),
      from,
      to,
    );
  }

  /** Drops the buckets that end at or before `before`. */
  prune(before: number): void {
    for (const [start] of this.buckets) if (start + this.bucketMs <= before) this.buckets.delete(start);
  }

  /** The non-empty buckets that end after `after`, oldest first. */
  since(after: number): Bucket[] {
    return [...this.buckets.values()]
      .filter((b) => b.start + this.bucketMs > after && (b.requests !== 0 || b.tokens !== 0))
      .sort((a, b) => a.start - b.start)
      .map((b) => ({ ...b }));
  }
}

/** Σ of the usage of each bucket whose span meets (from, to] (a span of length 0: its start is in it). */
export function sumOverlap(
  buckets: Iterable<SpanBucket>,
  from: number,
  to: number,
): { requests: number; tokens: number } {
  let requests = 0;
  let tokens = 0;
  for (const b of buckets) {
    const meets = b.width <= 0 ? b.start > from && b.start <= to : b.start + b.width > from && b.start <= to;
    if (!meets) continue;
    requests += b.requests;
    tokens += b.tokens;
  }
  return { requests: Math.max(0, requests), tokens: Math.max(0, tokens) };
}
