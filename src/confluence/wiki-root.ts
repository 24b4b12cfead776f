/** Which Confluence a site is: Cloud (REST under /wiki, v2 reads) or Data Center (v1 only, under its context path). */
export type ConfluenceDeployment = 'cloud' | 'data-center';

/**
 * The REST root of a Confluence site: `--confluence-url` is the site (https://SITE.atlassian.net),
 * given with or without its trailing /wiki; every API lives under /wiki:
 *
 *   wikiRoot("https://x.atlassian.net")       = "https://x.atlassian.net/wiki"
 *   wikiRoot("https://x.atlassian.net/wiki/") = "https://x.atlassian.net/wiki"
 */
export function wikiRoot(url: string): string {
  const site = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/wiki$/, '');
  return `${site}/wiki`;
}

/**
 * The REST root of a Data Center site: its base URL as given, context path and all (its REST API
 * is at BASE/rest/api, where the context path is whatever the site was installed under):
 *
 *   contextRoot("https://wiki.corp/confluence/") = "https://wiki.corp/confluence"
 */
export function contextRoot(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
