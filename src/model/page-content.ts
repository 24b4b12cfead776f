import { createHash } from 'node:crypto';
import type { PageEvent } from './page-event.js';

/**
 * The text the LLM sees for a page, and the hash that decides whether it must see it again.
 *
 *   text        = fold(strip(body))             strip removes storage-format (XHTML) markup
 *   contentHash = sha256(fold(title) ‖ "\n" ‖ text ‖ "\n" ‖ promptVersion)
 *
 * A change of markup alone, of whitespace, or of metadata does not change the hash; a new prompt
 * version does, so a prompt change re-tags everything.
 */

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return safeChar(parseInt(name.slice(2), 16), whole);
    if (name.startsWith('#')) return safeChar(parseInt(name.slice(1), 10), whole);
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function safeChar(code: number, fallback: string): string {
  return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

/** Removes Confluence storage-format markup: tags, CDATA wrappers and entities; keeps the words. */
export function stripStorageMarkup(body: string): string {
  return decodeEntities(
    body
      .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, ' $1 ')
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' '),
  );
}

export function foldWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The normalised plain text of a page body. */
export function pageText(event: Pick<PageEvent, 'body' | 'bodyFormat'>): string {
  const raw = event.bodyFormat === 'storage' ? stripStorageMarkup(event.body) : event.body;
  return foldWhitespace(raw);
}

export function contentHash(title: string, text: string, promptVersion: string): string {
  return createHash('sha256')
    .update(foldWhitespace(title))
    .update('\n')
    .update(text)
    .update('\n')
    .update(promptVersion)
    .digest('hex');
}
