import { TagspaceError } from '../model/errors.js';
import type { SaslMechanism } from './kafka-security.js';

/**
 * A refusal by the cluster that no retry mends, as one line that names what to fix, or undefined
 * for any other error. kafkajs wraps its errors (a refused login arrives inside "retries
 * exceeded", a refused topic among "Topic creation errors"), so causes and aggregates are searched:
 *
 *   KafkaJSSASLAuthenticationError            → the SASL user name or password (OAUTHBEARER: the
 *                                               client's token)
 *   a protocol error *_AUTHORIZATION_FAILED   → that user's ACLs on the topic (named when known),
 *                                               group, transactional id or cluster
 *   KafkaJSGroupCoordinatorNotFound           → likely a group or transactional-id ACL: kafkajs
 *                                               drops the refusal it met and says only this
 *
 * With MSK's IAM login (`mechanism` aws-msk-iam) the user is the AWS credentials' IAM identity and
 * its ACLs are the actions its IAM policy allows.
 */
export function kafkaAccessError(err: unknown, mechanism?: SaslMechanism): TagspaceError | undefined {
  const found = refusal(err, 0);
  if (found === undefined) return undefined;
  const iam = mechanism === 'aws-msk-iam';
  const grant = iam
    ? { setting: 'AWS credentials', who: 'allow the IAM identity of the AWS credentials', what: 'actions' }
    : { setting: 'KAFKA_SASL_USERNAME', who: 'grant the user of KAFKA_SASL_USERNAME', what: 'ACLs' };
  if (found.coordinator) {
    return new TagspaceError(
      'unavailable',
      `Kafka named no coordinator for a consumer group or transaction: on a cluster with ACLs, ${grant.who} the group and transactional-id ${grant.what} in docs/kafka.md`,
      { setting: grant.setting, cause: err },
    );
  }
  if (found.login) {
    // An access token is refused for its client, scope or audience, not for a password.
    const setting = iam
      ? 'the AWS credentials: their IAM identity needs kafka-cluster:Connect on the cluster'
      : found.message.includes('OAUTHBEARER')
        ? 'the token of KAFKA_SASL_OAUTHBEARER_CLIENT_ID: its scope and audience'
        : 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD';
    return new TagspaceError('auth', `Kafka refused the login (${setting}): ${found.message}`, {
      setting,
      cause: err,
    });
  }
  const type = found.type as string;
  const resource = type.replace('_AUTHORIZATION_FAILED', '').toLowerCase().replace('_', ' ');
  const what = found.topic === undefined ? `a ${resource}` : `topic ${found.topic}`;
  return new TagspaceError(
    'auth',
    `Kafka refused access to ${what} (${type}): ${grant.who} the ${grant.what} in docs/kafka.md`,
    { setting: grant.setting, cause: err },
  );
}

interface Refusal {
  login: boolean;
  coordinator?: boolean;
  message: string;
  type?: string;
  topic?: string;
}

function refusal(e: unknown, depth: number): Refusal | undefined {
  if (!(e instanceof Error) || depth > 6) return undefined;
  if (e.name === 'KafkaJSSASLAuthenticationError') return { login: true, message: e.message };
  if (e.name === 'KafkaJSGroupCoordinatorNotFound')
    return { login: false, coordinator: true, message: e.message };
  const { type, topic, errors, cause, originalError } = e as {
    type?: unknown;
    topic?: unknown;
    errors?: unknown;
    cause?: unknown;
    originalError?: unknown;
  };
  if (typeof type === 'string' && type.endsWith('_AUTHORIZATION_FAILED')) {
    return { login: false, message: e.message, type, ...(typeof topic === 'string' && { topic }) };
  }
  for (const inner of Array.isArray(errors) ? (errors as unknown[]) : []) {
    const found = refusal(inner, depth + 1);
    if (found !== undefined) return found;
  }
  return refusal(cause ?? originalError, depth + 1);
}
