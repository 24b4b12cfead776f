import { describe, expect, it } from 'vitest';
import { confluenceUrlProblem } from '../../src/cli/confluence-url-check.js';
import { loadConfig } from '../../src/cli/config.js';

describe('confluenceUrlProblem', () => {
  it('takes a Cloud site with or without /wiki, and a Data Center base URL with its context path', () => {
    for (const url of [
      'https://x.atlassian.net',
      'https://x.atlassian.net/wiki',
      'https://x.atlassian.net/wiki/',
    ])
      expect(confluenceUrlProblem(url, 'cloud'), url).toBeUndefined();
    for (const url of ['https://wiki.corp', 'https://wiki.corp/confluence/', 'https://wiki.corp/wiki'])
      expect(confluenceUrlProblem(url, 'data-center'), url).toBeUndefined();
  });

  it('names the site of a Cloud page address copied from the browser', () => {
    expect(confluenceUrlProblem('https://x.atlassian.net/wiki/spaces/ENG/overview', 'cloud')).toEqual({
      why: "is a page's or an API's address, not the site's",
      meant: 'https://x.atlassian.net',
    });
    expect(confluenceUrlProblem('https://x.atlassian.net/wiki/rest/api/space', 'cloud')?.meant).toBe(
      'https://x.atlassian.net',
    );
  });

  it('names the base URL, context path kept, of a Data Center page or API address', () => {
    expect(
      confluenceUrlProblem('https://wiki.corp/confluence/display/ENG/Runbook', 'data-center')?.meant,
    ).toBe('https://wiki.corp/confluence');
    expect(
      confluenceUrlProblem('https://wiki.corp/pages/viewpage.action?pageId=12', 'data-center')?.meant,
    ).toBe('https://wiki.corp');
    expect(confluenceUrlProblem('https://wiki.corp/confluence/rest/api/space', 'data-center')?.meant).toBe(
      'https://wiki.corp/confluence',
    );
  });

  it('refuses a query or a fragment, which the REST paths would be appended after', () => {
    expect(confluenceUrlProblem('https://x.atlassian.net/?x=1', 'cloud')).toEqual({
      why: 'has a query or a #fragment',
      meant: 'https://x.atlassian.net',
    });
    expect(confluenceUrlProblem('https://wiki.corp/confluence#top', 'data-center')?.meant).toBe(
      'https://wiki.corp/confluence',
    );
  });

  it('stops start-up in one line naming the setting and the address meant', () => {
    expect(() =>
      loadConfig('labels', [], {
        CONFLUENCE_URL: 'https://acme.atlassian.net/wiki/spaces/ENG/pages/123/Runbook',
        CONFLUENCE_EMAIL: 'me@acme.com',
        CONFLUENCE_API_TOKEN: 'ATATT-secret',
      }),
    ).toThrow(
      `invalid CONFLUENCE_URL (--confluence-url): "https://acme.atlassian.net/wiki/spaces/ENG/pages/123/Runbook" is a page's or an API's address, not the site's; give https://acme.atlassian.net`,
    );
  });
});
