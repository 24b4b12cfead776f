import { TagspaceError } from '../model/errors.js';
import type { ConfluenceHttp, RequestOptions } from './confluence-http.js';
import type { V1ContentArray, V1SearchPage, V2Label, V2List, V2Page, V2Space } from './confluence-types.js';
import { nextLink } from './next-link.js';

/**
 * The Confluence Cloud calls tagspace makes, each where the reference puts it:
 *
 *   v2  GET  /api/v2/spaces?keys=|ids=                      spaces by key or id (or all of them)
 *   v2  GET  /api/v2/spaces/{id}/pages?body-format=storage  a space's pages, cursor-paginated
 *   v2  GET  /api/v2/pages/{id}?body-format=storage&include-labels=true
 *   v2  GET  /api/v2/pages/{id}/labels
 *   v1  GET  /rest/api/search?cql=  and  /rest/api/content/search?cql=   (v2 has no search)
 *   v1  POST /rest/api/content/{id}/label   [{prefix: "global", name}]   (v2 cannot write labels)
 *   v1  DELETE /rest/api/content/{id}/label?name=
 *
 * Collections are async iterables of their pages, following the next link (next-link.ts).
 */
export const MAX_LIMIT = 250;

export class ConfluenceApi {
  constructor(readonly http: ConfluenceHttp) {}

  /**
   * Proves the credentials with the cheapest call that needs them: on Cloud a wrong token reads
   * as an anonymous caller, which v2 answers with a bare 404 (response-error.ts). An unreachable
   * site is reported at once, not after the retries.
   */
  async verifyCredentials(signal?: AbortSignal): Promise<void> {
    try {
      await this.http.get('/api/v2/spaces', {
        query: { limit: 1 },
        maxRetries: 1,
        ...(signal && { signal }),
      });
    } catch (err) {
      // A Data Center site has no v2 either: off atlassian.net, a 404 may be that, not the token.
      if (err instanceof TagspaceError && err.status === 404 && !onAtlassianNet(this.http.root)) {
        throw new TagspaceError(
          err.kind,
          `${err.message}; or, if ${new URL(this.http.root).origin} is a Confluence Data Center site, set CONFLUENCE_DEPLOYMENT=data-center and give its base URL`,
          { status: 404, ...(err.setting !== undefined && { setting: err.setting }), cause: err },
        );
      }
      throw err;
    }
  }

  async spaceByKey(key: string, signal?: AbortSignal): Promise<V2Space | undefined> {
    const { body } = await this.http.get<V2List<V2Space>>('/api/v2/spaces', opts(signal, { keys: key }));
    return body.results.find((s) => s.key === key);
  }

  /** Every space the caller can see, a request at a time. */
  spaces(signal?: AbortSignal): AsyncIterable<V2Space[]> {
    return this.collection<V2Space, V2List<V2Space>>('/api/v2/spaces', signal, { limit: MAX_LIMIT });
  }

  async spaceById(id: string, signal?: AbortSignal): Promise<V2Space | undefined> {
    const { body } = await this.http.get<V2List<V2Space>>('/api/v2/spaces', opts(signal, { ids: id }));
    return body.results.find((s) => s.id === id);
  }

  /** The pages of a space, a request at a time; `status` current by default, bodies on request. */
  pagesInSpace(
    spaceId: string,
    query: { status?: string; bodyFormat?: 'storage'; limit?: number },
    signal?: AbortSignal,
  ): AsyncIterable<V2Page[]> {
    const path = `/api/v2/spaces/${encodeURIComponent(spaceId)}/pages`;
    return this.collection<V2Page, V2List<V2Page>>(path, signal, {
      limit: query.limit ?? MAX_LIMIT,
      status: query.status,
      'body-format': query.bodyFormat,
    });
  }

