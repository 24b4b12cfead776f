import { describe, expect, it } from 'vitest';
import { contentHash, pageText } from '../../src/model/page-content.js';
import { validatePageEvent } from '../../src/model/page-event.js';
import type { PageEvent } from '../../src/model/page-event.js';
import { editPages, removePages } from '../../src/gen/edit-space.js';
import { generateSpace } from '../../src/gen/generate-space.js';
import { tagPage } from '../../src/gen/tagger.js';

const PROMPT_VERSION = 'test-prompt-1';
const { events: space, truth } = generateSpace({ pages: 600, seed: 77, spaceKey: 'ENG' });
const original = new Map(space.map((e) => [e.pageId, e]));

function hash(event: PageEvent): string {
  return contentHash(event.title, pageText(event), PROMPT_VERSION);
}

describe('editPages', () => {
  it('makes the next version of count distinct pages', () => {
    for (const kind of ['content', 'title-only'] as const) {
      const edits = editPages(space, { count: 200, seed: 1, kind });
      expect(edits).toHaveLength(200);
      expect(new Set(edits.map((e) => e.pageId)).size).toBe(200);
      for (const edit of edits) {
        const before = original.get(edit.pageId)!;
        expect(validatePageEvent(JSON.parse(JSON.stringify(edit)))).toEqual(edit);
        expect(edit.type).toBe('page_updated');
        expect(edit.version).toBe(before.version + 1);
        expect(edit.bodyFormat).toBe(before.bodyFormat);
        expect(Date.parse(edit.updatedAt!)).toBeGreaterThan(Date.parse(before.updatedAt!));
      }
    }
  });

  it('changes the content hash of every page a content edit touches', () => {
    for (const edit of editPages(space, { count: 300, seed: 2, kind: 'content' })) {
      expect(hash(edit)).not.toBe(hash(original.get(edit.pageId)!));
    }
  });

  it('keeps the main topic of a page through a content edit', () => {
    for (const edit of editPages(space, { count: 300, seed: 3, kind: 'content' })) {
      expect(tagPage(edit.title, pageText(edit))[0]).toBe(truth.get(edit.pageId)![0]);
    }
  });

  it('keeps the content hash through a title-only edit while the event itself changes', () => {
    for (const edit of editPages(space, { count: 300, seed: 4, kind: 'title-only' })) {
      const before = original.get(edit.pageId)!;
      expect(hash(edit)).toBe(hash(before));
      expect(edit.labels).not.toEqual(before.labels);
      expect(edit.title === before.title && edit.body === before.body).toBe(false);
    }
  });

  it('edits the same pages the same way for the same seed, and other pages for another seed', () => {
    const a = editPages(space, { count: 50, seed: 5, kind: 'content' });
    expect(editPages(space, { count: 50, seed: 5, kind: 'content' })).toEqual(a);
    const b = editPages(space, { count: 50, seed: 6, kind: 'content' });
    const idsA = new Set(a.map((e) => e.pageId));
    expect(b.filter((e) => idsA.has(e.pageId)).length).toBeLessThan(25);
  });

  it('edits the newest version of a page that was edited before', () => {
    const first = editPages(space, { count: 600, seed: 7, kind: 'content' });
    const second = editPages([...space, ...first], { count: 600, seed: 8, kind: 'title-only' });
    for (const edit of second) expect(edit.version).toBe(3);
  });

  it('refuses to edit more pages than the space holds', () => {
    expect(() => editPages(space, { count: 601, seed: 1, kind: 'content' })).toThrow(RangeError);
  });
});

describe('removePages', () => {
  it('removes count distinct pages with a page_removed event one version past their newest', () => {
    const removals = removePages(space, { count: 100, seed: 9 });
    expect(new Set(removals.map((e) => e.pageId)).size).toBe(100);
    for (const removal of removals) {
      expect(validatePageEvent(JSON.parse(JSON.stringify(removal)))).toEqual(removal);
      expect(removal.type).toBe('page_removed');
      expect(removal.version).toBe(original.get(removal.pageId)!.version + 1);
    }
  });

  it('never edits or removes a page that is already removed', () => {
    const removals = removePages(space, { count: 500, seed: 10 });
    const removed = new Set(removals.map((e) => e.pageId));
    const after = [...space, ...removals];
    const edits = editPages(after, { count: 100, seed: 11, kind: 'content' });
    for (const edit of edits) expect(removed.has(edit.pageId)).toBe(false);
    expect(() => removePages(after, { count: 101, seed: 12 })).toThrow(RangeError);
  });
});
