/** The SASL mechanisms tagspace speaks, as the settings name them. */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** The mechanisms that log in with a user name and a password. */
export type PasswordMechanism = Exclude<SaslMechanism, 'oauthbearer'>;

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

/** How the clients log in: a user and a password, or an OAuth client's access tokens. */
export type SaslCredentials =
  | { [M in PasswordMechanism]: { mechanism: M; username: string; password: string } }[PasswordMechanism]
  | { mechanism: 'oauthbearer'; oauth: OAuthClientCredentials };

/**
 * How tagspace's Kafka clients meet a cluster that asks for more than a plain connection, as
 * hosted clusters do (Confluent Cloud: TLS and PLAIN or OAUTHBEARER; MSK and Aiven: TLS and
 * SCRAM). Absent parts are off: no `tls` = plaintext, no `sasl` = no authentication.
 */
export interface KafkaSecurity {
  /** TLS to every broker; `ca` (PEM) is trusted instead of Node's CAs, for a private CA. */
  tls?: { ca?: string };
  /** Never log the password or the client secret: they are the keys to the cluster. */
  sasl?: SaslCredentials;
}

/** Who logs in, for a log line: the user, or the OAuth client; never a secret. */
export function saslIdentity(sasl: SaslCredentials): string {
  return sasl.mechanism === 'oauthbearer' ? sasl.oauth.clientId : sasl.username;
}