  /** A page in any status with its labels (and body, unless not wanted); undefined once it is gone (404). */
  async page(id: string, signal?: AbortSignal, want: { body?: boolean } = {}): Promise<V2Page | undefined> {
    try {
      const path = `/api/v2/pages/${encodeURIComponent(id)}`;
      const q = { 'body-format': want.body === false ? undefined : 'storage', 'include-labels': true };
      const { body } = await this.http.get<V2Page>(path, opts(signal, q));
      if (body.labels?.meta?.hasMore === true) {
        body.labels = { results: await this.labelsOf(id, signal) };
      }
      return body;
    } catch (err) {
      if (err instanceof TagspaceError && err.kind === 'not_found') return undefined;
      throw err;
    }
  }

  /** Every label of a page (throws not_found when the page is gone). */
  async labelsOf(id: string, signal?: AbortSignal): Promise<V2Label[]> {
    const labels: V2Label[] = [];
    const path = `/api/v2/pages/${encodeURIComponent(id)}/labels`;
    for await (const batch of this.collection<V2Label, V2List<V2Label>>(path, signal, { limit: MAX_LIMIT })) {
      labels.push(...batch);
    }
    return labels;
  }

  /** CQL through `/rest/api/content/search` (ContentArray), a request at a time. */
  searchContent(cql: string, expand: string, signal?: AbortSignal): AsyncIterable<V1ContentArray['results']> {
    return this.collection<V1ContentArray['results'][number], V1ContentArray>(
      '/rest/api/content/search',
      signal,
      {
        cql,
        expand,
        limit: MAX_LIMIT,
      },
    );
  }

  /** CQL through `/rest/api/search` (SearchPageResponse), whose first answer carries the total. */
  async *search(
    cql: string,
    expand: string,
    signal?: AbortSignal,
  ): AsyncIterable<{ results: V1SearchPage['results']; totalSize: number | undefined }> {
    let target: string | undefined = '/rest/api/search';
    let query: RequestOptions['query'] = { cql, expand, limit: MAX_LIMIT };
    while (target !== undefined) {
      const answer: { body: V1SearchPage; headers: Headers } = await this.http.get<V1SearchPage>(
        target,
        opts(signal, query),
      );
      yield { results: answer.body.results, totalSize: answer.body.totalSize };
      target = nextLink(answer.body, answer.headers.get('link'), this.http.root);
      query = undefined;
    }
  }

  /** Adds labels (global prefix); Confluence keeps those the page already has. */
  async addLabels(id: string, names: readonly string[], signal?: AbortSignal): Promise<void> {
    await this.http.request('POST', `/rest/api/content/${encodeURIComponent(id)}/label`, {
      body: names.map((name) => ({ prefix: 'global', name })),
      headers: { 'x-atlassian-token': 'no-check' },
      ...(signal && { signal }),
    });
  }

  /**
   * Removes one label; a label already gone is no error (the goal is reached). The query form
   * takes any label name, "/" included.
   */
  async removeLabel(id: string, name: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.http.request('DELETE', `/rest/api/content/${encodeURIComponent(id)}/label`, {
        query: { name },
        headers: { 'x-atlassian-token': 'no-check' },
        ...(signal && { signal }),
      });
    } catch (err) {
      if (err instanceof TagspaceError && err.kind === 'not_found') return;
      throw err;
    }
  }

  protected async *collection<T, L extends { results: T[] }>(
    path: string,
    signal: AbortSignal | undefined,
    query: RequestOptions['query'],
  ): AsyncIterable<T[]> {
    let target: string | undefined = path;
    let q: RequestOptions['query'] = query;
    while (target !== undefined) {
      const answer: { body: L; headers: Headers } = await this.http.get<L>(target, opts(signal, q));
      yield answer.body.results;
      target = nextLink(answer.body, answer.headers.get('link'), this.http.root);
      q = undefined;
    }
  }
}

function onAtlassianNet(root: string): boolean {
  return /(^|\.)atlassian\.net$/i.test(new URL(root).hostname);
}

export function opts(signal: AbortSignal | undefined, query: RequestOptions['query']): RequestOptions {
  return { ...(query && { query }), ...(signal && { signal }) };
}
