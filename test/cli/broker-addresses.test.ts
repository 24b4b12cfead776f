import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { validateBrokers } from '../../src/cli/broker-addresses.js';

function problem(broker: string): string | undefined {
  try {
    validateBrokers([broker], '--brokers');
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(TagspaceError);
    expect(err).toMatchObject({ kind: 'config', setting: '--brokers' });
    return (err as Error).message;
  }
}

describe('validateBrokers', () => {
  it('accepts host:port, a host alone, and a bracketed IPv6 address with or without a port', () => {
    for (const ok of [
      'localhost:9092',
      'kafka-0.kafka.svc:9093',
      'broker',
      '10.0.0.7:19092',
      '[::1]:9092',
      '[fe80::1]',
    ])
      expect(problem(ok), ok).toBeUndefined();
  });

  it('refuses a URL, naming the host:port it most likely meant', () => {
    expect(problem('http://127.0.0.1:19092')).toBe(
      'invalid --brokers: "http://127.0.0.1:19092" is a URL; Kafka takes host:port (127.0.0.1:19092)',
    );
    expect(problem('SASL_SSL://pkc-1.confluent.cloud:9092/')).toContain('(pkc-1.confluent.cloud:9092)');
  });

  it('refuses a port that is not one, and a bare IPv6 address', () => {
    for (const bad of ['host:abc', 'host:0', 'host:65536', 'host:', ':9092'])
      expect(problem(bad), bad).toMatch(/has no valid port|is not host:port/);
    expect(problem('::1')).toBe(
      'invalid --brokers: "::1" is not host:port (an IPv6 address goes in brackets: [::1]:9092)',
    );
  });

  it('checks every server of the list', () => {
    expect(() => validateBrokers(['a:9092', 'b:x'], 'KAFKA_BROKERS')).toThrow('invalid KAFKA_BROKERS: "b:x"');
  });
});
