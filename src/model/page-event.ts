import { TagspaceError } from './errors.js';

export type PageEventType = 'page_created' | 'page_updated' | 'page_removed' | 'page_snapshot';
export type BodyFormat = 'storage' | 'markdown' | 'text';

/** A change to one wiki page, as it arrives on the `page-events` topic (docs/design.md, "Data contracts"). */
export interface PageEvent {
  type: PageEventType;
  spaceKey: string;
  pageId: string;
  /** Grows with each edit of the page. */
  version: number;
  title: string;
  body: string;
  bodyFormat: BodyFormat;
  labels?: string[];
  updatedAt?: string;
}

const TYPES: readonly PageEventType[] = ['page_created', 'page_updated', 'page_removed', 'page_snapshot'];
const FORMATS: readonly BodyFormat[] = ['storage', 'markdown', 'text'];
/** Wiki versions are small integers; anything past this is a corrupt producer, not a real edit. */
const MAX_VERSION = Number.MAX_SAFE_INTEGER;
const MAX_ID_LENGTH = 255;

function invalid(message: string): TagspaceError {
  return new TagspaceError('invalid_event', message);
}

function requireString(obj: Record<string, unknown>, field: string, allowEmpty = false): string {
  const value = obj[field];
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  if (!allowEmpty && value.trim() === '') throw invalid(`${field} must not be empty`);
  return value;
}

/** Decodes the bytes of a Kafka message into a PageEvent, or throws `decode` / `invalid_event`. */
export function decodePageEvent(bytes: Buffer | null): PageEvent {
  if (bytes === null || bytes.length === 0) throw new TagspaceError('decode', 'message value is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new TagspaceError('decode', `value is not JSON: ${(err as Error).message}`);
  }
  return validatePageEvent(parsed);
}

/** Checks a parsed JSON value against the PageEvent contract. */
export function validatePageEvent(value: unknown): PageEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('event must be a JSON object');
  }
  const obj = value as Record<string, unknown>;
  const type = obj.type;
  if (typeof type !== 'string' || !TYPES.includes(type as PageEventType)) {
    throw invalid(`type must be one of ${TYPES.join(', ')}`);
  }
  const pageId = requireString(obj, 'pageId');
  if (pageId.length > MAX_ID_LENGTH) throw invalid(`pageId is longer than ${MAX_ID_LENGTH} characters`);
  const spaceKey = requireString(obj, 'spaceKey');
  const version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_VERSION) {
    throw invalid('version must be a positive integer');
  }
  const removed = type === 'page_removed';
  const title = removed && obj.title === undefined ? '' : requireString(obj, 'title', removed);
  const body = removed && obj.body === undefined ? '' : requireString(obj, 'body', true);
  const bodyFormat = obj.bodyFormat ?? (removed ? 'text' : undefined);
  if (typeof bodyFormat !== 'string' || !FORMATS.includes(bodyFormat as BodyFormat)) {
    throw invalid(`bodyFormat must be one of ${FORMATS.join(', ')}`);
  }
  const event: PageEvent = {
    type: type as PageEventType,
    spaceKey,
    pageId,
    version,
    title,
    body,
    bodyFormat: bodyFormat as BodyFormat,
  };
  if (obj.labels !== undefined) {
    if (!Array.isArray(obj.labels) || !obj.labels.every((l) => typeof l === 'string')) {
      throw invalid('labels must be an array of strings');
    }
    event.labels = obj.labels as string[];
  }
  if (obj.updatedAt !== undefined) {
    if (typeof obj.updatedAt !== 'string') throw invalid('updatedAt must be a string');
    event.updatedAt = obj.updatedAt;
  }
  return event;
}
