import type { TagspaceError } from './errors.js';
import type { PageEvent } from './page-event.js';
import type { TagRecord } from './tag-record.js';

/** One consumed Kafka message, and where it came from (its offset is what the commit tracks). */
export interface Delivery {
  topic: string;
  partition: number;
  /** Kafka offsets are int64 strings. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Milliseconds since the epoch when tagspace received it (for edit-to-tag latency). */
  receivedAt: number;
}

/** A decoded, valid page event on its way to being tagged. */
export interface PageWork {
  event: PageEvent;
  delivery: Delivery;
  /** Normalised plain text (page-content.ts), cut to the per-page token budget. */
  text: string;
  contentHash: string;
  /** Estimated prompt tokens of this page's entry. */
  tokens: number;
  /** True when `text` was cut to fit the per-page budget. */
  truncated: boolean;
}

export type SkipReason = 'stale' | 'duplicate' | 'coalesced';

/**
 * How one input event ends. Every delivery ends as exactly one Outcome; the sink writes it and
 * only then may the delivery's offset be committed.
 */
export type Outcome =
  | { kind: 'tagged'; delivery: Delivery; record: TagRecord }
  | { kind: 'tombstone'; delivery: Delivery; pageId: string }
  | { kind: 'skipped'; delivery: Delivery; pageId: string; reason: SkipReason }
  | { kind: 'dead_letter'; delivery: Delivery; error: TagspaceError; attempts: number };

/** What the dedupe stage decides for a page: an Outcome now, or a trip to the LLM. */
export type DedupeDecision = Outcome | { kind: 'needs_tags'; work: PageWork };
