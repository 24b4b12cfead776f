import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/config.js';
import { kafkaSecurity } from '../../src/cli/kafka-security-config.js';
import { commandHelp } from '../../src/cli/help.js';
import { TagspaceError } from '../../src/model/errors.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function configError(fn: () => unknown): TagspaceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TagspaceError && err.kind === 'config') return err;
    throw err;
  }
  throw new Error('expected a config error');
}

describe('TLS and SASL settings for Kafka', () => {
  it('leave the connection plain and unauthenticated unless told otherwise', () => {
    expect(loadConfig('run', [], {}).kafka.security).toEqual({});
  });

  it('turn TLS on with KAFKA_SSL, trusting Node’s CAs, or with a CA file, trusting only it', () => {
    expect(loadConfig('replay', [], { KAFKA_SSL: 'true' }).kafka.security).toEqual({ tls: {} });
    const files: Record<string, string> = { '/etc/kafka/ca.pem': PEM };
    const v = { kafkaCaFile: '/etc/kafka/ca.pem', kafkaSsl: false } as Parameters<typeof kafkaSecurity>[1];
    expect(
      kafkaSecurity(
        'gen',
        v,
        (k) => k,
        (p) => files[p] as string,
      ),
    ).toEqual({ tls: { ca: PEM } });
  });

  it('stop start-up naming KAFKA_CA_FILE when the file cannot be read or holds no certificate', () => {
    expect(configError(() => loadConfig('run', [], { KAFKA_CA_FILE: '/nonexistent/ca.pem' })).message).toBe(
      'invalid KAFKA_CA_FILE: cannot read /nonexistent/ca.pem (ENOENT)',
    );
    expect(configError(() => loadConfig('run', ['--kafka-ca-file', 'package.json'], {})).message).toBe(
      'invalid --kafka-ca-file: package.json holds no PEM certificate',
    );
  });

  it('log in with the mechanism, user name and password given, each of the three mechanisms kafkajs speaks', () => {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512']) {
      const c = loadConfig('labels', ['--kafka-sasl-mechanism', mechanism], {
        KAFKA_SASL_USERNAME: 'svc-tagspace',
        KAFKA_SASL_PASSWORD: 'pa55word',
        CONFLUENCE_URL: 'https://wiki.corp',
        CONFLUENCE_TOKEN: 't',
      });
      expect(c.kafka.security).toEqual({
        sasl: { mechanism, username: 'svc-tagspace', password: 'pa55word' },
      });
    }
  });

  it('stop start-up when the SASL settings come incomplete, naming the one missing and never the password', () => {
    expect(
      configError(() =>
        loadConfig('run', [], { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'pa55word' }),
      ).message,
    ).toBe('invalid KAFKA_SASL_MECHANISM: plain needs KAFKA_SASL_USERNAME');
    expect(
      configError(() =>
        loadConfig('run', ['--kafka-sasl-mechanism', 'scram-sha-512', '--kafka-sasl-username', 'u'], {}),
      ).message,
    ).toBe('invalid --kafka-sasl-mechanism: scram-sha-512 needs KAFKA_SASL_PASSWORD');
    const noMechanism = configError(() => loadConfig('run', [], { KAFKA_SASL_PASSWORD: 'pa55word' })).message;
    expect(noMechanism).toBe(
      'invalid KAFKA_SASL_PASSWORD: set KAFKA_SASL_MECHANISM too (plain, scram-sha-256, scram-sha-512, oauthbearer, aws-msk-iam)',
    );
    expect(configError(() => loadConfig('run', [], { KAFKA_SASL_MECHANISM: 'gssapi' })).message).toContain(
      '"gssapi" is not one of plain, scram-sha-256, scram-sha-512',
    );
  });

  it('log in with OAuth access tokens from the endpoint, client and scope given, with SASL extensions', () => {
    const c = loadConfig('run', [], {
      KAFKA_SASL_MECHANISM: 'oauthbearer',
      KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL: 'https://idp.example.com/oauth2/token',
      KAFKA_SASL_OAUTHBEARER_CLIENT_ID: 'tagspace',
      KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: 's3cret',
      KAFKA_SASL_OAUTHBEARER_SCOPE: 'kafka',
      KAFKA_SASL_OAUTHBEARER_EXTENSIONS: 'logicalCluster=lkc-12345, identityPoolId=pool-AbCd',
    });
    expect(c.kafka.security).toEqual({
      sasl: {
        mechanism: 'oauthbearer',
        oauth: {
          tokenEndpointUrl: 'https://idp.example.com/oauth2/token',
          clientId: 'tagspace',
          clientSecret: 's3cret',
          scope: 'kafka',
          extensions: { logicalCluster: 'lkc-12345', identityPoolId: 'pool-AbCd' },
        },
      },
    });
  });

  it('stop start-up when the OAuth settings are incomplete or mixed with a password, never showing a secret', () => {
    const oauth = {
      KAFKA_SASL_MECHANISM: 'oauthbearer',
      KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL: 'https://idp.example.com/token',
      KAFKA_SASL_OAUTHBEARER_CLIENT_ID: 'tagspace',
    };
    expect(configError(() => loadConfig('run', [], oauth)).message).toBe(
      'invalid KAFKA_SASL_MECHANISM: oauthbearer needs KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET',
    );
    const withSecret = { ...oauth, KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: 's3cret' };
    expect(
      configError(() => loadConfig('run', [], { ...withSecret, KAFKA_SASL_PASSWORD: 'pa55word' })).message,
    ).toBe('invalid KAFKA_SASL_PASSWORD: oauthbearer logs in with KAFKA_SASL_OAUTHBEARER_CLIENT_ID instead');
    const plain = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' };
    expect(
      configError(() => loadConfig('run', [], { ...plain, KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: 's3cret' }))
        .message,
    ).toBe(
      'invalid KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET: plain logs in with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD; set KAFKA_SASL_MECHANISM=oauthbearer for tokens',
    );
    expect(
      configError(() => loadConfig('run', [], { ...withSecret, KAFKA_SASL_OAUTHBEARER_EXTENSIONS: 'lkc-1' }))
        .message,
    ).toBe(
      'invalid KAFKA_SASL_OAUTHBEARER_EXTENSIONS: "lkc-1" is not key=value with a key of letters only (and not "auth")',
    );
    expect(
      configError(() =>
        loadConfig('run', [], {
          ...withSecret,
          KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL: 'ftp://idp/token',
        }),
      ).message,
    ).toContain('is not an http(s) URL');
    expect(commandHelp('run')).toContain('--kafka-sasl-oauthbearer-client-secret');
  });

  it('are offered by every command that talks to Kafka, and the password is never shown in help', () => {
    for (const command of ['run', 'replay', 'gen', 'ingest', 'webhook', 'labels']) {
      expect(commandHelp(command)).toContain('--kafka-sasl-password');
    }
    expect(commandHelp('demo')).not.toContain('--kafka-ssl');
    expect(loadConfig('demo', [], { KAFKA_SASL_MECHANISM: 'plain' }).kafka.security).toEqual({});
  });

  it('log in to MSK with IAM in the region given, or the one in MSK’s broker names, over TLS', () => {
    expect(
      loadConfig('run', [], { KAFKA_SASL_MECHANISM: 'aws-msk-iam', AWS_REGION: 'eu-west-1' }).kafka.security,
    ).toEqual({ tls: {}, sasl: { mechanism: 'aws-msk-iam', aws: { region: 'eu-west-1' } } });
    expect(
      loadConfig('replay', [], { KAFKA_SASL_MECHANISM: 'aws-msk-iam', AWS_DEFAULT_REGION: 'ap-south-1' })
        .kafka.security.sasl,
    ).toEqual({ mechanism: 'aws-msk-iam', aws: { region: 'ap-south-1' } });
    const brokers =
      'b-1.tags.ab12cd.c2.kafka.us-west-2.amazonaws.com:9098,b-2.tags.ab12cd.c2.kafka.us-west-2.amazonaws.com:9098';
    expect(
      loadConfig('run', [], { KAFKA_SASL_MECHANISM: 'aws-msk-iam', KAFKA_BROKERS: brokers }).kafka.security
        .sasl,
    ).toEqual({ mechanism: 'aws-msk-iam', aws: { region: 'us-west-2' } });
    const serverless = 'boot-abc123.c2.kafka-serverless.eu-central-1.amazonaws.com:9098';
    expect(
      loadConfig('run', [], { KAFKA_SASL_MECHANISM: 'aws-msk-iam', KAFKA_BROKERS: serverless }).kafka.security
        .sasl,
    ).toEqual({ mechanism: 'aws-msk-iam', aws: { region: 'eu-central-1' } });
  });

  it('stop start-up when MSK IAM has no region to sign for, or is given a password too', () => {
    expect(
      configError(() =>
        loadConfig('run', [], { KAFKA_SASL_MECHANISM: 'aws-msk-iam', KAFKA_BROKERS: 'b1:9098' }),
      ).message,
    ).toBe('invalid KAFKA_SASL_MECHANISM: aws-msk-iam needs AWS_REGION (the cluster’s region)');
    expect(
      configError(() =>
        loadConfig('run', [], {
          KAFKA_SASL_MECHANISM: 'aws-msk-iam',
          AWS_REGION: 'us-east-1',
          KAFKA_SASL_PASSWORD: 'pa55word',
        }),
      ).message,
    ).toBe('invalid KAFKA_SASL_PASSWORD: aws-msk-iam logs in with AWS credentials instead');
  });
});
