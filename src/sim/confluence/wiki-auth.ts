import { timingSafeEqual } from 'node:crypto';

/**
 * Who a request is, from its Authorization header:
 *
 *   Basic base64(email:apiToken)  → a Cloud user, when the pair is configured; a token with
 *                                   scopes only through the API gateway, else scopedAtSite
 *   Bearer <personal access token> → a Data Center user, when the token is configured
 *   no header                      → anonymous
 *   anything else                  → invalid (scheme says which)
 *
 * What an invalid or anonymous caller gets back is the API's business (wiki-access.ts).
 */
export interface CloudUser {
  email: string;
  apiToken: string;
  /** An API token with scopes: Atlassian serves it at api.atlassian.com/ex/confluence/{cloudId} only. */
  scoped?: boolean;
}

export interface WikiCredentials {
  users: readonly CloudUser[];
  personalAccessTokens: readonly string[];
}

export type Principal =
  | { kind: 'user'; email: string }
  | { kind: 'pat' }
  | { kind: 'anonymous' }
  | { kind: 'scopedAtSite' }
  | { kind: 'invalid'; scheme: 'basic' | 'bearer' | 'other' };

export function authenticate(
  header: string | undefined,
  credentials: WikiCredentials,
  viaGateway = false,
): Principal {
  if (header === undefined || header.trim() === '') return { kind: 'anonymous' };
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const value = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        const [email, token] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
        const user = credentials.users.find((u) => same(u.email.toLowerCase(), email.toLowerCase()));
        if (user !== undefined && same(user.apiToken, token)) {
          if (user.scoped === true && !viaGateway) return { kind: 'scopedAtSite' };
          return { kind: 'user', email: user.email };
        }
      }
      return { kind: 'invalid', scheme: 'basic' };
    }
    case 'bearer':
      if (credentials.personalAccessTokens.some((t) => same(t, value))) return { kind: 'pat' };
      return { kind: 'invalid', scheme: 'bearer' };
    default:
      return { kind: 'invalid', scheme: 'other' };
  }
}

function same(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
