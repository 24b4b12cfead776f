import { labelNameProblem, labelNamesFrom, type LabelPrefix } from './label-names.js';
import { WikiError } from './wiki-error.js';
import {
  PERSON_ACCOUNT_ID,
  type ContentVersion,
  type LabelOwner,
  type PageLabel,
  type WikiPage,
  type WikiSpace,
} from './wiki-page.js';

/**
 * The simulated wiki's state and every change to it. A page lives through
 *
 *   created (v1) → edited (v n+1) … → trashed ⇄ restored → purged (gone: 404 everywhere)
 *
 * Each lifecycle change is announced to the listeners (the webhook dispatcher) as the Data Center
 * event it is; label and property changes are not lifecycle changes.
 */
export type PageChangeType =
  'page_created' | 'page_updated' | 'page_trashed' | 'page_restored' | 'page_removed';

export interface PageChange {
  type: PageChangeType;
  page: WikiPage;
  at: number;
}

export interface NewPage {
  spaceKey: string;
  title: string;
  body: string;
  id?: string;
  createdAt?: number;
  labels?: readonly string[];
  parentId?: string;
}

export interface PageEdit {
  title?: string;
  body?: string;
  message?: string;
  minorEdit?: boolean;
}

const FIRST_SPACE_ID = 98_305;
const FIRST_FREE_PAGE_ID = 900_000_000;

export class WikiStore {
  private readonly spacesByKey = new Map<string, WikiSpace>();
  private readonly pagesById = new Map<string, WikiPage>();
  private readonly labelIds = new Map<string, string>();
  private readonly listeners = new Set<(change: PageChange) => void>();
  private nextSpaceId = FIRST_SPACE_ID;
  private nextPageId = FIRST_FREE_PAGE_ID;
  private nextLabelId = 1_000;
  private nextPropertyId = 5_000_000;

  constructor(private readonly now: () => number) {}

  onChange(listener: (change: PageChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addSpace(key: string, name = key): WikiSpace {
    if (this.spacesByKey.has(key)) throw new WikiError('conflict', `A space with key ${key} already exists`);
    const space: WikiSpace = {
      id: String(this.nextSpaceId++),
      key,
      name,
      createdAt: this.now(),
      homepageId: undefined,
    };
    this.spacesByKey.set(key, space);
    return space;
  }

  space(key: string): WikiSpace | undefined {
    return this.spacesByKey.get(key);
  }

  spaceById(id: string): WikiSpace | undefined {
    for (const space of this.spacesByKey.values()) if (space.id === id) return space;
    return undefined;
  }

  spaces(): WikiSpace[] {
    return [...this.spacesByKey.values()];
  }

  /** A page by id, trashed or not; undefined once purged or never created. */
  page(id: string): WikiPage | undefined {
    return this.pagesById.get(id);
  }

  pages(): IterableIterator<WikiPage> {
    return this.pagesById.values();
  }

  requirePage(id: string): WikiPage {
    const page = this.pagesById.get(id);
    if (page === undefined) throw new WikiError('not_found', `No page with id ${id}`);
    return page;
  }

  /** Adds a page at version 1; `announce` false for seeding, which is not an edit anyone made. */
  createPage(input: NewPage, announce = true): WikiPage {
    const space = this.spacesByKey.get(input.spaceKey);
    if (space === undefined) throw new WikiError('not_found', `No space with key ${input.spaceKey}`);
    const id = input.id !== undefined && !this.pagesById.has(input.id) ? input.id : this.freePageId();
    const at = input.createdAt ?? this.now();
    const page: WikiPage = {
      id,
      spaceId: space.id,
      spaceKey: space.key,
      title: input.title,
      body: input.body,
      status: 'current',
      parentId: input.parentId ?? space.homepageId,
      position: this.pagesById.size,
      createdAt: at,
      authorId: PERSON_ACCOUNT_ID,
      version: personVersion(1, at),
      labels: new Map(),
      properties: new Map(),
    };
    this.pagesById.set(id, page);
    if (space.homepageId === undefined) space.homepageId = id;
    for (const name of input.labels ?? []) this.addLabels(page, [name], 'global', 'person');
    if (announce) this.announce('page_created', page);
    return page;
  }

  /** A person saves a new version: the version number grows by one and `lastmodified` moves. */
  editPage(id: string, edit: PageEdit = {}): WikiPage {
    const page = this.requirePage(id);
    if (page.status !== 'current') throw new WikiError('bad_request', `Page ${id} is ${page.status}`);
    if (edit.title !== undefined) page.title = edit.title;
    if (edit.body !== undefined) page.body = edit.body;
    const at = Math.max(this.now(), page.version.createdAt + 1);
    page.version = { ...personVersion(page.version.number + 1, at), message: edit.message ?? '' };
    if (edit.minorEdit === true) page.version.minorEdit = true;
    this.announce('page_updated', page, page.version.createdAt);
    return page;
  }

  trashPage(id: string): WikiPage {
    const page = this.requirePage(id);
    if (page.status === 'trashed') return page;
    page.status = 'trashed';
    this.announce('page_trashed', page);
    return page;
  }

  restorePage(id: string): WikiPage {
    const page = this.requirePage(id);
    if (page.status === 'current') return page;
    page.status = 'current';
    this.announce('page_restored', page);
    return page;
  }

  /** Removes the page for good (trashed or not): every API answers 404 for it afterwards. */
  purgePage(id: string): void {
    const page = this.requirePage(id);
    this.pagesById.delete(id);
    this.announce('page_removed', page);
  }

  /**
   * Adds labels (each name split and lowercased as Cloud does); returns the names that were new.
   * All names are checked before any is added, so a bad name changes nothing.
   */
  addLabels(page: WikiPage, requested: readonly string[], prefix: LabelPrefix, owner: LabelOwner): string[] {
    const names = [...new Set(requested.flatMap(labelNamesFrom))];
    if (names.length === 0) throw new WikiError('bad_request', 'A label name must not be empty');
    for (const name of names) {
      const problem = labelNameProblem(name);
      if (problem !== undefined) throw new WikiError('bad_request', problem);
    }
    const added: string[] = [];
    for (const name of names) {
      if (page.labels.has(name)) continue;
      page.labels.set(name, { id: this.labelId(name), name, prefix, addedBy: owner });
      added.push(name);
    }
    return added;
  }

  /** Removes one label; false when the page does not carry it. */
  removeLabel(page: WikiPage, name: string): boolean {
    return page.labels.delete(name.toLowerCase());
  }

  labelsOf(page: WikiPage): PageLabel[] {
    return [...page.labels.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  newPropertyId(): string {
    return String(this.nextPropertyId++);
  }

  private labelId(name: string): string {
    let id = this.labelIds.get(name);
    if (id === undefined) {
      id = String(this.nextLabelId++);
      this.labelIds.set(name, id);
    }
    return id;
  }

  private freePageId(): string {
    while (this.pagesById.has(String(this.nextPageId))) this.nextPageId++;
    return String(this.nextPageId++);
  }

  /** Announced now, or an edit at its version's time: Confluence stamps both from one instant. */
  private announce(type: PageChangeType, page: WikiPage, at = this.now()): void {
    const change: PageChange = { type, page, at };
    for (const listener of this.listeners) listener(change);
  }
}

function personVersion(number: number, at: number): ContentVersion {
  return { number, createdAt: at, message: '', minorEdit: false, authorId: PERSON_ACCOUNT_ID };
}
