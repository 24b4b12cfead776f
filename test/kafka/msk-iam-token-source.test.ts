import { describe, expect, it } from 'vitest';
import { MskIamTokenSource, type MskTokenSigner } from '../../src/kafka/msk-iam-token-source.js';
import { TagspaceError } from '../../src/model/errors.js';

const LOGIN = { region: 'us-east-1' };
const LIFETIME_MS = 900_000;

/** A signer on a virtual clock: token-1, token-2, … each valid for 15 minutes, or failing when told. */
function signer(clock: { now: number }) {
  const calls: string[] = [];
  let failWith: Error | undefined;
  const sign: MskTokenSigner = async ({ region }) => {
    calls.push(region);
    await Promise.resolve();
    if (failWith !== undefined) throw failWith;
    return { token: `token-${calls.length}`, expiryTime: clock.now + LIFETIME_MS };
  };
  return { sign, calls, fail: (err: Error | undefined) => (failWith = err) };
}

async function failure(p: Promise<unknown>): Promise<TagspaceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TagspaceError);
  return err as TagspaceError;
}

describe('MskIamTokenSource', () => {
  it('signs once for callers at once, and for the region of the login', async () => {
    const clock = { now: 0 };
    const s = signer(clock);
    const source = new MskIamTokenSource(LOGIN, { now: () => clock.now, sign: s.sign });
    const tokens = await Promise.all([source.token(), source.token(), source.token()]);
    expect(tokens.map((t) => t.value)).toEqual(['token-1', 'token-1', 'token-1']);
    expect(s.calls).toEqual(['us-east-1']);
  });

  it('keeps a token until the last fifth of its life, then signs a new one', async () => {
    const clock = { now: 0 };
    const s = signer(clock);
    const source = new MskIamTokenSource(LOGIN, { now: () => clock.now, sign: s.sign });
    expect((await source.token()).value).toBe('token-1');
    clock.now = 0.8 * LIFETIME_MS - 1;
    expect((await source.token()).value).toBe('token-1');
    clock.now = 0.8 * LIFETIME_MS;
    expect((await source.token()).value).toBe('token-2');
  });

  it('stops start-up in one line naming where credentials come from when the first signing fails', async () => {
    const clock = { now: 0 };
    const s = signer(clock);
    s.fail(new Error('Could not load credentials from any providers'));
    const source = new MskIamTokenSource(LOGIN, { now: () => clock.now, sign: s.sign });
    const err = await failure(source.token());
    expect(err.kind).toBe('auth');
    expect(err.retriable).toBe(false);
    expect(err.message).toBe(
      'cannot sign an MSK IAM login in us-east-1: Could not load credentials from any providers (AWS credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a role of the pod, task or instance)',
    );
  });

  it('uses the held token while a renewal fails, and once it has ended reports the failure as retriable', async () => {
    const clock = { now: 0 };
    const s = signer(clock);
    const source = new MskIamTokenSource(LOGIN, { now: () => clock.now, sign: s.sign });
    await source.token();
    s.fail(new Error('connect ETIMEDOUT 169.254.169.254:80'));
    clock.now = 0.9 * LIFETIME_MS;
    expect((await source.token()).value).toBe('token-1');
    clock.now = LIFETIME_MS;
    const err = await failure(source.token());
    expect(err.kind).toBe('unavailable');
    expect(err.retriable).toBe(true);
    s.fail(undefined);
    expect((await source.token()).value).toBe('token-4');
  });
});
