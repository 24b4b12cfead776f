import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerPaths, restartBroker, startBroker, stopBroker } from '../../scripts/kafka-broker.mjs';
import {
  MSK_ACCESS_KEY_ID,
  MSK_REGION,
  MSK_SECRET_ACCESS_KEY,
  MSK_STRANGER_ACCESS_KEY_ID,
  MSK_STRANGER_SECRET_ACCESS_KEY,
  mskIamPort,
  SECURED_PASSWORD,
  SECURED_STRANGER,
  SECURED_STRANGER_PASSWORD,
  SECURED_USER,
  securedFiles,
  securedPort,
  TOKEN_AUDIENCE,
} from '../../scripts/kafka-secured-listener.mjs';
import { REACH_DEADLINE_MS } from '../../src/kafka/reach-brokers.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { ingestArgs, labelsArgs, labelsByOwner, loopEnv, loopTopics } from '../confluence/loop-kit.js';
import { startConfluenceSim } from '../../src/sim/confluence/start-confluence-sim.js';
import { cleanEnv, runCli, spawnCli, type CliProcess, type CliResult } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { startIdentityProvider, type IdentityProvider } from '../support/identity-provider.js';
import { waitFor } from '../support/wait-for.js';
import {
  createTopics,
  privateBrokerPort,
  produceMessages,
  uniqueTopic,
  withAdmin,
} from '../support/kafka.js';
import { generateSpace } from '../../src/gen/generate-space.js';
import { pageMessage } from '../delivery/support.js';

// A broker of its own with a SASL_SSL listener (a self-signed certificate, SASL PLAIN, ACLs), beside
// the PLAINTEXT one whose anonymous clients are super users: what a hosted cluster asks of a client.
const PORT = privateBrokerPort(3);
const secured = `127.0.0.1:${securedPort(PORT)}`;
const { caFile, tokenKey } = securedFiles(brokerPaths(PORT).state);
let sim: Simulator;

beforeAll(async () => {
  await startBroker({ port: PORT, fresh: true, secured: true, log: () => undefined });
  sim = await startSimulator({
    scenario: { seed: 5, gemini: { rpm: 600, windowMs: 1000, latencyMs: { median: 20 } } },
  });
});

afterAll(async () => {
  await sim?.close();
  await stopBroker({ port: PORT, log: () => undefined });
});

function env(extra: Record<string, string>): Record<string, string> {
  return cleanEnv({ KAFKA_BROKERS: secured, GEMINI_BASE_URL: sim.geminiBaseUrl, ...extra });
}

const login = (password: string, username = SECURED_USER, mechanism = 'plain') => ({
  KAFKA_CA_FILE: caFile,
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: username,
  KAFKA_SASL_PASSWORD: password,
});

const OAUTH_SECRET = 'tagspace-oauth-test-secret';

/** An identity provider that signs with the broker's token key, for the granted user's client. */
async function identityProvider(audience: string, tokenTtlSeconds = 300): Promise<IdentityProvider> {
  const privateJwk = JSON.parse(readFileSync(tokenKey, 'utf8')) as Parameters<
    typeof startIdentityProvider
  >[0]['privateJwk'];
  return startIdentityProvider({
    privateJwk,
    clients: [{ clientId: SECURED_USER, clientSecret: OAUTH_SECRET }],
    audience,
    tokenTtlSeconds,
  });
}

const oauthLogin = (idp: IdentityProvider, secret: string) => ({
  KAFKA_CA_FILE: caFile,
  KAFKA_SASL_MECHANISM: 'oauthbearer',
  KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL: idp.tokenUrl,
  KAFKA_SASL_OAUTHBEARER_CLIENT_ID: SECURED_USER,
  KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: secret,
  KAFKA_SASL_OAUTHBEARER_SCOPE: 'kafka',
});

type Operation = keyof typeof AclOperationTypes;

/** Grants the user what docs/kafka.md's ACL table lists for gen, replay and --exactly-once. */
async function grantDocumentedAcls(t: {
  topic: string;
  tags: string;
  dlq: string;
  quota: string;
}): Promise<void> {
  await grantAcls(
    {
      [t.topic]: ['DESCRIBE', 'CREATE', 'READ', 'WRITE'],
      [t.tags]: ['DESCRIBE', 'CREATE', 'READ', 'WRITE'],
      [t.dlq]: ['DESCRIBE', 'CREATE', 'WRITE'],
      [t.quota]: ['DESCRIBE', 'CREATE', 'READ', 'WRITE'],
    },
    { transactional: true },
  );
}

