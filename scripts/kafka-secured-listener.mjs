// A SASL_SSL listener for a test broker (scripts/kafka-broker.mjs, `secured: true`): TLS with a
// self-signed certificate made once per broker by the JDK's keytool, SASL for two users (PLAIN,
// and SCRAM-SHA-256 and -512 with the same passwords, stored when the log dir is formatted),
// OAUTHBEARER for access tokens signed by a key made once per broker (Kafka's own validator reads
// its public half from a JWKS file; a test's identity provider signs with the private half; a
// session ends with its token, as hosted clusters end them, so clients must log in again), and
// Kafka's ACLs (StandardAuthorizer), which grant the users nothing until someone does. It stands
// beside the broker's PLAINTEXT listener, whose anonymous clients are super users (the probe,
// inter-broker traffic, a test granting ACLs), so only the users meet TLS, SASL and ACLs: what a
// hosted Kafka asks of a client. A second SASL_SSL listener, MSK_IAM, takes Amazon MSK IAM tokens
// (SigV4-presigned URLs over OAUTHBEARER, as aws-msk-iam-sasl-signer-js makes them), checked by
// msk-iam/MskIamTestValidator.java as AWS would check them, since real MSK checks them out of reach.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The users the listener knows; test credentials for a loopback broker, nothing else. */
export const SECURED_USER = 'tagspace';
export const SECURED_PASSWORD = 'tagspace-test-password';
export const SECURED_STRANGER = 'stranger';
export const SECURED_STRANGER_PASSWORD = 'stranger-test-password';
const STORE_PASSWORD = 'tagspace-test-keystore';

/**
 * The MSK IAM listener's AWS credentials (made-up keys the validator knows, nothing AWS knows): the
 * first signs in as SECURED_USER, the second as SECURED_STRANGER; and the region the tokens name.
 */
export const MSK_ACCESS_KEY_ID = 'AKIATAGSPACETEST0001';
export const MSK_SECRET_ACCESS_KEY = 'tagspace/msk+iam+test+secret+access+key0';
export const MSK_STRANGER_ACCESS_KEY_ID = 'AKIATAGSPACETEST0002';
export const MSK_STRANGER_SECRET_ACCESS_KEY = 'stranger/msk+iam+test+secret+access+key';
export const MSK_REGION = 'us-east-1';
const MSK_IAM_VALIDATOR = fileURLToPath(new URL('./msk-iam/MskIamTestValidator.java', import.meta.url));

/** The listener's port: two above the broker's (the controller has the one between). */
export function securedPort(port) {
  return port + 2;
}

/** The MSK IAM listener's port: three above the broker's (past the controller and SASL_SSL). */
export function mskIamPort(port) {
  return port + 3;
}

/**
 * The listener's files in a broker's state directory: the certificate (PKCS12 keystore and its
 * PEM), the token-signing key (the private JWK a test's identity provider signs with, the public
 * JWKS the broker verifies with), and the compiled MSK IAM validator (a class dir for the JVM).
 */
export function securedFiles(state) {
  return {
    keystore: path.join(state, 'broker.p12'),
    caFile: path.join(state, 'broker-ca.pem'),
    tokenKey: path.join(state, 'token-signing-key.json'),
    jwks: path.join(state, 'token-jwks.json'),
    mskIamClasses: path.join(state, 'msk-iam-classes'),
  };
}

/** The audience the broker expects in an access token. */
export const TOKEN_AUDIENCE = 'kafka';

/** Makes the token-signing key pair unless the state has one: RS256, as identity providers sign. */
export function ensureTokenKey(state) {
  const { tokenKey, jwks } = securedFiles(state);
  if (fs.existsSync(tokenKey) && fs.existsSync(jwks)) return;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const meta = { kid: 'tagspace-test-idp', alg: 'RS256', use: 'sig' };
  fs.writeFileSync(tokenKey, JSON.stringify({ ...privateKey.export({ format: 'jwk' }), ...meta }));
  fs.writeFileSync(jwks, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), ...meta }] }));
}

function jdkTool(name) {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', name) : name;
}

function keytool() {
  return jdkTool('keytool');
}

function run(args) {
  const res = spawnSync(keytool(), args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    throw new Error(`keytool ${args[0]} failed: ${res.error?.message ?? `${res.stdout}${res.stderr}`}`);
  }
}

