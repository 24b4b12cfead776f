import { TagspaceError } from '../model/errors.js';
import { logger } from '../telemetry/log.js';
import type { AwsIamLogin } from './kafka-security.js';
import type { BearerToken } from './oauth-token-source.js';
import { renewalTime } from './token-renewal.js';

/** AWS's signer: a presigned `kafka-cluster:Connect` URL as a token, and when it ends (ms). */
export type MskTokenSigner = (login: AwsIamLogin) => Promise<{ token: string; expiryTime: number }>;

const log = logger('kafka-msk-iam');

const WHERE_CREDENTIALS =
  'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a role of the pod, task or instance';

/** AWS's own signer, loaded on first use so that runs without MSK never load the AWS SDK. */
const awsSigner: MskTokenSigner = async ({ region }) => {
  const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
  return generateAuthToken({ region });
};

/**
 * Amazon MSK's IAM login as AWS documents it for clients other than Java's: SASL/OAUTHBEARER whose
 * token is a SigV4-presigned `kafka-cluster:Connect` URL, made by AWS's signer
 * (aws-msk-iam-sasl-signer-js) with the credentials of AWS's default chain. kafkajs asks for a
 * token at every login to a broker; they share one:
 *
 *   token()         the held token while now < renewalTime(signedAt, expiryTime), else a new one
 *                   (callers meanwhile share the one signing)
 *   first failure   no credentials, or a profile or role that cannot be used: `auth`, one line
 *                   naming where credentials come from
 *   later failure   the held token while it lasts, then `unavailable`, retried by the Kafka client
 *                   like a broker that is away (an instance role's endpoint that blinked)
 *
 * The token carries a signature and, with session credentials, the session token: it is never
 * logged, and neither error holds it.
 */
export class MskIamTokenSource {
  private held: { token: BearerToken; renewAt: number; expiresAt: number } | undefined;
  private pending: Promise<BearerToken> | undefined;
  private readonly now: () => number;
  private readonly sign: MskTokenSigner;

  constructor(
    private readonly login: AwsIamLogin,
    opts: { now?: () => number; sign?: MskTokenSigner } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.sign = opts.sign ?? awsSigner;
  }

  token(): Promise<BearerToken> {
    if (this.held !== undefined && this.now() < this.held.renewAt) return Promise.resolve(this.held.token);
    this.pending ??= this.signToken()
      .catch((err: unknown) => this.stillValid(err))
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async signToken(): Promise<BearerToken> {
    const signedAt = this.now();
    const { token, expiryTime } = await this.sign(this.login);
    const value = { value: token };
    this.held = { token: value, expiresAt: expiryTime, renewAt: renewalTime(signedAt, expiryTime) };
    return value;
  }

  private stillValid(err: unknown): BearerToken {
    const why = (err instanceof Error ? err.message : String(err)).slice(0, 300);
    const held = this.held;
    if (held === undefined) {
      throw new TagspaceError(
        'auth',
        `cannot sign an MSK IAM login in ${this.login.region}: ${why} (AWS credentials come from ${WHERE_CREDENTIALS})`,
        { setting: 'AWS credentials', cause: err },
      );
    }
    if (this.now() >= held.expiresAt) {
      throw new TagspaceError('unavailable', `cannot renew the MSK IAM login: ${why}`, {
        setting: 'AWS credentials',
        cause: err,
      });
    }
    log.warn(
      { err: why, tokenEndsInMs: held.expiresAt - this.now() },
      'login renewal failed; using the current token',
    );
    return held.token;
  }
}

const sources = new WeakMap<AwsIamLogin, MskIamTokenSource>();

/** The one token source of this login: the clients of a run share its token. */
export function mskTokenSourceFor(login: AwsIamLogin): MskIamTokenSource {
  let source = sources.get(login);
  if (source === undefined) sources.set(login, (source = new MskIamTokenSource(login)));
  return source;
}
