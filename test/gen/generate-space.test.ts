import { describe, expect, it } from 'vitest';
import { pageText } from '../../src/model/page-content.js';
import { validatePageEvent } from '../../src/model/page-event.js';
import type { BodyFormat } from '../../src/model/page-event.js';
import { eventsToJsonl, generatePages, generateSpace } from '../../src/gen/generate-space.js';
import type { GeneratedPage } from '../../src/gen/generate-space.js';
import { PAGE_KINDS, TOPICS, topicByLabel } from '../../src/gen/topics.js';

const ENG = { spaceKey: 'ENG' };

function pagesOf(pages: number, seed: number): GeneratedPage[] {
  return [...generatePages({ ...ENG, pages, seed })];
}

describe('generateSpace', () => {
  it('gives byte-identical events for the same seed', () => {
    const a = generateSpace({ ...ENG, pages: 500, seed: 42 });
    const b = generateSpace({ ...ENG, pages: 500, seed: 42 });
    expect(eventsToJsonl(a.events)).toBe(eventsToJsonl(b.events));
    expect([...a.truth]).toEqual([...b.truth]);
  });

  it('gives different pages for different seeds', () => {
    const a = generateSpace({ ...ENG, pages: 200, seed: 1 });
    const b = generateSpace({ ...ENG, pages: 200, seed: 2 });
    const titlesA = new Set(a.events.map((e) => e.title));
    const shared = b.events.filter((e) => titlesA.has(e.title)).length;
    expect(eventsToJsonl(a.events)).not.toBe(eventsToJsonl(b.events));
    expect(shared).toBeLessThan(100);
  });

  it('writes every kind of page in every body format within 1,000 pages', () => {
    const pages = pagesOf(1000, 7);
    expect(new Set(pages.map((p) => p.kind))).toEqual(new Set(PAGE_KINDS));
    const formats = new Set<BodyFormat>(pages.map((p) => p.event.bodyFormat));
    expect(formats).toEqual(new Set(['storage', 'markdown', 'text']));
  });

  it('renders every body in a forced format and leaves the rest of each page as the seed made it', () => {
    const mixed = pagesOf(200, 11);
    const storage = [...generatePages({ ...ENG, pages: 200, seed: 11, bodyFormat: 'storage' })];
    expect(storage.every((p) => p.event.bodyFormat === 'storage')).toBe(true);
    const strip = ({ event, topics, kind }: GeneratedPage) => ({
      ...event,
      body: '',
      bodyFormat: '',
      topics,
      kind,
    });
    expect(storage.map(strip)).toEqual(mixed.map(strip));
    const same = mixed.filter((p) => p.event.bodyFormat === 'storage').map((p) => p.event.pageId);
    expect(same.length).toBeGreaterThan(0);
    for (const id of same) {
      expect(storage.find((p) => p.event.pageId === id)?.event.body).toBe(
        mixed.find((p) => p.event.pageId === id)?.event.body,
      );
    }
  });

  it('gives every page a unique numeric pageId', () => {
    const { events } = generateSpace({ ...ENG, pages: 20_000, seed: 3 });
    expect(new Set(events.map((e) => e.pageId)).size).toBe(events.length);
    for (const event of events) expect(event.pageId).toMatch(/^[1-9]\d*$/);
  });

  it('produces events that pass the PageEvent contract, also after a JSON round trip', () => {
    for (const line of eventsToJsonl(generateSpace({ ...ENG, pages: 1000, seed: 9 }).events)
      .trimEnd()
      .split('\n')) {
      const event = validatePageEvent(JSON.parse(line));
      expect(event.type).toBe('page_created');
      expect(event.spaceKey).toBe('ENG');
      expect(event.version).toBe(1);
      expect(Number.isNaN(Date.parse(event.updatedAt ?? ''))).toBe(false);
    }
  });

  it('uses startVersion as the version of every page', () => {
    const { events } = generateSpace({ ...ENG, pages: 20, seed: 9, startVersion: 4 });
    expect(new Set(events.map((e) => e.version))).toEqual(new Set([4]));
  });

  it('records the topics of every page in the truth, main topic first, as catalogue labels', () => {
    const pages = pagesOf(1000, 13);
    const { truth } = generateSpace({ ...ENG, pages: 1000, seed: 13 });
    expect(truth.size).toBe(1000);
    for (const page of pages) {
      expect(truth.get(page.event.pageId)).toEqual(page.topics);
      expect(page.topics.length).toBeGreaterThanOrEqual(1);
      expect(page.topics.length).toBeLessThanOrEqual(3);
      expect(new Set(page.topics).size).toBe(page.topics.length);
      for (const label of page.topics) expect(topicByLabel(label)).toBeDefined();
    }
    // Every topic of the catalogue is the main topic of some page.
    expect(new Set(pages.map((p) => p.topics[0]))).toEqual(new Set(TOPICS.map((t) => t.label)));
  });

  it('writes storage bodies that strip to plain text still holding the main topic words', () => {
    const storage = pagesOf(600, 17).filter((p) => p.event.bodyFormat === 'storage');
    expect(storage.length).toBeGreaterThan(200);
    for (const page of storage) {
      expect(page.event.body).toMatch(/^<h2>/);
      const text = pageText(page.event);
      expect(text).not.toMatch(/<\/?[a-z][^>]*>|CDATA|&amp;|&lt;/);
      const topic = topicByLabel(page.topics[0]!)!;
      const lower = text.toLowerCase();
      expect(
        topic.strong.some((word) => lower.includes(word)),
        page.event.title,
      ).toBe(true);
    }
  });

  it('writes bodies of realistic length: a few hundred to a few thousand characters, some long', () => {
    const lengths = pagesOf(1000, 19).map((p) => pageText(p.event).length);
    lengths.sort((a, b) => a - b);
    expect(lengths[0]).toBeGreaterThanOrEqual(200);
    expect(lengths[500]).toBeGreaterThan(600);
    expect(lengths[500]).toBeLessThan(3000);
    expect(lengths.filter((n) => n > 5000).length).toBeGreaterThan(10);
  });

  it('gives some pages existing labels and time-ordered updatedAt stamps', () => {
    const events = generateSpace({ ...ENG, pages: 1000, seed: 23 }).events;
    const labelled = events.filter((e) => e.labels !== undefined);
    expect(labelled.length).toBeGreaterThan(100);
    expect(labelled.length).toBeLessThan(600);
    for (const event of labelled) expect(event.labels!.length).toBeGreaterThan(0);
    const times = events.map((e) => Date.parse(e.updatedAt!));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('streams pages lazily, so a huge space costs only the pages read', () => {
    const iterator = generatePages({ ...ENG, pages: 1_000_000_000, seed: 1 })[Symbol.iterator]();
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect(first.value).toEqual(pagesOf(1, 1)[0]);
  });

  it('writes JSONL with one event per line', () => {
    const { events } = generateSpace({ ...ENG, pages: 50, seed: 29 });
    const jsonl = eventsToJsonl(events);
    expect(jsonl.endsWith('\n')).toBe(true);
    expect(
      jsonl
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual(events);
  });

  it('generates 20,000 pages in a few seconds', () => {
    const started = performance.now();
    const { events } = generateSpace({ ...ENG, pages: 20_000, seed: 31 });
    const ms = performance.now() - started;
    console.log(`generated ${events.length} pages in ${ms.toFixed(0)} ms`);
    // About 0.7 s on an idle core; the bound leaves room for a busy machine.
    expect(ms).toBeLessThan(10_000);
  });
});
