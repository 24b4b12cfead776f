import { toPageWork } from '../../src/model/page-work.js';
import type { PageEvent } from '../../src/model/page-event.js';
import type { TagRecord } from '../../src/model/tag-record.js';
import type { Delivery, PageWork } from '../../src/model/work.js';

let offset = 0;

export function delivery(pageId = 'p1'): Delivery {
  return {
    topic: 'page-events',
    partition: 0,
    offset: String(offset++),
    key: Buffer.from(pageId),
    value: null,
    headers: {},
    receivedAt: 0,
  };
}

/** A page version as the dedupe stage receives it; the body defaults to something per page. */
export function work(pageId: string, version: number, overrides: Partial<PageEvent> = {}): PageWork {
  const event: PageEvent = {
    type: 'page_updated',
    spaceKey: 'ENG',
    pageId,
    version,
    title: `Page ${pageId}`,
    body: `Body of ${pageId}, edit ${version}`,
    bodyFormat: 'text',
    ...overrides,
  };
  return toPageWork(event, delivery(pageId), { maxPageTokens: 2_000 });
}

/** The same PageWork with a given token estimate (for the batcher's budget). */
export function sized(pageId: string, tokens: number): PageWork {
  return { ...work(pageId, 1), tokens };
}

export function recordFor(w: PageWork, tags: string[] = ['kafka']): TagRecord {
  return {
    pageId: w.event.pageId,
    spaceKey: w.event.spaceKey,
    version: w.event.version,
    contentHash: w.contentHash,
    tags,
    provider: 'gemini',
    model: 'gemini-2.0-flash',
    promptVersion: 'p1',
    cached: false,
    taggedAt: '2026-01-01T00:00:00.000Z',
  };
}
