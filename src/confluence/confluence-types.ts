/**
 * The parts of Confluence's REST answers tagspace reads, as the reference documents them
 * (developer.atlassian.com/cloud/confluence/rest/v2 and /rest/v1; field names as in Atlassian's
 * OpenAPI documents). Everything is optional where the API may leave it out.
 */
export interface V2Version {
  number: number;
  /** "YYYY-MM-DDTHH:mm:ss.sssZ" */
  createdAt?: string;
  message?: string | null;
  minorEdit?: boolean;
}

export interface V2Label {
  id?: string;
  name: string;
  prefix?: string;
}

export interface V2Page {
  id: string;
  status: 'current' | 'archived' | 'trashed' | 'deleted' | 'draft' | string;
  title: string;
  spaceId: string;
  version?: V2Version;
  body?: { storage?: { representation?: string; value?: string } };
  labels?: { results?: V2Label[]; meta?: { hasMore?: boolean; cursor?: string | null } };
}

export interface V2Space {
  id: string;
  key: string;
  name?: string;
}

/** A page of a v2 collection; the next page is in `_links.next` and the Link header. */
export interface V2List<T> {
  results: T[];
  _links?: { next?: string; base?: string };
}

export interface V1Label {
  prefix?: string;
  name: string;
  id?: string;
}

export interface V1Content {
  id: string;
  type?: string;
  status?: string;
  title?: string;
  version?: { number: number; when?: string; message?: string; minorEdit?: boolean };
  space?: { key: string; id?: number; name?: string };
  body?: { storage?: { value?: string; representation?: string } };
  metadata?: { labels?: V1LabelArray };
}

/** A page of a v1 collection; the next page is in `_links.next`, relative to the context path. */
export interface V1List<T> {
  results: T[];
  start?: number;
  limit?: number;
  size?: number;
  _links?: { next?: string; base?: string; context?: string };
}

/** `GET /rest/api/content/{id}/label`, and a content's `metadata.labels` expansion. */
export type V1LabelArray = Partial<V1List<V1Label>>;

/** `GET /rest/api/space/{key}` (v1 space ids are numbers). */
export interface V1Space {
  id: number;
  key: string;
  name?: string;
}

/** `GET /wiki/rest/api/content/search` (ContentArray). */
export interface V1ContentArray {
  results: V1Content[];
  start?: number;
  limit?: number;
  size?: number;
  _links?: { next?: string; base?: string; context?: string };
}

/** `GET /wiki/rest/api/search` (SearchPageResponse): hits wrap their content, with a total. */
export interface V1SearchPage {
  results: { content?: V1Content; lastModified?: string }[];
  totalSize?: number;
  size?: number;
  _links?: { next?: string; base?: string; context?: string };
}