/** Grants the user these operations on these topics, and the table's group rows (and transactional ids). */
async function grantAcls(
  topics: Record<string, Operation[]>,
  { transactional = false }: { transactional?: boolean } = {},
): Promise<void> {
  const acls = [
    ...Object.entries(topics).flatMap(([name, operations]) =>
      operations.map((op) => acl(AclResourceTypes.TOPIC, name, ResourcePatternTypes.LITERAL, op)),
    ),
    ...(['READ', 'DESCRIBE', 'DELETE'] as const).map((op) =>
      acl(AclResourceTypes.GROUP, 'tagspace', ResourcePatternTypes.PREFIXED, op),
    ),
    ...(transactional ? (['WRITE', 'DESCRIBE'] as const) : []).map((op) =>
      acl(AclResourceTypes.TRANSACTIONAL_ID, 'tagspace', ResourcePatternTypes.PREFIXED, op),
    ),
  ];
  const admin = new Kafka({ brokers: [`127.0.0.1:${PORT}`], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: acls });
  } finally {
    await admin.disconnect();
  }
}

function acl(
  resourceType: AclResourceTypes,
  resourceName: string,
  pattern: ResourcePatternTypes,
  op: Operation,
) {
  return {
    resourceType,
    resourceName,
    resourcePatternType: pattern,
    principal: `User:${SECURED_USER}`,
    host: '*',
    operation: AclOperationTypes[op],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

function lastLine(r: CliResult): string {
  return r.stderr.trimEnd().split('\n').at(-1) ?? '';
}

describe('a cluster that asks for TLS and a SASL login', () => {
  it('takes a generated space and tags every page of it over TLS, as a user granted only the ACLs docs/kafka.md lists', async () => {
    const topic = uniqueTopic('secured-events');
    const t = { topic, tags: `${topic}-tags`, dlq: `${topic}-dlq`, quota: `${topic}-quota` };
    await grantDocumentedAcls(t);
    const gen = await runCli(['gen', '--pages', '40', '--seed', '5', '--topic', topic], {
      env: env(login(SECURED_PASSWORD)),
    });
    expect(gen.code, gen.stderr).toBe(0);
    const topics = ['--topic', topic, '--tags-topic', t.tags, '--dlq-topic', t.dlq, '--quota-topic', t.quota];
    // Exactly-once first (transactions), then at least once, which restores the tags written.
    const runs = [
      { mode: ['--exactly-once'], expected: { events: 40, tagged: 40, dlq: 0 } },
      { mode: [], expected: { events: 40, tagged: 0, skipped: 40, dlq: 0 } },
    ];
    for (const { mode, expected } of runs) {
      const summaryPath = join(mkdtempSync(join(tmpdir(), 'secured-')), 'summary.json');
      const replay = await runCli(['replay', ...topics, ...mode, '--summary-json', summaryPath], {
        env: env(login(SECURED_PASSWORD)),
      });
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.stderr).toContain(
        `"brokers":["${secured}"],"tls":true,"sasl":"plain","user":"${SECURED_USER}","msg":"kafka reached"`,
      );
      expect(replay.stderr).not.toMatch(/"level":"(warn|error)"/);
      // docs/kafka.md's rows leave out DESCRIBE_CONFIGS: once the state topics exist (the second
      // run), the compaction check says it was skipped.
      if (mode.length === 0)
        expect(replay.stderr).toContain('"msg":"state topics not checked for compaction"');
      expect(JSON.parse(readFileSync(summaryPath, 'utf8'))).toMatchObject(expected);
      expect(replay.stdout + replay.stderr).not.toContain(SECURED_PASSWORD);
    }
  });

  it('logs in with SCRAM-SHA-256 and SCRAM-SHA-512 too, as MSK and Aiven ask', async () => {
    const topic = uniqueTopic('secured-scram');
    const t = { topic, tags: `${topic}-tags`, dlq: `${topic}-dlq`, quota: `${topic}-quota` };
    await grantDocumentedAcls(t);
    const gen = await runCli(['gen', '--pages', '5', '--seed', '6', '--topic', topic], {
      env: env(login(SECURED_PASSWORD, SECURED_USER, 'scram-sha-256')),
    });
    expect(gen.code, gen.stderr).toBe(0);
    const summaryPath = join(mkdtempSync(join(tmpdir(), 'secured-')), 'summary.json');
    const args = ['--topic', topic, '--tags-topic', t.tags, '--dlq-topic', t.dlq, '--quota-topic', t.quota];
    const replay = await runCli(['replay', ...args, '--summary-json', summaryPath], {
      env: env(login(SECURED_PASSWORD, SECURED_USER, 'scram-sha-512')),
    });
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(readFileSync(summaryPath, 'utf8'))).toMatchObject({ events: 5, tagged: 5, dlq: 0 });
    const refused = await runCli(['gen', '--pages', '1', '--topic', topic], {
      env: env(login('not-the-password', SECURED_USER, 'scram-sha-512')),
    });
    expect(refused.code).toBe(1);
    expect(lastLine(refused)).toMatch(
      /^tagspace: Kafka refused the login \(KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD\): SASL SCRAM SHA512 authentication failed/,
    );
  });

  it('takes a Confluence space through ingest, webhook, replay and labels over TLS, as a user granted only the ACLs docs/kafka.md lists', async () => {
    const t = loopTopics('secured-cf');
    const quota = `${t.events}-quota`;
    const all: Operation[] = ['DESCRIBE', 'CREATE', 'READ', 'WRITE'];
    await grantAcls({
      [t.events]: all,
      [t.tags]: all,
      [t.dlq]: ['DESCRIBE', 'CREATE', 'WRITE'],
      [quota]: all,
      [t.checkpoints]: all,
      [t.ownership]: all,
      [t.labelsDlq]: ['DESCRIBE', 'CREATE', 'WRITE'],
    });
    const wiki = await startConfluenceSim({ spaces: [{ key: 'SEC', pages: 6, seed: 4 }] });
    // Gemini alone, on this file's simulator: no OpenAI key, so nothing spills to a real endpoint.
    const { OPENAI_API_KEY: _openai, ...confluence } = loopEnv();
    const cfEnv = env({
      ...confluence,
      ...login(SECURED_PASSWORD),
      CONFLUENCE_WEBHOOK_SECRET: 'hook-s3cret',
    });
    // The loop's own argument lists, pointed at the secured listener.
    const onSecured = (args: string[]) => args.map((a, i) => (args[i - 1] === '--brokers' ? secured : a));
    const quiet = (r: { stderr: string }) => expect(r.stderr).not.toMatch(/"level":"(warn|error)"/);
    let receiver: CliProcess | undefined;
    try {
      const ingest = await runCli(onSecured(ingestArgs(wiki, t, ['SEC'])), { env: cfEnv });
      expect(ingest.code, ingest.stderr).toBe(0);
      expect(ingest.stdout).toMatch(/6 pages crawled/);
      quiet(ingest);

      const port = await freePort();
      receiver = spawnCli(
        ['webhook', '--confluence-url', wiki.url, '--port', String(port), '--host', '127.0.0.1'].concat([
          '--topic',
          t.events,
        ]),
        cfEnv,
      );
      const listening = receiver;
      await waitFor(() => listening.stdout().includes('receiving Confluence webhooks'), {
        timeoutMs: 30_000,
        message: 'the receiver to listen',
      });
      wiki.addWebhook({
        name: 'tagspace',
        url: `http://127.0.0.1:${port}/`,
        events: ['page_updated'],
        configuration: { secret: 'hook-s3cret' },
      });
      const pageIds = wiki.pages('SEC').map((p) => p.id);
      wiki.editPage(pageIds[0] as string);
      await wiki.webhooksIdle();
      // Answered 200 only once the broker acknowledged the event.
      expect(wiki.stats().webhooks).toMatchObject({ delivered: 1, failed: 0 });
      receiver.child.kill('SIGTERM');
      const stopped = await receiver.exited;
      expect(stopped.code, stopped.stderr).toBe(0);
      quiet(stopped);

      const summaryPath = join(mkdtempSync(join(tmpdir(), 'secured-')), 'summary.json');
      const topics = [
        '--topic',
        t.events,
        '--tags-topic',
        t.tags,
        '--dlq-topic',
        t.dlq,
        '--quota-topic',
        quota,
      ];
      const replay = await runCli(['replay', ...topics, '--summary-json', summaryPath], { env: cfEnv });
      expect(replay.code, replay.stderr).toBe(0);
      quiet(replay);
      // Six snapshots and the edit the webhook carried, which coalesced with its page's snapshot.
      expect(JSON.parse(readFileSync(summaryPath, 'utf8'))).toMatchObject({
        events: 7,
        tagged: 6,
        skippedBy: { coalesced: 1 },
        dlq: 0,
      });

      const labels = await runCli(onSecured(labelsArgs(wiki, t)), { env: cfEnv });
      expect(labels.code, labels.stderr).toBe(0);
      quiet(labels);
      for (const id of pageIds) expect(labelsByOwner(wiki, id).api.length, `page ${id}`).toBeGreaterThan(0);
      const printed = [ingest, stopped, replay, labels].map((r) => r.stdout + r.stderr).join('');
      expect(printed).not.toContain(SECURED_PASSWORD);
    } finally {
      receiver?.child.kill('SIGTERM');
      await receiver?.exited;
      await wiki.close();
    }
  });

  it('logs in with OAuth access tokens from an identity provider, one token a process, as Confluent Cloud and Strimzi ask', async () => {
    const idp = await identityProvider(TOKEN_AUDIENCE);
    const elsewhere = await identityProvider('another-service');
    try {
      const topic = uniqueTopic('secured-oauth');
      const t = { topic, tags: `${topic}-tags`, dlq: `${topic}-dlq`, quota: `${topic}-quota` };
      await grantDocumentedAcls(t);
      const gen = await runCli(['gen', '--pages', '6', '--seed', '7', '--topic', topic], {
        env: env(oauthLogin(idp, OAUTH_SECRET)),
      });
      expect(gen.code, gen.stderr).toBe(0);
      const summaryPath = join(mkdtempSync(join(tmpdir(), 'secured-')), 'summary.json');
      const args = ['--topic', topic, '--tags-topic', t.tags, '--dlq-topic', t.dlq, '--quota-topic', t.quota];
      const replay = await runCli(['replay', ...args, '--summary-json', summaryPath], {
        env: env(oauthLogin(idp, OAUTH_SECRET)),
      });
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.stderr).toContain(
        `"tls":true,"sasl":"oauthbearer","user":"${SECURED_USER}","msg":"kafka reached"`,
      );
      expect(replay.stderr).not.toMatch(/"level":"(warn|error)"/);
      expect(JSON.parse(readFileSync(summaryPath, 'utf8'))).toMatchObject({ events: 6, tagged: 6, dlq: 0 });
      // Every client of a process logs in with the one token it fetched.
      expect(idp.tokensIssued()).toBe(2);

      const wrongSecret = await runCli(['gen', '--pages', '1', '--topic', topic], {
        env: env(oauthLogin(idp, 'not-the-secret')),
      });
      expect(wrongSecret.code).toBe(1);
      expect(lastLine(wrongSecret)).toBe(
        `tagspace: the token endpoint ${idp.tokenUrl} refused client ${SECURED_USER} (401 invalid_client: client authentication failed): check KAFKA_SASL_OAUTHBEARER_CLIENT_ID and KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET`,
      );
      const wrongAudience = await runCli(['gen', '--pages', '1', '--topic', topic], {
        env: env(oauthLogin(elsewhere, OAUTH_SECRET)),
      });
      expect(wrongAudience.code).toBe(1);
      expect(lastLine(wrongAudience)).toMatch(
        /^tagspace: Kafka refused the login \(the token of KAFKA_SASL_OAUTHBEARER_CLIENT_ID: its scope and audience\): SASL OAUTHBEARER authentication failed/,
      );
      for (const r of [gen, replay, wrongSecret, wrongAudience]) {
        expect(r.stdout + r.stderr).not.toContain(OAUTH_SECRET);
      }
    } finally {
      await idp.close();
      await elsewhere.close();
    }
  });

  it('logs in to an MSK IAM listener with tokens signed by AWS’s signer, and names the AWS credentials when they are refused or missing', async () => {
    const msk = `127.0.0.1:${mskIamPort(PORT)}`;
    // AWS's default chain, held to the environment: no profile files, no instance role to probe.
    const aws = (keyId: string, secret: string) => ({
      KAFKA_BROKERS: msk,
      KAFKA_CA_FILE: caFile,
      KAFKA_SASL_MECHANISM: 'aws-msk-iam',
      AWS_REGION: MSK_REGION,
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...(keyId !== '' && { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret }),
    });
    const topic = uniqueTopic('secured-msk');
    const t = { topic, tags: `${topic}-tags`, dlq: `${topic}-dlq`, quota: `${topic}-quota` };
    await grantDocumentedAcls(t);
    const gen = await runCli(['gen', '--pages', '6', '--seed', '9', '--topic', topic], {
      env: env(aws(MSK_ACCESS_KEY_ID, MSK_SECRET_ACCESS_KEY)),
    });
    expect(gen.code, gen.stderr).toBe(0);
    const summaryPath = join(mkdtempSync(join(tmpdir(), 'secured-')), 'summary.json');
    const args = ['--topic', topic, '--tags-topic', t.tags, '--dlq-topic', t.dlq, '--quota-topic', t.quota];
    const replay = await runCli(['replay', ...args, '--summary-json', summaryPath], {
      env: env(aws(MSK_ACCESS_KEY_ID, MSK_SECRET_ACCESS_KEY)),
    });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).toContain(
      `"brokers":["${msk}"],"tls":true,"sasl":"aws-msk-iam","user":"AWS credentials (${MSK_REGION})","msg":"kafka reached"`,
    );
    expect(replay.stderr).not.toMatch(/"level":"(warn|error)"/);
    expect(JSON.parse(readFileSync(summaryPath, 'utf8'))).toMatchObject({ events: 6, tagged: 6, dlq: 0 });

    const wrongSecret = await runCli(['gen', '--pages', '1', '--topic', topic], {
      env: env(aws(MSK_ACCESS_KEY_ID, 'not-the-secret-access-key')),
    });
    expect(wrongSecret.code).toBe(1);
    expect(lastLine(wrongSecret)).toBe(
      'tagspace: Kafka refused the login (the AWS credentials: their IAM identity needs kafka-cluster:Connect on the cluster): SASL OAUTHBEARER authentication failed: {"status":"invalid_token"}',
    );
    // A key the cluster knows, whose identity was granted nothing: in, but refused the topic.
    const stranger = await runCli(['gen', '--pages', '1', '--topic', topic], {
      env: env(aws(MSK_STRANGER_ACCESS_KEY_ID, MSK_STRANGER_SECRET_ACCESS_KEY)),
    });
    expect(stranger.code).toBe(1);
    expect(lastLine(stranger)).toBe(
      `tagspace: Kafka refused access to topic ${topic} (TOPIC_AUTHORIZATION_FAILED): allow the IAM identity of the AWS credentials the actions in docs/kafka.md`,
    );
    const noCredentials = await runCli(['gen', '--pages', '1', '--topic', topic], { env: env(aws('', '')) });
    expect(noCredentials.code).toBe(1);
    expect(lastLine(noCredentials)).toMatch(
      /^tagspace: cannot sign an MSK IAM login in us-east-1: .* \(AWS credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a role of the pod, task or instance\)$/,
    );
    for (const r of [gen, replay, wrongSecret, stranger, noCredentials]) {
      expect(r.stdout + r.stderr).not.toContain(MSK_SECRET_ACCESS_KEY);
      expect(r.stdout + r.stderr).not.toContain('X-Amz-Signature');
    }
  });

  it('keeps consuming across the ends of its tokens, logging in again with new ones before its sessions end', async () => {
    // 25 s tokens: the broker ends each session with its token, and tagspace must log in anew.
    const idp = await identityProvider(TOKEN_AUDIENCE, 25);
    const topic = uniqueTopic('secured-oauth-run');
    const t = { topic, tags: `${topic}-tags`, dlq: `${topic}-dlq`, quota: `${topic}-quota` };
    await grantDocumentedAcls(t);
    const plaintext = [`127.0.0.1:${PORT}`];
    await createTopics([{ topic, partitions: 2 }], plaintext);
    const { events } = generateSpace({ pages: 6, seed: 8, spaceKey: 'TOK' });
    const tagged = async () =>
      withAdmin(async (admin) => {
        const offsets = await admin.fetchTopicOffsets(t.tags).catch(() => []);
        return offsets.reduce((n, o) => n + Number(o.high), 0);
      }, plaintext);
    await produceMessages(topic, events.slice(0, 3).map(pageMessage), plaintext);
    const args = ['--topic', topic, '--tags-topic', t.tags, '--dlq-topic', t.dlq, '--quota-topic', t.quota];
    const run = spawnCli(
      ['run', ...args, '--group', `tagspace-${topic}`],
      env(oauthLogin(idp, OAUTH_SECRET)),
    );
    try {
      await waitFor(async () => (await tagged()) >= 3, {
        timeoutMs: 60_000,
        message: 'the first pages tagged',
      });
      // Past two of its tokens' ends: each session was renewed before the broker closed it.
      await waitFor(() => idp.tokensIssued() >= 3, { timeoutMs: 60_000, message: 'two new tokens' });
      await produceMessages(topic, events.slice(3).map(pageMessage), plaintext);
      await waitFor(async () => (await tagged()) >= 6, {
        timeoutMs: 60_000,
        message: 'the later pages tagged',
      });
    } finally {
      run.child.kill('SIGTERM');
    }
    const stopped = await run.exited;
    await idp.close();
    expect(stopped.code, stopped.stderr.slice(-3000)).toBe(0);
    expect(stopped.stderr).not.toMatch(/"level":"(warn|error)"/);
    expect(stopped.stdout + stopped.stderr).not.toContain(OAUTH_SECRET);
  });

  it('keeps consuming with MSK IAM across the ends of tokens its short-lived credentials bound, signing new ones before its sessions end', async () => {
    // A profile whose credential_process hands out credentials that end 30 s later, as a role's
    // session does near its end: the signer's tokens then end with them, and so do the sessions.
    const dir = mkdtempSync(join(tmpdir(), 'msk-creds-'));
    const issued = join(dir, 'issued');
    writeFileSync(
      join(dir, 'creds.mjs'),
      `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(issued)}, 'x');
console.log(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(MSK_ACCESS_KEY_ID)},
  SecretAccessKey: ${JSON.stringify(MSK_SECRET_ACCESS_KEY)}, SessionToken: 'test-session-token',
  Expiration: new Date(Date.now() + 30_000).toISOString() }));
`,
    );
    writeFileSync(
      join(dir, 'config'),
      `[profile msk]\ncredential_process = ${process.execPath} ${join(dir, 'creds.mjs')}\n`,
    );
    const credentialsIssued = () => {
      try {
        return readFileSync(issued, 'utf8').length;
      } catch {
        return 0;
      }
    };
    const topic = uniqueTopic('secured-msk-run');
    const t = { topic, tags: `${topic}-tags`, dlq: `${topic}-dlq`, quota: `${topic}-quota` };
    await grantDocumentedAcls(t);
    const plaintext = [`127.0.0.1:${PORT}`];
    await createTopics([{ topic, partitions: 2 }], plaintext);
    const { events } = generateSpace({ pages: 6, seed: 10, spaceKey: 'MSK' });
    const tagged = async () =>
      withAdmin(async (admin) => {
        const offsets = await admin.fetchTopicOffsets(t.tags).catch(() => []);
        return offsets.reduce((n, o) => n + Number(o.high), 0);
      }, plaintext);
    await produceMessages(topic, events.slice(0, 3).map(pageMessage), plaintext);
    const args = ['--topic', topic, '--tags-topic', t.tags, '--dlq-topic', t.dlq, '--quota-topic', t.quota];
    const run = spawnCli(
      ['run', ...args, '--group', `tagspace-${topic}`],
      env({
        KAFKA_BROKERS: `127.0.0.1:${mskIamPort(PORT)}`,
        KAFKA_CA_FILE: caFile,
        KAFKA_SASL_MECHANISM: 'aws-msk-iam',
        AWS_REGION: MSK_REGION,
        AWS_PROFILE: 'msk',
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      }),
    );
    try {
      await waitFor(async () => (await tagged()) >= 3, {
        timeoutMs: 60_000,
        message: 'the first pages tagged',
      });
      const first = credentialsIssued();
      // Past two of its tokens' ends: each session was renewed before the broker closed it.
      await waitFor(() => credentialsIssued() >= first + 2, {
        timeoutMs: 60_000,
        message: 'two more signings',
      });
      await produceMessages(topic, events.slice(3).map(pageMessage), plaintext);
      await waitFor(async () => (await tagged()) >= 6, {
        timeoutMs: 60_000,
        message: 'the later pages tagged',
      });
    } finally {
      run.child.kill('SIGTERM');
    }
    const stopped = await run.exited;
    expect(stopped.code, stopped.stderr.slice(-3000)).toBe(0);
    expect(stopped.stderr).not.toMatch(/"level":"(warn|error)"/);
    expect(stopped.stdout + stopped.stderr).not.toContain(MSK_SECRET_ACCESS_KEY);
  });

  it('stops with one line naming the topic when the user has no ACLs for it', async () => {
    const topic = uniqueTopic('secured-stranger');
    const r = await runCli(['gen', '--pages', '3', '--topic', topic], {
      env: env(login(SECURED_STRANGER_PASSWORD, SECURED_STRANGER)),
    });
    expect(r.code).toBe(1);
    expect(lastLine(r)).toBe(
      `tagspace: Kafka refused access to topic ${topic} (TOPIC_AUTHORIZATION_FAILED): grant the user of KAFKA_SASL_USERNAME the ACLs in docs/kafka.md`,
    );
  });

  it('stops with one line naming the login settings when the password is wrong, and never prints it', async () => {
    const wrong = `wrong-${Date.now()}`;
    const r = await runCli(['replay', '--topic', uniqueTopic('secured-refused')], { env: env(login(wrong)) });
    expect(r.code).toBe(1);
    expect(lastLine(r)).toBe(
      'tagspace: Kafka refused the login (KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD): SASL PLAIN authentication failed: Authentication failed: Invalid username or password',
    );
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it("names KAFKA_CA_FILE when the broker's certificate is not one Node trusts, without waiting out the probe's deadline", async () => {
    const { KAFKA_CA_FILE: _ca, ...noCa } = login(SECURED_PASSWORD);
    const started = Date.now();
    const r = await runCli(['replay'], { env: env({ ...noCa, KAFKA_SSL: 'true' }) });
    // A refused certificate is final: start-up stops at the first refusal, not at the 8 s deadline.
    expect(Date.now() - started).toBeLessThan(REACH_DEADLINE_MS);
    expect(r.code).toBe(1);
    // Node 24 adds a hint of its own after "self-signed certificate".
    expect(lastLine(r)).toMatch(
      new RegExp(
        `^tagspace: cannot reach Kafka at ${secured} \\(KAFKA_BROKERS or --brokers\\): ${secured}'s certificate is refused: self-signed certificate.* \\(KAFKA_CA_FILE names the CA to trust\\)$`,
      ),
    );
  });

  it('names KAFKA_SSL when a TLS listener is met without it, and says so the other way round', async () => {
    const { KAFKA_CA_FILE: _ca, ...plain } = login(SECURED_PASSWORD);
    const r = await runCli(['replay'], { env: env(plain) });
    expect(r.code).toBe(1);
    expect(lastLine(r)).toContain(
      `${secured} closed the connection without a Kafka answer (a TLS listener? set KAFKA_SSL)`,
    );
    const plaintext = `127.0.0.1:${PORT}`;
    const tls = await runCli(['replay'], { env: env({ KAFKA_BROKERS: plaintext, KAFKA_SSL: 'true' }) });
    expect(tls.code).toBe(1);
    expect(lastLine(tls)).toContain(
      `${plaintext} closed the connection during the TLS handshake (not a TLS listener?)`,
    );
  });

  it("keeps its TLS listener and its logins when the test scripts' restartBroker restarts it", async () => {
    await restartBroker({ port: PORT, log: () => undefined });
    const topic = uniqueTopic('secured-restarted');
    await grantDocumentedAcls({ topic, tags: `${topic}-tags`, dlq: `${topic}-dlq`, quota: `${topic}-quota` });
    const gen = await runCli(['gen', '--pages', '2', '--topic', topic], {
      env: env(login(SECURED_PASSWORD)),
    });
    expect(gen.code, gen.stderr).toBe(0);
  });
});
