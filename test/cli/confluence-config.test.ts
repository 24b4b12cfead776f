import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/config.js';
import { commandHelp } from '../../src/cli/help.js';
import type { ConfluenceCredentials } from '../../src/confluence/confluence-credentials.js';
import { responseError } from '../../src/confluence/response-error.js';

const cloud = {
  CONFLUENCE_URL: 'https://acme.atlassian.net/wiki/',
  CONFLUENCE_EMAIL: 'me@acme.com',
  CONFLUENCE_API_TOKEN: 'ATATT-secret',
};

function failure(command: string, argv: string[], env: Record<string, string>): string {
  try {
    loadConfig(command, argv, env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a config error');
}

describe('the Confluence settings', () => {
  it('takes --space repeated, comma-separated, or both', () => {
    const c = loadConfig('ingest', ['--space', 'DEV', '--space', 'OPS,HR'], cloud);
    expect(c.confluence.spaces).toEqual(['DEV', 'OPS', 'HR']);
    expect(loadConfig('ingest', [], { ...cloud, CONFLUENCE_SPACES: 'A,B' }).confluence.spaces).toEqual([
      'A',
      'B',
    ]);
  });

  it('reads Cloud credentials as Basic and a personal access token as Bearer', () => {
    expect(loadConfig('labels', [], cloud).confluence.credentials).toEqual({
      kind: 'basic',
      email: 'me@acme.com',
      apiToken: 'ATATT-secret',
    });
    const dc = loadConfig('labels', [], { CONFLUENCE_URL: 'https://wiki.corp', CONFLUENCE_TOKEN: 'pat' });
    expect(dc.confluence.credentials).toEqual({ kind: 'bearer', token: 'pat' });
  });

  it('takes a personal access token for Data Center and an API token for Cloud, unless told which', () => {
    expect(loadConfig('labels', [], cloud).confluence.deployment).toBe('cloud');
    const pat = { CONFLUENCE_URL: 'https://wiki.corp/confluence', CONFLUENCE_TOKEN: 'pat' };
    expect(loadConfig('labels', [], pat).confluence.deployment).toBe('data-center');
    // A Data Center site with a Basic login says so.
    const basicDc = { ...cloud, CONFLUENCE_URL: 'https://wiki.corp', CONFLUENCE_DEPLOYMENT: 'data-center' };
    expect(loadConfig('labels', [], basicDc).confluence.deployment).toBe('data-center');
    expect(
      loadConfig('labels', ['--confluence-deployment', 'cloud'], {
        ...cloud,
        CONFLUENCE_URL: 'https://x.test',
      }).confluence.deployment,
    ).toBe('cloud');
  });

  it('tells a refused Data Center Basic login to check its user name and password, not an API token', () => {
    const basicDc = { ...cloud, CONFLUENCE_URL: 'https://wiki.corp', CONFLUENCE_DEPLOYMENT: 'data-center' };
    const refused = { method: 'GET', path: '/rest/api/space', status: 401, headers: new Headers(), body: '' };
    const at = { credentialsProven: false, now: 0 };
    const dc = loadConfig('labels', [], basicDc).confluence.credentials as ConfluenceCredentials;
    expect(responseError(refused, dc, at).message).toBe(
      'Confluence refused the credentials (HTTP 401 on GET /rest/api/space): check CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN (the user name and password of a Data Center login)',
    );
    const onCloud = loadConfig('labels', [], cloud).confluence.credentials as ConfluenceCredentials;
    expect(responseError(refused, onCloud, at).message).toMatch(
      /\(an API token of that Atlassian account\)$/,
    );
  });

  it('refuses a personal access token for a Cloud site, naming the setting, without the token', () => {
    const message = failure('labels', [], {
      CONFLUENCE_URL: 'https://acme.atlassian.net',
      CONFLUENCE_TOKEN: 'pat-secret',
    });
    expect(message).toMatch(
      /^invalid CONFLUENCE_TOKEN: Confluence Cloud takes CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN/,
    );
    expect(message).not.toContain('pat-secret');
    expect(
      failure('labels', ['--confluence-deployment', 'dc'], {
        CONFLUENCE_URL: 'https://wiki.corp',
        CONFLUENCE_TOKEN: 't',
      }),
    ).toMatch(/^invalid --confluence-deployment/);
  });

  it('names the missing setting in one line', () => {
    expect(failure('ingest', ['--space', 'DEV'], { CONFLUENCE_URL: 'https://a.atlassian.net' })).toMatch(
      /^missing Confluence credentials: set CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN/,
    );
    expect(
      failure('ingest', ['--space', 'DEV'], {
        CONFLUENCE_URL: 'https://a.atlassian.net',
        CONFLUENCE_EMAIL: 'x',
      }),
    ).toMatch(/^missing CONFLUENCE_API_TOKEN/);
    expect(failure('ingest', ['--space', 'DEV'], cloudWithout('CONFLUENCE_URL'))).toMatch(
      /^missing --confluence-url/,
    );
    // An empty value is a bad value, as an empty flag would be, not an absent one.
    expect(failure('ingest', ['--space', 'DEV'], { ...cloud, CONFLUENCE_URL: '' })).toMatch(
      /^invalid CONFLUENCE_URL \(--confluence-url\): must not be empty/,
    );
    expect(failure('ingest', [], cloud)).toMatch(/^missing --space/);
    expect(failure('webhook', [], cloud)).toMatch(/^missing CONFLUENCE_WEBHOOK_SECRET/);
  });

  it('refuses both kinds of credentials at once, --follow with --out, a bad space key and an unknown time zone', () => {
    expect(failure('labels', [], { ...cloud, CONFLUENCE_TOKEN: 'pat' })).toMatch(/not both/);
    expect(failure('ingest', ['--space', 'DEV', '--follow', '--out', 'x.jsonl'], cloud)).toMatch(
      /--follow.*Kafka/,
    );
    expect(failure('ingest', ['--space', 'DE V'], cloud)).toMatch(/invalid --space/);
    expect(failure('ingest', ['--space', 'DEV', '--cql-time-zone', 'Mars/Olympus'], cloud)).toMatch(
      /CONFLUENCE_TIME_ZONE/,
    );
  });

  it('never puts a token into an error or into --help', () => {
    expect(failure('labels', [], { ...cloud, CONFLUENCE_TOKEN: 'pat-secret' })).not.toMatch(
      /ATATT-secret|pat-secret/,
    );
    expect(commandHelp('ingest')).toMatch(/CONFLUENCE_API_TOKEN/);
  });

  it('gives each command its own defaults: the labels group is not the pipeline’s', () => {
    const c = loadConfig('labels', [], cloud);
    expect(c.confluence.labels).toMatchObject({ group: 'tagspace-labels', untilEnd: false, dryRun: false });
    expect(c.kafka.group).toBe('tagspace');
    expect(
      loadConfig('webhook', [], { ...cloud, CONFLUENCE_WEBHOOK_SECRET: 's' }).confluence.webhook,
    ).toEqual({ port: 8090, host: '0.0.0.0' });
  });

  it('lets every long-running service be told how long it may take to stop, as an orchestrator needs', () => {
    const env = { ...cloud, CONFLUENCE_WEBHOOK_SECRET: 's', CONFLUENCE_SPACES: 'DEV' };
    for (const command of ['ingest', 'webhook', 'labels']) {
      expect(loadConfig(command, [], env).shutdownTimeoutMs, command).toBe(30_000);
      expect(loadConfig(command, ['--shutdown-timeout-ms', '5000'], env).shutdownTimeoutMs, command).toBe(
        5000,
      );
      const fromEnv = { ...env, TAGSPACE_SHUTDOWN_TIMEOUT_MS: '7000' };
      expect(loadConfig(command, [], fromEnv).shutdownTimeoutMs, command).toBe(7000);
    }
  });
});

function cloudWithout(name: string): Record<string, string> {
  const env: Record<string, string> = { ...cloud };
  delete env[name];
  return env;
}
