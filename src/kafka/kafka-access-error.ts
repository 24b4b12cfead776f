import { TagspaceError } from '../model/errors.js';

/**
 * A refusal by the cluster that no retry mends, as one line that names what to fix, or undefined
 * for any other error. kafkajs wraps its errors (a refused login arrives inside "retries
 * exceeded"), so the chain of causes is searched:
 *
 *   KafkaJSSASLAuthenticationError → the SASL user name or password
 */
export function kafkaAccessError(err: unknown): TagspaceError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; depth++) {
    const { name, message } = e;
    if (name === 'KafkaJSSASLAuthenticationError') {
      const setting = 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD';
      return new TagspaceError('auth', `Kafka refused the login (${setting}): ${message}`, {
        setting,
        cause: err,
      });
    }
    e =
      (e as { cause?: unknown; originalError?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError;
  }
  return undefined;
}
