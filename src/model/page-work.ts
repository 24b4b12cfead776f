import { contentHash, pageText } from './page-content.js';
import type { PageEvent } from './page-event.js';
import { PROMPT_VERSION } from './prompt.js';
import type { Delivery, PageWork } from './work.js';
import { estimateEntryTokens, truncateEntryText } from './estimate-tokens.js';

export interface PageWorkOptions {
  /** Per-page budget: a page whose entry would be larger is cut to fit and marked truncated. */
  maxPageTokens: number;
  promptVersion?: string;
}

/**
 * A decoded event as work for the LLM stage:
 *
 *   text        = pageText(event), cut so that entryTokens ≤ maxPageTokens
 *   contentHash = contentHash(title, pageText(event), promptVersion)   (the whole text, before the cut)
 *   tokens      = entryTokens({ id: pageId, title, text })
 *
 * The hash covers the whole page, so an edit past the cut still counts as new content: the
 * content contract (docs/design.md) does not depend on a budget setting.
 */
export function toPageWork(event: PageEvent, delivery: Delivery, opts: PageWorkOptions): PageWork {
  const fullText = pageText(event);
  const entry = { id: event.pageId, title: event.title, text: fullText };
  const text = truncateEntryText(entry, opts.maxPageTokens);
  return {
    event,
    delivery,
    text,
    contentHash: contentHash(event.title, fullText, opts.promptVersion ?? PROMPT_VERSION),
    tokens: estimateEntryTokens({ ...entry, text }),
    truncated: text.length < fullText.length,
  };
}
