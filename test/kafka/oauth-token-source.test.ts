import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { OAuthTokenSource } from '../../src/kafka/oauth-token-source.js';
import { TagspaceError } from '../../src/model/errors.js';
import { freePort } from '../support/free-port.js';

const SECRET = 'client-secret-0123456789';

interface Asked {
  authorization: string | undefined;
  body: string;
}

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A token endpoint answering `status` and `answer`, recording what it was asked. */
async function endpoint(
  status: number,
  answer: (n: number) => unknown,
): Promise<{ url: string; asked: Asked[] }> {
  const asked: Asked[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      asked.push({ authorization: req.headers.authorization, body });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(asked.length)));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/oauth2/token?tenant=t1`, asked };
}

function creds(url: string) {
  return { tokenEndpointUrl: url, clientId: 'tag space', clientSecret: SECRET, scope: 'kafka' };
}

async function failure(p: Promise<unknown>): Promise<TagspaceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TagspaceError);
  return err as TagspaceError;
}

describe('OAuthTokenSource', () => {
  it('asks with the client credentials grant and HTTP Basic, and callers at once share one request', async () => {
    const { url, asked } = await endpoint(200, (n) => ({
      access_token: `tok-${n}`,
      token_type: 'Bearer',
      expires_in: 300,
    }));
    const source = new OAuthTokenSource({ ...creds(url), extensions: { logicalCluster: 'lkc-1' } });
    const tokens = await Promise.all([source.token(), source.token(), source.token()]);
    expect(tokens).toEqual(Array(3).fill({ value: 'tok-1', extensions: { logicalCluster: 'lkc-1' } }));
    expect(asked).toHaveLength(1);
    const basic = Buffer.from(`tag%20space:${SECRET}`).toString('base64');
    expect(asked[0]).toEqual({
      authorization: `Basic ${basic}`,
      body: 'grant_type=client_credentials&scope=kafka',
    });
  });

  it('keeps a token until its last fifth, or its last 20 s when that is longer, then asks for a new one', async () => {
    const { url, asked } = await endpoint(200, (n) => ({
      access_token: `tok-${n}`,
      expires_in: n === 1 ? 300 : 30,
    }));
    let now = 1_000_000;
    const source = new OAuthTokenSource(creds(url), { now: () => now });
    expect((await source.token()).value).toBe('tok-1');
    now += 239_000;
    expect((await source.token()).value).toBe('tok-1');
    now += 1_000;
    expect((await source.token()).value).toBe('tok-2');
    // 30 s tokens: kept for 10 s, so a login always has more than kafkajs's 10 s before its session ends.
    now += 9_999;
    expect((await source.token()).value).toBe('tok-2');
    now += 1;
    expect((await source.token()).value).toBe('tok-3');
    expect(asked).toHaveLength(3);
  });

  it('keeps using its token while a renewal fails, until the token ends', async () => {
    const { url, asked } = await endpoint(200, (n) => ({ access_token: `tok-${n}`, expires_in: 300 }));
    let now = 1_000_000;
    const source = new OAuthTokenSource(creds(url), { now: () => now });
    expect((await source.token()).value).toBe('tok-1');
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    now += 250_000;
    expect((await source.token()).value).toBe('tok-1');
    now += 50_000;
    expect((await failure(source.token())).kind).toBe('unavailable');
    expect(asked).toHaveLength(1);
  });

  it('says the endpoint refused the client, in its own words, naming the settings and never the secret', async () => {
    const { url } = await endpoint(401, () => ({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    }));
    const err = await failure(new OAuthTokenSource(creds(url)).token());
    expect(err.kind).toBe('auth');
    expect(err.retriable).toBe(false);
    expect(err.message).toBe(
      `the token endpoint ${url.replace('?tenant=t1', '')} refused client tag space (401 invalid_client: client authentication failed): ` +
        'check KAFKA_SASL_OAUTHBEARER_CLIENT_ID and KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET',
    );
    expect(err.message).not.toContain(SECRET);
  });

  it('keeps the secret out of the refusal even when the endpoint quotes it back', async () => {
    const { url } = await endpoint(400, () => ({
      error: 'invalid_client',
      error_description: `bad secret ${SECRET}`,
    }));
    const err = await failure(new OAuthTokenSource(creds(url)).token());
    expect(err.message).toContain('(400 invalid_client: bad secret [redacted])');
    expect(err.message).not.toContain(SECRET);
  });

  it('reports an endpoint that fails, answers no token or cannot be reached as unavailable, to be tried again', async () => {
    const { url } = await endpoint(503, () => ({}));
    const down = await failure(new OAuthTokenSource(creds(url)).token());
    expect(down).toMatchObject({ kind: 'unavailable', retriable: true });
    expect(down.message).toMatch(
      /^cannot get a Kafka access token from http:\/\/127\.0\.0\.1:\d+\/oauth2\/token \(KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL\): answered 503$/,
    );
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const { url: empty } = await endpoint(200, () => ({ token_type: 'Bearer' }));
    expect((await failure(new OAuthTokenSource(creds(empty)).token())).message).toMatch(
      /its answer holds no access_token$/,
    );
    const closed = `http://127.0.0.1:${await freePort()}/token`;
    const unreachable = await failure(new OAuthTokenSource(creds(closed)).token());
    expect(unreachable.message).toMatch(
      /\(KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL\): connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );
    for (const e of [down, unreachable]) expect(e.message).not.toContain(SECRET);
  });
});
