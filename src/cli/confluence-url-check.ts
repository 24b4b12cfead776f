import type { ConfluenceDeployment } from '../confluence/wiki-root.js';

/**
 * Why a `--confluence-url` is not a site's address, with the address it most likely meant, or
 * undefined when it may be one. A URL copied from the browser's address bar is the usual mistake:
 *
 *   cloud        https://x.atlassian.net/wiki/spaces/ENG/overview    → https://x.atlassian.net
 *   data-center  https://wiki.corp/confluence/display/ENG/Runbook     → https://wiki.corp/confluence
 *   either       …/pages/viewpage.action?pageId=1 (a query, a #part)  → without it
 *
 * Cloud's REST API is always at SITE/wiki, so anything after /wiki/ is a page; Data Center's
 * context path is the site's own choice, so only its page and API paths are recognised.
 */
const DATA_CENTER_PAGE = /\/(display|spaces|pages|rest|plugins|dosearchsite\.action)(\/|$)/;

export function confluenceUrlProblem(
  raw: string,
  deployment: ConfluenceDeployment,
): { why: string; meant: string } | undefined {
  const url = URL.parse(raw.trim());
  if (url === null) return undefined;
  const path = url.pathname;
  const page =
    deployment === 'cloud' ? /\/wiki\/./.exec(path) : DATA_CENTER_PAGE.exec(path.replace(/\/+$/, ''));
  if (page !== null) {
    return {
      why: "is a page's or an API's address, not the site's",
      meant: url.origin + path.slice(0, page.index),
    };
  }
  if (url.search !== '' || url.hash !== '') {
    return { why: 'has a query or a #fragment', meant: url.origin + path.replace(/\/+$/, '') };
  }
  return undefined;
}
