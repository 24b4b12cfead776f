import { describe, expect, it } from 'vitest';
import { buildTagRecord } from '../../src/model/tag-record.js';

const page = {
  event: { pageId: 'p1', spaceKey: 'ENG', version: 2 },
  contentHash: 'h2',
  truncated: true,
};
const source = { tags: ['a', 'b'], provider: 'gemini', model: 'gemini-2.0-flash', promptVersion: 'p1' };

describe('buildTagRecord', () => {
  it('carries the source tags to the page version, marked cached and truncated as asked', () => {
    expect(buildTagRecord(page, source, { cached: true, taggedAt: '2026-02-02T00:00:00.000Z' })).toEqual({
      pageId: 'p1',
      spaceKey: 'ENG',
      version: 2,
      contentHash: 'h2',
      tags: ['a', 'b'],
      provider: 'gemini',
      model: 'gemini-2.0-flash',
      promptVersion: 'p1',
      cached: true,
      taggedAt: '2026-02-02T00:00:00.000Z',
      truncated: true,
    });
  });

  it('copies the tags, so a later change to the source does not reach the record', () => {
    const tags = ['a'];
    const record = buildTagRecord(
      { ...page, truncated: false },
      { ...source, tags },
      {
        cached: false,
        taggedAt: '2026-02-02T00:00:00.000Z',
      },
    );
    tags.push('b');
    expect(record.tags).toEqual(['a']);
    expect(record).not.toHaveProperty('truncated');
    expect(record.cached).toBe(false);
  });
});
