import { describe, expect, it } from 'vitest';
import { pageOfContent } from '../../src/confluence/page-of-content.js';
import { pageEventOf } from '../../src/confluence/page-event-of.js';

describe('pageOfContent', () => {
  it('reads a Data Center content with every expansion as the v2 page the pipeline knows, keyed by its space key', () => {
    const page = pageOfContent({
      id: '98305',
      type: 'page',
      status: 'current',
      title: 'Runbook: Kafka',
      space: { id: 65538, key: 'ENG', name: 'Engineering' },
      version: { number: 4, when: '2026-12-07T19:20:30.000+01:00', message: '', minorEdit: false },
      body: { storage: { value: '<p>brokers</p>', representation: 'storage' } },
      metadata: {
        labels: { results: [{ prefix: 'global', name: 'kafka', id: '7' }], start: 0, limit: 200, size: 1 },
      },
    });
    expect(page).toEqual({
      id: '98305',
      status: 'current',
      title: 'Runbook: Kafka',
      spaceId: 'ENG',
      version: { number: 4, createdAt: '2026-12-07T18:20:30.000Z', message: '', minorEdit: false },
      body: { storage: { value: '<p>brokers</p>', representation: 'storage' } },
      labels: { results: [{ name: 'kafka', prefix: 'global' }], meta: { hasMore: false } },
    });
    expect(pageEventOf(page, 'ENG', 'page_updated')).toMatchObject({
      pageId: '98305',
      version: 4,
      body: '<p>brokers</p>',
      labels: ['kafka'],
      updatedAt: '2026-12-07T18:20:30.000Z',
    });
  });

  it('says the labels were cut short when the expansion has a next link, and leaves out what was not expanded', () => {
    const page = pageOfContent({
      id: '1',
      status: 'trashed',
      title: 'Old',
      metadata: { labels: { results: [], _links: { next: '/rest/api/content/1/label?start=200' } } },
    });
    expect(page).toEqual({
      id: '1',
      status: 'trashed',
      title: 'Old',
      spaceId: '',
      labels: { results: [], meta: { hasMore: true } },
    });
  });

  it('keeps a version time it cannot read as it was', () => {
    expect(pageOfContent({ id: '1', version: { number: 1, when: 'yesterday' } }).version).toEqual({
      number: 1,
      createdAt: 'yesterday',
    });
  });
});
