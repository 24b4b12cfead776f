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

  it('keeps the API gateway’s prefix on links written from the site, v2’s and v1’s', () => {
    const gateway = 'https://api.atlassian.com/ex/confluence/5e3c2a8f-1b7d-4c09-9a6e-2f4d8b1c7e30/wiki';
    expect(resolveLink('/wiki/api/v2/pages?cursor=xyz', gateway)).toBe(`${gateway}/api/v2/pages?cursor=xyz`);
    expect(resolveLink('/rest/api/content/search?cursor=abc', gateway)).toBe(
      `${gateway}/rest/api/content/search?cursor=abc`,
    );
  });

  it('resolves a Data Center context path’s links as before', () => {
    const dc = 'https://wiki.corp/confluence';
    expect(resolveLink('/confluence/rest/api/content?start=25', dc)).toBe(`${dc}/rest/api/content?start=25`);
    expect(resolveLink('/rest/api/content?start=25', dc)).toBe(`${dc}/rest/api/content?start=25`);
  });
});
