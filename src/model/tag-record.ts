import type { PageEvent } from './page-event.js';

/** The tags of one page version, as published keyed by pageId on the `page-tags` topic. */
export interface TagRecord {
  pageId: string;
  spaceKey: string;
  version: number;
  /** sha256 of the normalised title and text and the prompt version (see page-content.ts). */
  contentHash: string;
  /** Confluence label rules: lowercase, no spaces. */
  tags: string[];
  provider: string;
  model: string;
  promptVersion: string;
  /** True when no LLM call was made for this record. */
  cached: boolean;
  taggedAt: string;
  /** Present and true when the page was longer than the per-page token budget and was cut. */
  truncated?: boolean;
  /**
   * Present and true when the call that tagged it went to the other provider because the one the
   * batch was for could not start it soon (spill-over), not because that one failed.
   */
  spilled?: boolean;
}

/** What a TagRecord takes from the call (or the cached record) that tagged its content. */
export type TagSource = Pick<TagRecord, 'tags' | 'provider' | 'model' | 'promptVersion'>;

/** The page version a TagRecord is about: its event, content hash and whether its text was cut. */
export interface TaggedPage {
  event: Pick<PageEvent, 'pageId' | 'spaceKey' | 'version'>;
  contentHash: string;
  truncated: boolean;
}

/**
 * The one way a TagRecord is made, for fresh tags (`cached: false`, from an LLM call) and for a
 * version whose content was already tagged (`cached: true`, no call).
 */
export function buildTagRecord(
  page: TaggedPage,
  source: TagSource,
  made: { cached: boolean; taggedAt: string; spilled?: boolean },
): TagRecord {
  const record: TagRecord = {
    pageId: page.event.pageId,
    spaceKey: page.event.spaceKey,
    version: page.event.version,
    contentHash: page.contentHash,
    tags: [...source.tags],
    provider: source.provider,
    model: source.model,
    promptVersion: source.promptVersion,
    cached: made.cached,
    taggedAt: made.taggedAt,
  };
  if (page.truncated) record.truncated = true;
  if (made.spilled === true) record.spilled = true;
  return record;
}

export function encodeTagRecord(record: TagRecord): Buffer {
  return Buffer.from(JSON.stringify(record));
}

/** Parses a TagRecord read back from the tags topic; returns undefined for anything else. */
export function parseTagRecord(bytes: Buffer | null): TagRecord | undefined {
  if (bytes === null) return undefined;
  try {
    const value = JSON.parse(bytes.toString('utf8')) as Partial<TagRecord>;
    if (typeof value.pageId !== 'string' || typeof value.version !== 'number') return undefined;
    if (typeof value.contentHash !== 'string' || !Array.isArray(value.tags)) return undefined;
    return value as TagRecord;
  } catch {
    return undefined;
  }
}
