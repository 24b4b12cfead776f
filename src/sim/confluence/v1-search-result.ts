import { iso } from './v2-shapes.js';
import { v1Content, v1Webui } from './v1-shapes.js';
import type { WikiPage, WikiSpace } from './wiki-page.js';
import type { ApiSite } from './wiki-route.js';

/** One hit of `GET {context}/rest/api/search`: the content plus the search engine's own fields. */
export function v1SearchResult(
  page: WikiPage,
  space: WikiSpace | undefined,
  site: ApiSite,
  expand: ReadonlySet<string>,
): Record<string, unknown> {
  return {
    content: v1Content(page, space, site, expand),
    title: page.title,
    excerpt: '',
    url: v1Webui(page, site.deployment),
    resultGlobalContainer: {
      title: space?.name ?? page.spaceKey,
      displayUrl: site.deployment === 'cloud' ? `/spaces/${page.spaceKey}` : `/display/${page.spaceKey}`,
    },
    breadcrumbs: [],
    entityType: 'content',
    iconCssClass: 'aui-icon content-type-page',
    lastModified: iso(page.version.createdAt),
    friendlyLastModified: iso(page.version.createdAt),
    score: 0,
  };
}
