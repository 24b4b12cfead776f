import type { PageEvent } from '../../model/page-event.js';
import { editPages, type EditKind } from '../../gen/edit-space.js';
import { generatePages } from '../../gen/generate-space.js';
import type { WikiPage } from './wiki-page.js';
import type { WikiStore } from './wiki-store.js';

/**
 * Fills the simulated wiki from the synthetic space generator: page i of (seed, key) becomes a
 * Confluence page with the generator's id (or the next free one if another space took it), title,
 * body rendered in storage format, its labels (as a person added them) and its time as version 1.
 * The first page is the space's homepage; every page counts (no extra homepage is made up).
 */
export interface SeedOptions {
  key: string;
  pages: number;
  seed?: number;
  name?: string;
}

export interface SeededSpace {
  id: string;
  key: string;
  pageIds: string[];
}

export function seedSpace(store: WikiStore, options: SeedOptions): SeededSpace {
  const space = store.addSpace(options.key, options.name ?? `${options.key} space`);
  const generated = generatePages({
    pages: options.pages,
    seed: options.seed ?? 1,
    spaceKey: options.key,
    bodyFormat: 'storage',
  });
  const pageIds: string[] = [];
  for (const { event } of generated) {
    const page = store.createPage(
      {
        spaceKey: space.key,
        id: event.pageId,
        title: event.title,
        body: event.body,
        labels: event.labels ?? [],
        ...(event.updatedAt === undefined ? {} : { createdAt: Date.parse(event.updatedAt) }),
      },
      false,
    );
    pageIds.push(page.id);
  }
  return { id: space.id, key: space.key, pageIds };
}

export interface RandomEditOptions {
  count: number;
  seed: number;
  kind?: EditKind;
  spaceKey?: string;
}

/**
 * People editing `count` distinct current pages the way the generator's edits do (a new section
 * about the page's topic, or a markup-only change): each becomes a new version now.
 */
export function editRandomPages(store: WikiStore, options: RandomEditOptions): WikiPage[] {
  const events: PageEvent[] = [];
  for (const page of store.pages()) {
    if (page.status !== 'current') continue;
    if (options.spaceKey !== undefined && page.spaceKey !== options.spaceKey) continue;
    events.push(asEvent(page));
  }
  const edits = editPages(events, {
    count: options.count,
    seed: options.seed,
    kind: options.kind ?? 'content',
  });
  return edits.map((edit) => store.editPage(edit.pageId, { title: edit.title, body: edit.body }));
}

/** The body and title of the next version of `page` as a person would write it (a new section). */
export function generatedEdit(page: WikiPage, seed: number): { title: string; body: string } {
  const [edit] = editPages([asEvent(page)], { count: 1, seed, kind: 'content' });
  return { title: edit?.title ?? page.title, body: edit?.body ?? page.body };
}

function asEvent(page: WikiPage): PageEvent {
  return {
    type: 'page_snapshot',
    spaceKey: page.spaceKey,
    pageId: page.id,
    version: page.version.number,
    title: page.title,
    body: page.body,
    bodyFormat: 'storage',
    updatedAt: new Date(page.version.createdAt).toISOString(),
  };
}
