/**
 * Where the simulated REST API lives, which depends on the kind of Confluence it plays:
 *
 *   cloud         ${site}/wiki         v2 (/wiki/api/v2/…) and v1 (/wiki/rest/api/…)
 *   data-center   ${site}${contextPath} v1 only (${contextPath}/rest/api/…); contextPath may be ''
 *
 * The context is what v1 writes as `_links.context`, and `${site}${context}` its `_links.base`.
 */
export type Deployment = 'cloud' | 'data-center';

export const DEPLOYMENTS: readonly Deployment[] = ['cloud', 'data-center'];

export function apiContext(deployment: Deployment, contextPath: string): string {
  return deployment === 'cloud' ? '/wiki' : contextPath;
}

/**
 * Whether a request path is the wiki's. Under a context, everything below it is (as a servlet
 * container gives a web app its whole context). At the root, only /rest/… and /api/… are claimed,
 * so the provider simulator mounted beside the wiki keeps its own paths.
 */
export function isApiPath(path: string, context: string): boolean {
  if (context === '') return /^\/(rest|api)(\/|$)/.test(path);
  return path === context || path.startsWith(`${context}/`);
}
