import type { ConfluenceCredentials } from './confluence-credentials.js';

/** Where Atlassian serves API tokens with scopes; a site's cloud id follows. */
export const ATLASSIAN_GATEWAY = 'https://api.atlassian.com/ex/confluence/';

const TENANT_INFO_TIMEOUT_MS = 3_000;

/**
 * Atlassian serves an API token with scopes only through its API gateway, and nothing in a token
 * tells it from a classic one (Atlassian KB "401 Unauthorized error when service account accesses
 * Jira or Confluence API"). Service accounts can only make such tokens, and Atlassian's token page
 * steers everyone else to them. So when a Cloud site refuses an email and API token, the site's
 * cloud id is asked for, without credentials, and the refusal names the CONFLUENCE_URL such a
 * token needs:
 *
 *   hint(root) = "; an API token with scopes is served only at CONFLUENCE_URL=" + gateway + cloudId
 *                where cloudId = GET origin(root)/_edge/tenant_info → {"cloudId"}
 *   hint(root) = ""  for a Data Center login, a root already through /ex/confluence/, or no cloud
 *                id within 3 s
 */
export async function scopedTokenHint(
  root: string,
  credentials: ConfluenceCredentials,
  fetchFn: typeof fetch,
): Promise<string> {
  if (credentials.kind !== 'basic' || credentials.dataCenter === true) return '';
  const url = new URL(root);
  if (url.pathname.startsWith('/ex/confluence/')) return '';
  try {
    const res = await fetchFn(`${url.origin}/_edge/tenant_info`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TENANT_INFO_TIMEOUT_MS),
    });
    const body = (await res.json()) as { cloudId?: unknown };
    const cloudId = res.ok && typeof body.cloudId === 'string' ? body.cloudId.trim() : '';
    if (!/^[0-9a-f-]{8,64}$/i.test(cloudId)) return '';
    return `; an API token with scopes is served only at CONFLUENCE_URL=${ATLASSIAN_GATEWAY}${cloudId}`;
  } catch {
    return '';
  }
}
