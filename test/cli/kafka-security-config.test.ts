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
        CONFLUENCE_URL: 'https://x.atlassian.net',
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
      'invalid KAFKA_SASL_PASSWORD: set KAFKA_SASL_MECHANISM too (plain, scram-sha-256 or scram-sha-512)',
    );
    expect(configError(() => loadConfig('run', [], { KAFKA_SASL_MECHANISM: 'gssapi' })).message).toContain(
      '"gssapi" is not one of plain, scram-sha-256, scram-sha-512',
    );
  });

  it('are offered by every command that talks to Kafka, and the password is never shown in help', () => {
    for (const command of ['run', 'replay', 'gen', 'ingest', 'webhook', 'labels']) {
      expect(commandHelp(command)).toContain('--kafka-sasl-password');
    }
    expect(commandHelp('demo')).not.toContain('--kafka-ssl');
    expect(loadConfig('demo', [], { KAFKA_SASL_MECHANISM: 'plain' }).kafka.security).toEqual({});
  });
});
