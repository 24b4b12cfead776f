import type { LabelPrefix } from './label-names.js';

/**
 * What the simulated wiki holds. Times are epoch milliseconds; the APIs format them.
 * A page's labels and properties live beside its versions: adding a label creates no new version
 * and does not move `lastmodified`, as in Confluence.
 */
export type PageStatus = 'current' | 'trashed';

/** Who put a label on a page: a person (the control API) or a REST client. Only tests look at it. */
export type LabelOwner = 'person' | 'api';

export interface PageLabel {
  id: string;
  name: string;
  prefix: LabelPrefix;
  addedBy: LabelOwner;
}

export interface ContentVersion {
  number: number;
  createdAt: number;
  message: string;
  minorEdit: boolean;
  authorId: string;
}

export interface ContentProperty {
  id: string;
  key: string;
  value: unknown;
  version: ContentVersion;
}

export interface WikiSpace {
  id: string;
  key: string;
  name: string;
  createdAt: number;
  homepageId: string | undefined;
}

export interface WikiPage {
  id: string;
  spaceId: string;
  spaceKey: string;
  title: string;
  /** The body in storage format (XHTML). */
  body: string;
  status: PageStatus;
  parentId: string | undefined;
  position: number;
  createdAt: number;
  authorId: string;
  version: ContentVersion;
  labels: Map<string, PageLabel>;
  properties: Map<string, ContentProperty>;
}

/** The account ids the simulator writes: one for the people editing, one for API clients. */
export const PERSON_ACCOUNT_ID = '557058:0d9c8a52-5e1f-4b6e-9a1c-7f3e2b8d4a10';
export const API_ACCOUNT_ID = '712020:5c1f0e3a-8b2d-4e7f-a9c6-1d3b5e7f9a20';
