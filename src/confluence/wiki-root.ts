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
