import { describe, expect, it } from 'vitest';
import { nextLink, relNext, resolveLink } from '../../src/confluence/next-link.js';

const root = 'https://acme.atlassian.net/wiki';

describe('nextLink', () => {
  it('follows v2’s _links.next, written from the site', () => {
    const body = {
      results: [],
      _links: { next: '/wiki/api/v2/spaces/98306/pages?cursor=eyJpZCI6MX0&limit=250', base: root },
    };
    expect(nextLink(body, null, root)).toBe(`${root}/api/v2/spaces/98306/pages?cursor=eyJpZCI6MX0&limit=250`);
  });

  it('follows v1’s _links.next, written from the /wiki context', () => {
    const body = {
      results: [],
      _links: {
        next: '/rest/api/content/search?cql=space%3DDEV&limit=250&cursor=abc',
        base: root,
        context: '/wiki',
      },
    };
    expect(nextLink(body, null, root)).toBe(
      `${root}/rest/api/content/search?cql=space%3DDEV&limit=250&cursor=abc`,
    );
  });

  it('falls back to the Link header’s rel="next"', () => {
    const header =
      '</wiki/api/v2/pages?cursor=xyz>; rel="next", <https://acme.atlassian.net/wiki>; rel="base"';
    expect(relNext(header)).toBe('/wiki/api/v2/pages?cursor=xyz');
    expect(nextLink({ results: [] }, header, root)).toBe(`${root}/api/v2/pages?cursor=xyz`);
  });

  it('ends where neither says more', () => {
    expect(nextLink({ results: [], _links: {} }, null, root)).toBeUndefined();
    expect(nextLink({ results: [] }, '<https://acme.atlassian.net/wiki>; rel="base"', root)).toBeUndefined();
  });

  it('keeps an absolute link as it is', () => {
    expect(resolveLink('https://other.example/wiki/api/v2/x', root)).toBe(
      'https://other.example/wiki/api/v2/x',
    );
  });
});
