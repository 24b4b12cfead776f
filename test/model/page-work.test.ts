import { describe, expect, it } from 'vitest';
import { estimateEntryTokens } from '../../src/model/estimate-tokens.js';
import { toPageWork } from '../../src/model/page-work.js';
import { contentHash } from '../../src/model/page-content.js';
import type { PageEvent } from '../../src/model/page-event.js';
import { PROMPT_VERSION } from '../../src/model/prompt.js';
import { delivery } from '../operators/fixtures.js';

const event: PageEvent = {
  type: 'page_updated',
  spaceKey: 'ENG',
  pageId: 'p1',
  version: 3,
  title: 'Kafka  consumers',
  body: '<p>Consumer <b>groups</b> &amp; offsets</p>',
  bodyFormat: 'storage',
};

describe('toPageWork', () => {
  it('keeps the normalised text, its hash and its token estimate', () => {
    const d = delivery();
    const w = toPageWork(event, d, { maxPageTokens: 2_000 });
    expect(w).toEqual({
      event,
      delivery: d,
      text: 'Consumer groups & offsets',
      contentHash: contentHash('Kafka  consumers', 'Consumer groups & offsets', PROMPT_VERSION),
      tokens: estimateEntryTokens({ id: 'p1', title: 'Kafka  consumers', text: 'Consumer groups & offsets' }),
      truncated: false,
    });
  });

  it('cuts a page larger than the per-page budget and marks it truncated', () => {
    const long = { ...event, body: 'lorem ipsum '.repeat(5_000), bodyFormat: 'text' as const };
    const w = toPageWork(long, delivery(), { maxPageTokens: 500 });
    expect(w.truncated).toBe(true);
    expect(w.tokens).toBeLessThanOrEqual(500);
    expect(w.text.length).toBeLessThan(long.body.length);
  });

  it('hashes the whole page, so an edit past the cut is still new content', () => {
    const base = 'lorem ipsum '.repeat(5_000);
    const a = toPageWork({ ...event, body: base + 'end one', bodyFormat: 'text' }, delivery(), {
      maxPageTokens: 500,
    });
    const b = toPageWork({ ...event, body: base + 'end two', bodyFormat: 'text' }, delivery(), {
      maxPageTokens: 500,
    });
    expect(a.text).toBe(b.text);
    expect(a.contentHash).not.toBe(b.contentHash);
  });

  it('changes the hash with the prompt version', () => {
    const a = toPageWork(event, delivery(), { maxPageTokens: 2_000, promptVersion: 'p1' });
    const b = toPageWork(event, delivery(), { maxPageTokens: 2_000, promptVersion: 'p2' });
    expect(a.contentHash).not.toBe(b.contentHash);
  });
});
