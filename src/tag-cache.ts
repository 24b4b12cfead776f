import { LRUCache } from 'lru-cache';
import type { TagRecord } from './tag-record.js';
import type { PageWork } from './work.js';

/**
 * What tagspace already knows about pages, so that it asks the LLM only about new content:
 *
 *   version index  pageId → last tagged { version, contentHash }              (LRU, maxPages)
 *                  (after a removal: its version alone)
 *   content cache  contentHash → TagRecord                                  (LRU, maxSize)
 *
 *   lookup(w) = stale      if w.version < lastVersion(page)
 *             = duplicate  if w.version = lastVersion(page)
 *             = hit        if enabled ∧ w.contentHash ∈ content cache
 *                          (source 'page' when it is the page's own last content, else 'content')
 *             = miss       otherwise
 *
 * The content cache is "the cache" of the origin document: TAG_SPACE_CACHE_SIZE bounds it and
 * TAG_SPACE_CACHE_ENABLED=false turns it off (every new version then costs an LLM call). The version
 * index is not an optimisation but a correctness rule — an older version must never overwrite a
 * newer one on the compacted tags topic — so it stays on; it holds one small entry per page (no
 * record: a record is ~700 B, and a backlog of a million pages must not keep 100 000 of them) and
 * is bounded separately (default max(maxSize, 100 000)). Both are rebuilt from the tags topic with
 * restore(); the topic is the persistent tier.
 *
 * Stats count lookups: a hit is a lookup answered without an LLM call (stale, duplicate or hit),
 * a miss one that needs it.
 */
export interface TagCacheOptions {
  enabled: boolean;
  /** TAG_SPACE_CACHE_SIZE: entries of the content cache. */
  maxSize: number;
  /** Entries of the version index; default max(maxSize, 100 000). */
  maxPages?: number;
}

export type CacheLookup =
  | { kind: 'stale'; lastVersion: number }
  | { kind: 'duplicate'; lastVersion: number }
  | { kind: 'hit'; record: TagRecord; source: 'page' | 'content' }
  | { kind: 'miss' };

export interface CacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before any lookup. */
  hitRate: number;
  size: number;
  maxSize: number;
}

interface PageEntry {
  version: number;
  /** Undefined for a removed page: only its version is kept, so older versions stay stale. */
  contentHash: string | undefined;
}

const DEFAULT_MAX_PAGES = 100_000;

/**
 * A least-recently-used map on a plain Map (whose iteration order is insertion order: a read
 * re-inserts, the first key is the eldest). The version index holds one entry per page of a space,
 * and restoring a space from the tags topic writes each once; this does that several times faster
 * than a general-purpose LRU sized for 100 000 entries.
 */
class RecencyMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const eldest = this.map.keys().next();
      if (eldest.done !== true) this.map.delete(eldest.value);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}

export class TagCache {
  readonly enabled: boolean;
  private readonly pages: RecencyMap<PageEntry>;
  private readonly contents: LRUCache<string, TagRecord> | undefined;
  private readonly maxSize: number;
  private hits = 0;
  private misses = 0;

  constructor(opts: TagCacheOptions) {
    this.enabled = opts.enabled;
    this.maxSize = opts.enabled ? Math.max(1, Math.floor(opts.maxSize)) : 0;
    const maxPages = Math.max(1, Math.floor(opts.maxPages ?? Math.max(opts.maxSize, DEFAULT_MAX_PAGES)));
    this.pages = new RecencyMap(maxPages);
    this.contents = opts.enabled ? new LRUCache({ max: this.maxSize }) : undefined;
  }

  lookup(work: PageWork): CacheLookup {
    const answer = this.find(work);
    if (answer.kind === 'miss') this.misses += 1;
    else this.hits += 1;
    return answer;
  }

  /** The last tagged version of a page, if known. Does not count as a lookup. */
  lastVersion(pageId: string): number | undefined {
    return this.pages.peek(pageId)?.version;
  }

  /**
   * Records the tags of a page version (from the LLM, or a cached record just emitted). Returns
   * false, and changes nothing, when a newer version of the page is already known: the caller must
   * then not publish `record` (it would overwrite newer tags).
   */
  remember(work: PageWork, record: TagRecord): boolean {
    const last = this.pages.peek(work.event.pageId);
    if (last !== undefined && last.version > work.event.version) return false;
    if (last !== undefined && last.contentHash === undefined && last.version >= work.event.version)
      return false;
    this.store(record);
    return true;
  }

  /** Loads one record read back from the tags topic. No lookups are counted. */
  restore(record: TagRecord): void {
    const last = this.pages.peek(record.pageId);
    if (last !== undefined && last.version > record.version) return;
    this.store(record);
  }

  /**
   * Forgets a page's tags (it was removed). With the removal's version, that version is kept so a
   * late answer or a redelivery of an older version cannot bring the page back (a tombstone read
   * from the topic has no version: the page is simply forgotten). Its content stays reusable by
   * other pages.
   */
  remove(pageId: string, version?: number): void {
    if (version === undefined) {
      this.pages.delete(pageId);
      return;
    }
    const last = this.pages.peek(pageId);
    this.pages.set(pageId, { version: Math.max(version, last?.version ?? 0), contentHash: undefined });
  }

  stats(): CacheStats {
    const total = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: total === 0 ? 0 : this.hits / total,
      size: this.contents?.size ?? 0,
      maxSize: this.maxSize,
    };
  }

  private find(work: PageWork): CacheLookup {
    const last = this.pages.get(work.event.pageId);
    if (last !== undefined && work.event.version < last.version)
      return { kind: 'stale', lastVersion: last.version };
    if (last !== undefined && work.event.version === last.version) {
      return { kind: 'duplicate', lastVersion: last.version };
    }
    const record = this.contents?.get(work.contentHash);
    if (record === undefined) return { kind: 'miss' };
    return { kind: 'hit', record, source: last?.contentHash === work.contentHash ? 'page' : 'content' };
  }

  private store(record: TagRecord): void {
    this.pages.set(record.pageId, { version: record.version, contentHash: record.contentHash });
    this.contents?.set(record.contentHash, record);
  }
}

/** "75.0%", as the origin document prints a hit rate. */
export function formatHitRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** The TagRecord for a new version whose content is already tagged: no LLM call, `cached: true`. */
export function cachedRecord(work: PageWork, source: TagRecord, taggedAt: string): TagRecord {
  const record: TagRecord = {
    pageId: work.event.pageId,
    spaceKey: work.event.spaceKey,
    version: work.event.version,
    contentHash: work.contentHash,
    tags: [...source.tags],
    provider: source.provider,
    model: source.model,
    promptVersion: source.promptVersion,
    cached: true,
    taggedAt,
  };
  if (work.truncated) record.truncated = true;
  return record;
}