/** Makes the self-signed certificate for 127.0.0.1 (and localhost) unless the state has one. */
export function ensureCertificate(state) {
  const { keystore, caFile } = securedFiles(state);
  if (fs.existsSync(keystore) && fs.existsSync(caFile)) return;
  fs.rmSync(keystore, { force: true });
  const store = ['-keystore', keystore, '-storetype', 'PKCS12', '-storepass', STORE_PASSWORD];
  run(
    [
      '-genkeypair',
      ...store,
      '-alias',
      'broker',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-validity',
      '3650',
    ].concat([
      '-dname',
      'CN=127.0.0.1',
      '-ext',
      'SAN=ip:127.0.0.1,dns:localhost',
      '-keypass',
      STORE_PASSWORD,
    ]),
  );
  run(['-exportcert', ...store, '-alias', 'broker', '-rfc', '-file', caFile]);
}

/**
 * Compiles the MSK IAM validator against Kafka's jars (`libs`) into the state directory unless its
 * class is newer than its source; returns the class dir, for the broker JVM's classpath.
 */
export function ensureMskIamValidator(state, libs) {
  const { mskIamClasses } = securedFiles(state);
  const built = path.join(mskIamClasses, 'MskIamTestValidator.class');
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs > fs.statSync(MSK_IAM_VALIDATOR).mtimeMs) {
    return mskIamClasses;
  }
  fs.rmSync(mskIamClasses, { recursive: true, force: true });
  const args = ['-nowarn', '-cp', path.join(libs, '*'), '-d', mskIamClasses, MSK_IAM_VALIDATOR];
  const res = spawnSync(jdkTool('javac'), args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    fs.rmSync(mskIamClasses, { recursive: true, force: true });
    throw new Error(
      `javac MskIamTestValidator.java failed: ${res.error?.message ?? `${res.stdout}${res.stderr}`}`,
    );
  }
  return mskIamClasses;
}

/** The StorageTool's arguments that store both users' SCRAM credentials (KIP-900), both hashes. */
export function scramUsers() {
  const users = [
    [SECURED_USER, SECURED_PASSWORD],
    [SECURED_STRANGER, SECURED_STRANGER_PASSWORD],
  ];
  return ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((hash) =>
    users.flatMap(([name, password]) => ['--add-scram', `${hash}=[name=${name},password=${password}]`]),
  );
}

/**
 * server.properties lines that add the listeners (SASL_SSL and MSK_IAM); `listeners` and the map
 * are the caller's to join. MSK_IAM's validator is also its login callback handler (see the class),
 * and reads the credentials from its JAAS options; its class dir must be on the broker's classpath.
 */
export function securedProperties(port, state, host) {
  const { keystore, jwks } = securedFiles(state);
  const mskCredentials = [
    [MSK_ACCESS_KEY_ID, MSK_SECRET_ACCESS_KEY, SECURED_USER],
    [MSK_STRANGER_ACCESS_KEY_ID, MSK_STRANGER_SECRET_ACCESS_KEY, SECURED_STRANGER],
  ]
    .map((c) => c.join(':'))
    .join(',');
  return {
    listener: `SASL_SSL://${host}:${securedPort(port)},MSK_IAM://${host}:${mskIamPort(port)}`,
    protocol: 'SASL_SSL:SASL_SSL,MSK_IAM:SASL_SSL',
    lines: `sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER
listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;
listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler
sasl.oauthbearer.jwks.endpoint.url=file://${jwks}
sasl.oauthbearer.expected.audience=${TOKEN_AUDIENCE}
listener.name.sasl_ssl.oauthbearer.connections.max.reauth.ms=3600000
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${SECURED_USER}="${SECURED_PASSWORD}" user_${SECURED_STRANGER}="${SECURED_STRANGER_PASSWORD}";
listener.name.msk_iam.sasl.enabled.mechanisms=OAUTHBEARER
listener.name.msk_iam.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required credentials="${mskCredentials}";
listener.name.msk_iam.oauthbearer.sasl.server.callback.handler.class=MskIamTestValidator
listener.name.msk_iam.oauthbearer.sasl.login.callback.handler.class=MskIamTestValidator
listener.name.msk_iam.oauthbearer.connections.max.reauth.ms=3600000
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS
ssl.keystore.type=PKCS12
ssl.keystore.location=${keystore}
ssl.keystore.password=${STORE_PASSWORD}
ssl.key.password=${STORE_PASSWORD}
`,
  };
}
