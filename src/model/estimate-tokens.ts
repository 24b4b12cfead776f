import { buildUserPrompt, SYSTEM_INSTRUCTION, type PromptPage } from './prompt.js';

/**
 * A tokenizer-free estimate of prompt tokens, good enough to keep a batch under a budget:
 *
 *   tokens(s)     = ⌈utf8Bytes(s) / 4⌉
 *   entryTokens(p) = tokens(JSON.stringify({ id, title, text })) + ENTRY_OVERHEAD_TOKENS
 *   promptTokens(ps) = PROMPT_OVERHEAD_TOKENS + Σ entryTokens(p)
 *
 * Four bytes a token is the usual rule for English with both providers' tokenizers; counting UTF-8
 * bytes rather than characters keeps it from badly undercounting non-Latin scripts. The entry is
 * measured as it travels (JSON-encoded, escapes included, see router/prompt.ts), plus a small
 * allowance for the line break and tokenizer boundaries.
 */
export const BYTES_PER_TOKEN = 4;
export const ENTRY_OVERHEAD_TOKENS = 2;

export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / BYTES_PER_TOKEN);
}

export function estimateEntryTokens(page: PromptPage): number {
  return (
    estimateTokens(JSON.stringify({ id: page.id, title: page.title, text: page.text })) +
    ENTRY_OVERHEAD_TOKENS
  );
}

/** The fixed part of every prompt: the system instruction and the header and fences around the pages. */
export const PROMPT_OVERHEAD_TOKENS =
  estimateTokens(SYSTEM_INSTRUCTION) + estimateTokens(buildUserPrompt([]));

/**
 * Cuts `text` so that the entry of `page` with it fits `maxTokens`: the longest prefix that fits,
 * ending at a word boundary when one is near. Returns the text unchanged when it already fits.
 */
export function truncateEntryText(page: PromptPage, maxTokens: number): string {
  if (estimateEntryTokens(page) <= maxTokens) return page.text;
  // Binary search on the prefix length: escapes make bytes-per-character uneven.
  let lo = 0;
  let hi = page.text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateEntryTokens({ ...page, text: page.text.slice(0, mid) }) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  let cut = page.text.slice(0, lo);
  // Do not split a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return space > cut.length * 0.8 ? cut.slice(0, space) : cut;
}
