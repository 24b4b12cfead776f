import { readFileSync } from 'node:fs';
import { TagspaceError } from '../model/errors.js';
import { SASL_MECHANISMS, type KafkaSecurity } from '../kafka/kafka-security.js';
import { KAFKA_COMMANDS, type SettingValues } from './settings.js';

/**
 * TLS and SASL for the Kafka clients, from KAFKA_SSL, KAFKA_CA_FILE and KAFKA_SASL_*: the CA file
 * read once, here, and the settings of the chosen mechanism all given (a user and a password, an
 * OAuth client's endpoint, id and secret, or for MSK's IAM login a region), none of another's. `named` says where a value came from
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
  const mechanism = v.kafkaSaslMechanism;
  const password = ['kafkaSaslUsername', 'kafkaSaslPassword'] as const;
  const oauth = [
    'kafkaOauthTokenEndpointUrl',
    'kafkaOauthClientId',
    'kafkaOauthClientSecret',
    'kafkaOauthScope',
    'kafkaOauthExtensions',
  ] as const;
  const stray = (keys: readonly (keyof SettingValues)[]) => keys.find((k) => v[k] !== undefined);
  if (mechanism === undefined) {
    const given = stray([...password, ...oauth]);
    if (given !== undefined) fail(given, `set KAFKA_SASL_MECHANISM too (${SASL_MECHANISMS.join(', ')})`);
    return security;
  }
  if (mechanism === 'oauthbearer') {
    const given = stray(password);
    if (given !== undefined) fail(given, 'oauthbearer logs in with KAFKA_SASL_OAUTHBEARER_CLIENT_ID instead');
    const need = (key: (typeof oauth)[number], name: string) =>
      (v[key] as string | undefined) ?? fail('kafkaSaslMechanism', `oauthbearer needs ${name}`);
    security.sasl = {
      mechanism,
      oauth: {
        tokenEndpointUrl: need('kafkaOauthTokenEndpointUrl', 'KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL'),
        clientId: need('kafkaOauthClientId', 'KAFKA_SASL_OAUTHBEARER_CLIENT_ID'),
        clientSecret: need('kafkaOauthClientSecret', 'KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET'),
        ...(v.kafkaOauthScope !== undefined && { scope: v.kafkaOauthScope as string }),
        ...(v.kafkaOauthExtensions !== undefined && {
          extensions: extensionsOf(v.kafkaOauthExtensions as string[], (why) =>
            fail('kafkaOauthExtensions', why),
          ),
        }),
      },
    };
    return security;
  }
  if (mechanism === 'aws-msk-iam') {
    const given = stray([...password, ...oauth]);
    if (given !== undefined) fail(given, 'aws-msk-iam logs in with AWS credentials instead');
    const region =
      (v.kafkaAwsRegion as string | undefined) ??
      regionOfBrokers(v.brokers as string[] | undefined) ??
      fail('kafkaSaslMechanism', 'aws-msk-iam needs AWS_REGION (the cluster’s region)');
    // MSK's IAM listeners (port 9098, 9198 public) are TLS only.
    security.tls ??= {};
    security.sasl = { mechanism, aws: { region } };
    return security;
  }
  const given = stray(oauth);
  if (given !== undefined)
    fail(
      given,
      `${mechanism} logs in with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD; set KAFKA_SASL_MECHANISM=oauthbearer for tokens`,
    );
  const { kafkaSaslUsername: username, kafkaSaslPassword: pass } = v;
  if (username === undefined) fail('kafkaSaslMechanism', `${mechanism} needs KAFKA_SASL_USERNAME`);
  if (pass === undefined) fail('kafkaSaslMechanism', `${mechanism} needs KAFKA_SASL_PASSWORD`);
  security.sasl = { mechanism, username: username as string, password: pass as string };
  return security;
}

/** The region in MSK's broker names: b-1.NAME.ID.c2.kafka.us-east-1.amazonaws.com, or …kafka-serverless…. */
function regionOfBrokers(brokers: readonly string[] | undefined): string | undefined {
  for (const broker of brokers ?? []) {
    const found = /\.kafka(?:-serverless)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?(?::\d+)?$/i.exec(broker);
    if (found !== null) return found[1]?.toLowerCase();
  }
  return undefined;
}

/** `key=value` pairs as SASL extensions: names of letters only (RFC 7628 §3.1), no `auth`. */
function extensionsOf(pairs: readonly string[], fail: (why: string) => never): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const [key, value] = at < 0 ? [pair, ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    if (!/^[A-Za-z]+$/.test(key) || key === 'auth' || value === '') {
      fail(`"${pair}" is not key=value with a key of letters only (and not "auth")`);
    }
    out[key] = value;
  }
  return out;
}
