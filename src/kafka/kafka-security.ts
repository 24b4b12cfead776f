/** The SASL mechanisms kafkajs speaks without a plug-in, as the settings name them. */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** One user's credentials for one mechanism (a union, as kafkajs types its options). */
export type SaslCredentials = {
  [M in SaslMechanism]: { mechanism: M; username: string; password: string };
}[SaslMechanism];

/**
 * How tagspace's Kafka clients meet a cluster that asks for more than a plain connection, as
 * hosted clusters do (Confluent Cloud: TLS and PLAIN; MSK and Aiven: TLS and SCRAM). Absent
 * parts are off: no `tls` = plaintext, no `sasl` = no authentication.
 */
export interface KafkaSecurity {
  /** TLS to every broker; `ca` (PEM) is trusted instead of Node's CAs, for a private CA. */
  tls?: { ca?: string };
  /** Never log the password: it is the key to the cluster. */
  sasl?: SaslCredentials;
}
