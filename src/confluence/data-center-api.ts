import { TagspaceError } from '../model/errors.js';
import { ConfluenceApi, MAX_LIMIT, opts } from './confluence-api.js';
import type { V1Content, V1Label, V1List, V1Space, V2Label, V2Page, V2Space } from './confluence-types.js';
import { pageOfContent } from './page-of-content.js';

/** What a page read expands: its version (and when), its space's key, its labels. */
const PAGE_EXPAND = 'version,space,metadata.labels';

/**
 * Confluence Data Center, which has no v2 API: the same calls as ConfluenceApi, each read made
 * with its v1 equivalent under the site's context path and answered in the v2 shape
 * (page-of-content.ts). Search and the label writes are v1 on both and are inherited.
 *
 *   verifyCredentials  GET /rest/api/space?limit=1
 *   spaceByKey         GET /rest/api/space/{key}
 *   spaces             GET /rest/api/space
 *   pagesInSpace       GET /rest/api/content?spaceKey=&type=page&status=&expand=version,space[,body.storage]
 *   page               GET /rest/api/content/{id}?status=any&expand=version,space,metadata.labels[,body.storage]
 *   labelsOf           GET /rest/api/content/{id}/label
 *
 * A space's id here is its key (page-of-content.ts says why), so spaceById is spaceByKey.
 */
export class DataCenterApi extends ConfluenceApi {
  /**
   * Data Center refuses a wrong token with 401; a 404 here means no REST API at this URL, most
   * often a base URL given without its context path, and is said as that.
   */
  override async verifyCredentials(signal?: AbortSignal): Promise<void> {
    try {
      await this.http.get('/rest/api/space', {
        query: { limit: 1 },
        maxRetries: 1,
        ...(signal && { signal }),
      });
    } catch (err) {
      if (!(err instanceof TagspaceError) || err.status !== 404) throw err;
      throw new TagspaceError(
        'config',
        `invalid CONFLUENCE_URL: no Confluence Data Center REST API at ${this.http.root} (HTTP 404 on GET /rest/api/space); give the site's base URL with its context path, such as https://wiki.corp/confluence`,
        { setting: 'CONFLUENCE_URL', status: 404 },
      );
    }
  }

  override async spaceByKey(key: string, signal?: AbortSignal): Promise<V2Space | undefined> {
    try {
      const path = `/rest/api/space/${encodeURIComponent(key)}`;
      const { body } = await this.http.get<V1Space>(path, opts(signal, undefined));
      return body.key === key ? spaceOf(body) : undefined;
    } catch (err) {
      if (err instanceof TagspaceError && err.kind === 'not_found') return undefined;
      throw err;
    }
  }

  override async *spaces(signal?: AbortSignal): AsyncIterable<V2Space[]> {
    const all = this.collection<V1Space, V1List<V1Space>>('/rest/api/space', signal, { limit: MAX_LIMIT });
    for await (const batch of all) yield batch.map(spaceOf);
  }

  override spaceById(id: string, signal?: AbortSignal): Promise<V2Space | undefined> {
    return this.spaceByKey(id, signal);
  }

  override async *pagesInSpace(
    spaceId: string,
    query: { status?: string; bodyFormat?: 'storage'; limit?: number },
    signal?: AbortSignal,
  ): AsyncIterable<V2Page[]> {
    const contents = this.collection<V1Content, V1List<V1Content>>('/rest/api/content', signal, {
      spaceKey: spaceId,
      type: 'page',
      status: query.status ?? 'current',
      expand: query.bodyFormat === 'storage' ? 'version,space,body.storage' : 'version,space',
      limit: query.limit ?? MAX_LIMIT,
    });
    for await (const batch of contents) yield batch.map(pageOfContent);
  }

  override async page(
    id: string,
    signal?: AbortSignal,
    want: { body?: boolean } = {},
  ): Promise<V2Page | undefined> {
    try {
      const path = `/rest/api/content/${encodeURIComponent(id)}`;
      const expand = want.body === false ? PAGE_EXPAND : `${PAGE_EXPAND},body.storage`;
      const { body } = await this.http.get<V1Content>(path, opts(signal, { status: 'any', expand }));
      const page = pageOfContent(body);
      if (page.labels?.meta?.hasMore === true) page.labels = { results: await this.labelsOf(id, signal) };
      return page;
    } catch (err) {
      if (err instanceof TagspaceError && err.kind === 'not_found') return undefined;
      throw err;
    }
  }

  override async labelsOf(id: string, signal?: AbortSignal): Promise<V2Label[]> {
    const labels: V2Label[] = [];
    const path = `/rest/api/content/${encodeURIComponent(id)}/label`;
    for await (const batch of this.collection<V1Label, V1List<V1Label>>(path, signal, { limit: MAX_LIMIT })) {
      labels.push(...batch.map((l) => ({ name: l.name, ...(l.prefix && { prefix: l.prefix }) })));
    }
    return labels;
  }
}

function spaceOf(space: V1Space): V2Space {
  return { id: space.key, key: space.key, ...(space.name !== undefined && { name: space.name }) };
}
