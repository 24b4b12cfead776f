/**
 * Where the next page of a Confluence collection is, as an absolute URL, or undefined at the end.
 * Both APIs put it in the body's `_links.next`; v2 also sends it as an RFC 8288 `Link` header
 * (`<…>; rel="next"`), used when the body has none. The link is relative, and relative to
 * different things: v2 writes it from the site (`/wiki/api/v2/…?cursor=…`), v1 from the /wiki
 * context (`/rest/api/content/search?…&cursor=…`). So, with root = "https://site/wiki", or
 * through Atlassian's API gateway "https://api.atlassian.com/ex/confluence/ID/wiki", whose answers
 * still write the site's links:
 *
 *   absolute                     → itself
 *   "/wiki/…" (root ends in /wiki) → root without its /wiki + link
 *   root's own path + "/…"         → origin(root) + link        (a Data Center context path)
 *   "/…" (anything else)           → root + link
 */
export function nextLink(body: unknown, linkHeader: string | null, root: string): string | undefined {
  const fromBody = (body as { _links?: { next?: unknown } } | undefined)?._links?.next;
  const link = typeof fromBody === 'string' && fromBody !== '' ? fromBody : relNext(linkHeader);
  return link === undefined ? undefined : resolveLink(link, root);
}

export function resolveLink(link: string, root: string): string {
  if (/^https?:\/\//i.test(link)) return link;
  const base = new URL(root);
  const rootPath = base.pathname.replace(/\/+$/, '');
  const path = link.startsWith('/') ? link : `/${link}`;
  if (rootPath.endsWith('/wiki') && (path === '/wiki' || path.startsWith('/wiki/')))
    return `${base.origin}${rootPath.slice(0, -'/wiki'.length)}${path}`;
  if (rootPath !== '' && (path === rootPath || path.startsWith(`${rootPath}/`)))
    return `${base.origin}${path}`;
  return `${base.origin}${rootPath}${path}`;
}

/** The target of the `rel="next"` entry of a Link header. */
export function relNext(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match === null) continue;
    const rels = /\brel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '')?.[1]?.split(/\s+/) ?? [];
    if (rels.includes('next')) return match[1];
  }
  return undefined;
}
