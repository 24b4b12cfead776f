import { TagspaceError } from '../model/errors.js';
import type { ConfluenceCredentials } from '../confluence/confluence-credentials.js';
import { isTimeZone } from '../confluence/cql.js';
import type { SettingValues } from './settings.js';
import { confluenceUrlProblem } from './confluence-url-check.js';
import type { ConfluenceDeployment } from '../confluence/wiki-root.js';

/** ingest, webhook, labels and demo --confluence (docs/confluence.md). */
export interface ConfluenceConfig {
  /** The site as given (wiki-root.ts adds /wiki on Cloud). Required by ingest, webhook and labels. */
  url: string | undefined;
  /** Cloud (REST under /wiki, v2 reads) or Data Center (v1 only, under the URL as given). */
  deployment: ConfluenceDeployment;
  /** Never log these. Undefined when none were given (only demo --confluence does without). */
  credentials: ConfluenceCredentials | undefined;
  spaces: string[];
  follow: boolean;
  pollIntervalMs: number;
  checkpointTopic: string;
  timeZone: string;
  maxConcurrency: number;
  maxRetries: number;
  timeoutMs: number;
  /** Never log this. */
  webhookSecret: string | undefined;
  webhook: { port: number; host: string };
  labels: {
    group: string;
    untilEnd: boolean;
    dryRun: boolean;
    stateTopic: string;
    dlqTopic: string;
  };
  demo: boolean;
}

const CONFLUENCE_COMMANDS = ['ingest', 'webhook', 'labels'];

/**
 * Which Confluence the site is, when not given: an atlassian.net site is Cloud; otherwise a
 * personal access token (Bearer) is Data Center's, and an email with an API token is Cloud's.
 */
export function confluenceDeployment(
  given: ConfluenceDeployment | undefined,
  url: string | undefined,
  credentials: ConfluenceCredentials | undefined,
): ConfluenceDeployment {
  if (given !== undefined) return given;
  if (url !== undefined && isCloudSite(url)) return 'cloud';
  return credentials?.kind === 'bearer' ? 'data-center' : 'cloud';
}

function isCloudSite(url: string): boolean {
  try {
    return /(^|\.)atlassian\.net$/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Cloud's email and API token (Basic), or Data Center's personal access token (Bearer). */
export function confluenceCredentials(command: string, v: SettingValues): ConfluenceCredentials | undefined {
  if (!CONFLUENCE_COMMANDS.includes(command)) return undefined;
  const { confluenceEmail: email, confluenceApiToken: apiToken, confluenceToken: token } = v;
  const fail = (setting: string, why: string): never => {
    throw new TagspaceError('config', `${why}`, { setting });
  };
  if (token !== undefined && (email !== undefined || apiToken !== undefined)) {
    fail(
      'CONFLUENCE_TOKEN',
      'invalid CONFLUENCE_TOKEN: set it (Data Center) or CONFLUENCE_EMAIL with CONFLUENCE_API_TOKEN (Cloud), not both',
    );
  }
  if (token !== undefined) return { kind: 'bearer', token };
  if (email !== undefined && apiToken !== undefined) return { kind: 'basic', email, apiToken };
  if (email !== undefined)
    fail('CONFLUENCE_API_TOKEN', 'missing CONFLUENCE_API_TOKEN: the API token of CONFLUENCE_EMAIL is needed');
  if (apiToken !== undefined)
    fail(
      'CONFLUENCE_EMAIL',
      'missing CONFLUENCE_EMAIL: the account CONFLUENCE_API_TOKEN belongs to is needed',
    );
  return fail(
    'CONFLUENCE_API_TOKEN',
    'missing Confluence credentials: set CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN (Cloud) or CONFLUENCE_TOKEN (Data Center)',
  );
}

/** The Confluence commands' own rules; `out`: the --out file, if any. */
export function validateConfluence(command: string, cf: ConfluenceConfig, out: string | undefined): void {
  const fail = (setting: string, message: string): never => {
    throw new TagspaceError('config', message, { setting });
  };
  if (CONFLUENCE_COMMANDS.includes(command) && cf.url === undefined) {
    fail(
      'CONFLUENCE_URL',
      'missing --confluence-url (or CONFLUENCE_URL): the Confluence site, https://SITE.atlassian.net',
    );
  }
  const problem = cf.url === undefined ? undefined : confluenceUrlProblem(cf.url, cf.deployment);
  if (problem !== undefined) {
    fail(
      'CONFLUENCE_URL',
      `invalid CONFLUENCE_URL (--confluence-url): "${cf.url}" ${problem.why}; give ${problem.meant}`,
    );
  }
  if (cf.deployment === 'cloud' && cf.credentials?.kind === 'bearer') {
    fail(
      'CONFLUENCE_TOKEN',
      'invalid CONFLUENCE_TOKEN: Confluence Cloud takes CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN; a personal access token is Data Center’s (CONFLUENCE_DEPLOYMENT)',
    );
  }
  if (command === 'ingest') {
    if (cf.spaces.length === 0)
      fail('CONFLUENCE_SPACES', 'missing --space: name at least one space key (or CONFLUENCE_SPACES)');
    const bad = cf.spaces.find((k) => !/^[A-Za-z0-9~_-]+$/.test(k));
    if (bad !== undefined) fail('CONFLUENCE_SPACES', `invalid --space: "${bad}" is not a space key`);
    if (cf.follow && out !== undefined) {
      fail(
        '--follow',
        'invalid --follow: it keeps its checkpoint in Kafka, so it needs --brokers/--topic, not --out',
      );
    }
    if (!isTimeZone(cf.timeZone))
      fail(
        'CONFLUENCE_TIME_ZONE',
        `invalid CONFLUENCE_TIME_ZONE (--cql-time-zone): "${cf.timeZone}" is not a time zone`,
      );
  }
  if (command === 'webhook' && cf.webhookSecret === undefined) {
    fail(
      'CONFLUENCE_WEBHOOK_SECRET',
      'missing CONFLUENCE_WEBHOOK_SECRET (or --secret): the secret the webhook was registered with',
    );
  }
}
