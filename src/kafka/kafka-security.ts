/** The SASL mechanisms tagspace speaks, as the settings name them. */
export const SASL_MECHANISMS = [
  'plain',
  'scram-sha-256',
  'scram-sha-512',
  'oauthbearer',
  'aws-msk-iam',
] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** The mechanisms that log in with a user name and a password. */
export type PasswordMechanism = Exclude<SaslMechanism, 'oauthbearer' | 'aws-msk-iam'>;

/**
 * An OAuth 2.0 client that gets its access tokens with the client-credentials grant (RFC 6749
 * §4.4), as Kafka's own client does for OAUTHBEARER (KIP-768): Confluent Cloud, Strimzi with
 * Keycloak, any OIDC provider. Never log the secret.
 */
export interface OAuthClientCredentials {
  tokenEndpointUrl: string;
  clientId: string;
  clientSecret: string;
  /** Asked for in the token request when set. */
  scope?: string;
  /** SASL extensions sent beside the token (Confluent Cloud: logicalCluster, identityPoolId). */
  extensions?: Record<string, string>;
}

/**
 * Amazon MSK's IAM login: tokens signed with the credentials of AWS's default chain (environment,
 * profile, web identity, container or instance role) for the cluster's region.
 */
export interface AwsIamLogin {
  region: string;
}

/** How the clients log in: a user and a password, an OAuth client's access tokens, or AWS IAM. */
export type SaslCredentials =
  | { [M in PasswordMechanism]: { mechanism: M; username: string; password: string } }[PasswordMechanism]
  | { mechanism: 'oauthbearer'; oauth: OAuthClientCredentials }
  | { mechanism: 'aws-msk-iam'; aws: AwsIamLogin };

/**
 * How tagspace's Kafka clients meet a cluster that asks for more than a plain connection, as
 * hosted clusters do (Confluent Cloud: TLS and PLAIN or OAUTHBEARER; MSK: TLS and SCRAM or IAM;
 * Aiven: TLS and SCRAM). Absent parts are off: no `tls` = plaintext, no `sasl` = no authentication.
 */
export interface KafkaSecurity {
  /** TLS to every broker; `ca` (PEM) is trusted instead of Node's CAs, for a private CA. */
  tls?: { ca?: string };
  /** Never log the password or the client secret: they are the keys to the cluster. */
  sasl?: SaslCredentials;
}

/** Who logs in, for a log line: the user, the OAuth client, or where AWS credentials come from; never a secret. */
export function saslIdentity(sasl: SaslCredentials): string {
  if (sasl.mechanism === 'oauthbearer') return sasl.oauth.clientId;
  if (sasl.mechanism === 'aws-msk-iam') return `AWS credentials (${sasl.aws.region})`;
  return sasl.username;
}
