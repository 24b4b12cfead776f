import { readFileSync } from 'node:fs';
import { TagspaceError } from '../model/errors.js';
import type { KafkaSecurity } from '../kafka/kafka-security.js';
import { KAFKA_COMMANDS, type SettingValues } from './settings.js';

/**
 * TLS and SASL for the Kafka clients, from KAFKA_SSL, KAFKA_CA_FILE and KAFKA_SASL_*: the CA file
 * read once, here, and the SASL settings all given or none. `named` says where a value came from
 * (`--flag`, or `VAR (--flag)`) for the one-line error.
 */
export function kafkaSecurity(
  command: string,
  v: SettingValues,
  named: (key: string) => string,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): KafkaSecurity {
  if (!(KAFKA_COMMANDS as readonly string[]).includes(command)) return {};
  const fail = (key: string, why: string): never => {
    throw new TagspaceError('config', `invalid ${named(key)}: ${why}`, { setting: named(key) });
  };
  const security: KafkaSecurity = {};
  if (v.kafkaCaFile !== undefined) {
    let pem = '';
    try {
      pem = readFile(v.kafkaCaFile);
    } catch (err) {
      fail(
        'kafkaCaFile',
        `cannot read ${v.kafkaCaFile} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      fail('kafkaCaFile', `${v.kafkaCaFile} holds no PEM certificate`);
    security.tls = { ca: pem };
  } else if (v.kafkaSsl) {
    security.tls = {};
  }
  const { kafkaSaslMechanism: mechanism, kafkaSaslUsername: username, kafkaSaslPassword: password } = v;
  if (mechanism === undefined) {
    if (username !== undefined)
      fail('kafkaSaslUsername', 'set KAFKA_SASL_MECHANISM too (plain, scram-sha-256 or scram-sha-512)');
    if (password !== undefined)
      fail('kafkaSaslPassword', 'set KAFKA_SASL_MECHANISM too (plain, scram-sha-256 or scram-sha-512)');
    return security;
  }
  if (username === undefined) fail('kafkaSaslMechanism', `${mechanism} needs KAFKA_SASL_USERNAME`);
  if (password === undefined) fail('kafkaSaslMechanism', `${mechanism} needs KAFKA_SASL_PASSWORD`);
  security.sasl = { mechanism, username: username as string, password: password as string };
  return security;
}
