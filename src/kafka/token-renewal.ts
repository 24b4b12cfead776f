/**
 * When a Kafka login token is renewed: not in the last fifth of its life, nor within 20 s of its
 * end, since kafkajs logs in again 10 s before a session ends and a session ends with its token,
 * so a token nearer its end would have every request log in again:
 *
 *   renewAt = expiresAt − max(0.2 · (expiresAt − issuedAt), 20 s)
 */
const LAST_SHARE = 0.2;
const LAST_MS = 20_000;

export function renewalTime(issuedAt: number, expiresAt: number): number {
  return expiresAt - Math.max(LAST_SHARE * (expiresAt - issuedAt), LAST_MS);
}
