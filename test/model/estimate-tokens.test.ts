import { describe, expect, it } from 'vitest';
import {
  ENTRY_OVERHEAD_TOKENS,
  estimateEntryTokens,
  estimateTokens,
  PROMPT_OVERHEAD_TOKENS,
  truncateEntryText,
} from '../../src/model/estimate-tokens.js';

describe('estimateTokens', () => {
  it('counts a token per four bytes, rounded up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
  });

  it('counts bytes, not characters, so non-Latin text is not undercounted', () => {
    expect(estimateTokens('日本語の文書')).toBe(5);
  });

  it('measures a page entry as it travels in the prompt, JSON escapes included', () => {
    const page = { id: 'p1', title: 'T', text: 'say "hi"\n' };
    const encoded = JSON.stringify({ id: 'p1', title: 'T', text: 'say "hi"\n' });
    expect(estimateEntryTokens(page)).toBe(Math.ceil(encoded.length / 4) + ENTRY_OVERHEAD_TOKENS);
  });

  it('charges the fixed instructions of a prompt once', () => {
    expect(PROMPT_OVERHEAD_TOKENS).toBeGreaterThan(50);
  });
});

describe('truncateEntryText', () => {
  it('leaves a page that fits alone', () => {
    expect(truncateEntryText({ id: 'p', title: 't', text: 'short text' }, 100)).toBe('short text');
  });

  it('cuts a long page so its entry fits the budget, at a word boundary', () => {
    const text = Array.from({ length: 2_000 }, (_, i) => `word${i}`).join(' ');
    const page = { id: 'p', title: 'title', text };
    const cut = truncateEntryText(page, 100);
    expect(estimateEntryTokens({ ...page, text: cut })).toBeLessThanOrEqual(100);
    expect(estimateEntryTokens({ ...page, text: cut + ' word' })).toBeGreaterThan(90);
    expect(text.startsWith(cut)).toBe(true);
    expect(text[cut.length]).toBe(' ');
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(500);
    const cut = truncateEntryText({ id: 'p', title: 't', text }, 50);
    expect(cut.length % 2).toBe(0);
  });
});
