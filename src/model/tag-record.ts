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
