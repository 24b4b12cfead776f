/**
 * Who tagspace is to Confluence: a Cloud user's email and API token (HTTP Basic), or a Data
 * Center personal access token (Bearer). Never logged; `setting` names what a user fixes when the
 * site refuses them.
 */
export type ConfluenceCredentials =
  | {
      kind: 'basic';
      email: string;
      apiToken: string;
      /** Data Center's Basic login is a user name and password, not Cloud's email and API token. */
      dataCenter?: boolean;
    }
  | { kind: 'bearer'; token: string };

export function authorizationHeader(credentials: ConfluenceCredentials): string {
  return credentials.kind === 'basic'
    ? `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}`
    : `Bearer ${credentials.token}`;
}

/** The setting at fault when the credentials are refused. */
export function credentialSetting(credentials: ConfluenceCredentials): string {
  return credentials.kind === 'basic' ? 'CONFLUENCE_API_TOKEN' : 'CONFLUENCE_TOKEN';
}

/** One line a user can act on when the site refuses the credentials. */
export function credentialHint(credentials: ConfluenceCredentials): string {
  if (credentials.kind === 'bearer') return 'check CONFLUENCE_TOKEN (a personal access token of the site)';
  return credentials.dataCenter === true
    ? 'check CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN (the user name and password of a Data Center login)'
    : 'check CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN (an API token of that Atlassian account)';
}
