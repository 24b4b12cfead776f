import type { WikiSpace } from './wiki-page.js';
import type { ApiSite } from './wiki-route.js';

/**
 * A space as REST v1 writes it (Data Center's REST examples, Confluence.js `src/v1/models/space.ts`):
 *
 *   {"id":98305,"key":"ENG","name":"Engineering","type":"global",
 *    "_links":{"webui":"/display/ENG","self":"…/rest/api/space/ENG"},"_expandable":{…}}
 *
 * v1 ids are numbers (v2's are strings). Cloud adds `status` and links to /spaces/KEY.
 */
export function v1Space(space: WikiSpace, site: ApiSite): Record<string, unknown> {
  const cloud = site.deployment === 'cloud';
  return {
    id: Number(space.id),
    key: space.key,
    name: space.name,
    type: 'global',
    ...(cloud ? { status: 'current' } : {}),
    _links: {
      webui: cloud ? `/spaces/${space.key}` : `/display/${space.key}`,
      self: `${site.base}/rest/api/space/${encodeURIComponent(space.key)}`,
    },
    _expandable: {
      metadata: '',
      icon: '',
      description: '',
      homepage: space.homepageId === undefined ? '' : `/rest/api/content/${space.homepageId}`,
    },
  };
}
