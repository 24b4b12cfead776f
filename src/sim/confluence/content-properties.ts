import { WikiError } from './wiki-error.js';
import { API_ACCOUNT_ID, type ContentProperty, type WikiPage } from './wiki-page.js';

/**
 * A page's content properties (v2 `/pages/{id}/properties`): JSON values under unique keys, each
 * with its own version. An update must name the next version,
 *
 *   PUT accepted ⇔ body.version.number = current.version.number + 1   (else 409 Conflict)
 *
 * so two writers that read the same version cannot both win.
 */
const MAX_KEY_LENGTH = 255;

export interface PropertyWrite {
  key?: unknown;
  value?: unknown;
  version?: { number?: unknown; message?: unknown } | null;
}

export function findProperty(page: WikiPage, propertyId: string): ContentProperty {
  for (const property of page.properties.values()) {
    if (property.id === propertyId) return property;
  }
  throw new WikiError('not_found', `No property ${propertyId} on page ${page.id}`);
}

export function createProperty(
  page: WikiPage,
  write: PropertyWrite,
  id: string,
  now: number,
): ContentProperty {
  const key = validKey(write.key);
  if (page.properties.has(key)) {
    throw new WikiError('bad_request', `A property with key '${key}' already exists on page ${page.id}`);
  }
  if (write.value === undefined) throw new WikiError('bad_request', "'value' is required");
  const property: ContentProperty = {
    id,
    key,
    value: write.value,
    version: { number: 1, createdAt: now, message: '', minorEdit: false, authorId: API_ACCOUNT_ID },
  };
  page.properties.set(key, property);
  return property;
}

export function updateProperty(
  page: WikiPage,
  propertyId: string,
  write: PropertyWrite,
  now: number,
): ContentProperty {
  const current = findProperty(page, propertyId);
  const key = validKey(write.key);
  if (key !== current.key) throw new WikiError('bad_request', 'The key of a property cannot be changed');
  if (write.value === undefined) throw new WikiError('bad_request', "'value' is required");
  const number = write.version?.number;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw new WikiError('bad_request', "'version.number' is required");
  }
  if (number !== current.version.number + 1) {
    throw new WikiError(
      'conflict',
      `Version ${number} does not follow the current version ${current.version.number} of property '${key}'`,
    );
  }
  const message = typeof write.version?.message === 'string' ? write.version.message : '';
  const updated: ContentProperty = {
    ...current,
    value: write.value,
    version: { number, createdAt: now, message, minorEdit: false, authorId: API_ACCOUNT_ID },
  };
  page.properties.set(key, updated);
  return updated;
}

export function deleteProperty(page: WikiPage, propertyId: string): void {
  const current = findProperty(page, propertyId);
  page.properties.delete(current.key);
}

function validKey(key: unknown): string {
  if (typeof key !== 'string' || key.trim() === '') throw new WikiError('bad_request', "'key' is required");
  if (key.length > MAX_KEY_LENGTH) {
    throw new WikiError('bad_request', `'key' must be at most ${MAX_KEY_LENGTH} characters`);
  }
  return key;
}
