import { LRUCache } from 'lru-cache';
import type { TagRecord, TagSource } from '../model/tag-record.js';
import type { CacheLookup, TagMemory } from '../operators/dedupe-and-coalesce.js';
import type { CacheStats } from '../run/cache-stats.js';
import type { Outcome, PageWork } from '../model/work.js';

/**
 * What tagspace already knows about pages, so that it asks the LLM only about new content:
 *
 *   version index  pageId → last tagged { version, contentHash, tags }        (LRU, maxPages)
 *                  (after a removal: its version alone)
 *   content cache  contentHash → TagRecord                                  (LRU, maxSize)
 *
 *   lookup(w) = stale      if w.version < lastVersion(page)
 *             = duplicate  if w.version = lastVersion(page)
 *             = hit        if enabled ∧ (contentHash(page) = w.contentHash ∨ w.contentHash ∈ content cache)
 *             = miss       otherwise
 *
 * The content cache is "the cache" of the origin document: TAG_SPACE_CACHE_SIZE bounds it and
 * TAG_SPACE_CACHE_ENABLED=false turns it off (every new version then costs an LLM call). The version
 * index is not an optimisation but a correctness rule — an older version must never overwrite a
 * newer one on the compacted tags topic — so it stays on; it is bounded separately (default
 * max(maxSize, 100 000)) and holds a small entry per page: the version, the content hash and the
 * tags, not the whole record (a backlog of a million pages keeps 100 000 of them). Both are rebuilt
 * from the tags topic with restore(); the topic is the persistent tier.
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

interface PageEntry {
  version: number;
  /** Undefined for a removed page: only its version is kept, so older versions stay stale. */
  contentHash: string | undefined;
  /**
   * The page's own last tags (cache on): a new version of unchanged content (a markup-only edit)
   * needs no LLM call even once the content LRU has let that content go. Provider, model and
   * prompt version are shared between pages (`origins`), so an entry costs its tags and little else.
   */
  tagged: TagSource | undefined;
}

const DEFAULT_MAX_PAGES = 100_000;

export class TagCache implements TagMemory {
  readonly enabled: boolean;
  private readonly pages: LRUCache<string, PageEntry>;
  private readonly contents: LRUCache<string, TagRecord> | undefined;
  /** One object per (provider, model, prompt version), shared by the version index's entries. */
  private readonly origins = new Map<string, Omit<TagSource, 'tags'>>();
  private readonly maxSize: number;
  private hits = 0;
  private misses = 0;

  constructor(opts: TagCacheOptions) {
    this.enabled = opts.enabled;
    this.maxSize = opts.enabled ? Math.max(1, Math.floor(opts.maxSize)) : 0;
    const maxPages = Math.max(1, Math.floor(opts.maxPages ?? Math.max(opts.maxSize, DEFAULT_MAX_PAGES)));
    this.pages = new LRUCache({ max: maxPages });
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
    this.pages.set(pageId, {
      version: Math.max(version, last?.version ?? 0),
      contentHash: undefined,
      tagged: undefined,
    });
  }

  /**
   * An outcome that will not be written (its partition is another member's now): forgets the page
   * that remembering it changed — the tags of a dropped TagRecord, the version of a dropped
   * removal — so that, should the partition come back, the page's events re-read from the last
   * commit are not skipped as duplicates of what never reached the topic. The restore on
   * assignment then loads what the topic holds.
   */
  forget(outcome: Outcome): void {
    if (outcome.kind === 'tagged') this.pages.delete(outcome.record.pageId);
    else if (outcome.kind === 'tombstone') this.pages.delete(outcome.pageId);
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
    if (this.contents === undefined) return { kind: 'miss' };
    const record = this.contents.get(work.contentHash);
    const own = last?.contentHash === work.contentHash;
    if (record !== undefined) return { kind: 'hit', record, source: own ? 'page' : 'content' };
    if (own && last?.tagged !== undefined) return { kind: 'hit', record: last.tagged, source: 'page' };
    return { kind: 'miss' };
  }

  private originOf(record: TagRecord): Omit<TagSource, 'tags'> {
    const key = `${record.provider}\u0000${record.model}\u0000${record.promptVersion}`;
    let origin = this.origins.get(key);
    if (origin === undefined) {
      origin = { provider: record.provider, model: record.model, promptVersion: record.promptVersion };
      this.origins.set(key, origin);
    }
    return origin;
  }

  private store(record: TagRecord): void {
    this.pages.set(record.pageId, {
      version: record.version,
      contentHash: record.contentHash,
      tagged: this.contents === undefined ? undefined : { tags: record.tags, ...this.originOf(record) },
    });
    this.contents?.set(record.contentHash, record);
  }
}
