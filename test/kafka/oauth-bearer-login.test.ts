import { describe, expect, it } from 'vitest';
import { oauthBearerLogin } from '../../src/kafka/oauth-bearer-login.js';

type Sent = {
  request: { encode: () => Buffer | Promise<Buffer> };
  response?: { parse: (b: Buffer) => unknown };
};

/** A broker's side of the exchange: answers each message in turn, recording what was sent. */
function exchange(answers: (string | Error)[]) {
  const sent: string[] = [];
  const saslAuthenticate = async ({ request, response }: Sent) => {
    const bytes = await request.encode();
    expect(bytes.readInt32BE(0)).toBe(bytes.length - 4);
    sent.push(bytes.subarray(4).toString('utf8'));
    const answer = answers.shift() ?? '';
    if (answer instanceof Error) throw answer;
    const body = Buffer.from(answer);
    const framed = Buffer.concat([Buffer.alloc(4), body]);
    framed.writeInt32BE(body.length);
    return response?.parse(framed);
  };
  return { sent, saslAuthenticate };
}

function login(answers: (string | Error)[], extensions?: Record<string, string>) {
  const ex = exchange(answers);
  const mechanism = oauthBearerLogin(async () => ({
    value: 'eyJ.tok.en',
    ...(extensions && { extensions }),
  }));
  const authenticate = mechanism.authenticationProvider({
    host: '127.0.0.1',
    port: 9092,
    logger: undefined as never,
    saslAuthenticate: ex.saslAuthenticate as never,
  }).authenticate;
  return { sent: ex.sent, authenticate };
}

describe('oauthBearerLogin', () => {
  it('sends the token and the extensions in RFC 7628’s message, and is done when the broker answers nothing', async () => {
    const { sent, authenticate } = login([''], { logicalCluster: 'lkc-1', identityPoolId: 'pool-2' });
    await authenticate();
    expect(sent).toEqual([
      'n,,\x01auth=Bearer eyJ.tok.en\x01logicalCluster=lkc-1\x01identityPoolId=pool-2\x01\x01',
    ]);
  });

  it('answers a refusal with ^A, as the protocol asks, and fails the login in the broker’s words', async () => {
    const { sent, authenticate } = login([
      '{"status":"invalid_token"}',
      new Error('SASL_AUTHENTICATION_FAILED'),
    ]);
    const err = await authenticate().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(sent).toEqual(['n,,\x01auth=Bearer eyJ.tok.en\x01\x01', '\x01']);
    expect(err?.name).toBe('KafkaJSSASLAuthenticationError');
    expect(err?.message).toBe('SASL OAUTHBEARER authentication failed: {"status":"invalid_token"}');
  });
});
