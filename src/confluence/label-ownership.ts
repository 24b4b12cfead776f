/**
 * What tagspace owns of a page's labels, kept keyed by pageId on a compacted topic (the labels
 * state topic, docs/confluence.md): the labels it added and still owns, and the TagRecord
 * (version and tags) or removal they were last made to follow. Whether an incoming record or
 * tombstone needs any call at all (settled) is decided from it alone:
 *
 *   nothing owned, tombstone                  → settled (nothing of tagspace's to remove)
 *   tombstone, owned labels                   → not settled
 *   record.version < o.version                → settled (an older record, read again)
 *   record.version = o.version                → settled if o.removed or o.tags = record.tags
 *   otherwise                                 → not settled: plan against the page (label-plan.ts)
 */
export interface LabelOwnership {
  pageId: string;
  /** Labels tagspace added and owns, lowercased, sorted. */
  labels: string[];
  /** The TagRecord version the labels follow. */
  version: number;
  /** That record's tags. */
  tags: string[];
  /** When the labels were written. */
  at: string;
  /** Set when the labels follow a removal (tombstone) of the page at `version`. */
  removed?: boolean;
}

/** An incoming TagRecord (tags) or tombstone (tags undefined, version when the tombstone says). */
export interface LabelTarget {
  pageId: string;
  version: number | undefined;
  tags: readonly string[] | undefined;
}

export function isSettled(o: LabelOwnership | undefined, target: LabelTarget): boolean {
  if (target.tags === undefined) return o === undefined || o.labels.length === 0;
  if (o === undefined || target.version === undefined) return false;
  if (target.version < o.version) return true;
  if (target.version > o.version) return false;
  return o.removed === true || sameLabels(o.tags, target.tags);
}

export function encodeOwnership(o: LabelOwnership): Buffer {
  return Buffer.from(JSON.stringify(o));
}

/** Parses a record read back from the topic; undefined for anything else. */
export function decodeOwnership(bytes: Buffer | null): LabelOwnership | undefined {
  if (bytes === null) return undefined;
  try {
    const v = JSON.parse(bytes.toString('utf8')) as Partial<LabelOwnership>;
    if (typeof v.pageId !== 'string' || !isStrings(v.labels) || !isStrings(v.tags)) return undefined;
    if (typeof v.version !== 'number') return undefined;
    const o: LabelOwnership = {
      pageId: v.pageId,
      labels: v.labels,
      version: v.version,
      tags: v.tags,
      at: String(v.at ?? ''),
    };
    if (v.removed === true) o.removed = true;
    return o;
  } catch {
    return undefined;
  }
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map((t) => t.toLowerCase()));
  const right = new Set(b.map((t) => t.toLowerCase()));
  return left.size === right.size && [...left].every((t) => right.has(t));
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
