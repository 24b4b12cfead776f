import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdentityProvider, type IdentityProvider } from './identity-provider.js';

const client = { clientId: 'tagspace-test', clientSecret: 'correct horse battery staple' };

function basicAuth(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: each half is form-urlencoded before the base64.
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

async function requestToken(idp: IdentityProvider, authorization: string, body: string): Promise<Response> {
  return fetch(idp.tokenUrl, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('startIdentityProvider', () => {
  let idp: IdentityProvider;
  let publicKey: KeyObject;

  beforeAll(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publicKey = pair.publicKey;
    const privateJwk = {
      ...pair.privateKey.export({ format: 'jwk' }),
      kid: 'test-key',
      alg: 'RS256',
      use: 'sig',
    };
    idp = await startIdentityProvider({ privateJwk, clients: [client] });
  });

  afterAll(async () => {
    await idp?.close();
  });

  it('advertises its token endpoint in the discovery document', async () => {
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    const discovery = (await res.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      token_endpoint: idp.tokenUrl,
      grant_types_supported: ['client_credentials'],
    });
  });

  it('issues an RS256 JWT access token to a client with the right secret', async () => {
    const before = idp.tokensIssued();
    const res = await requestToken(
      idp,
      basicAuth(client.clientId, client.clientSecret),
      'grant_type=client_credentials&scope=kafka',
    );

    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(300);

    const [header, payload, signature] = body.access_token.split('.') as [string, string, string];
    const signedPart = Buffer.from(`${header}.${payload}`);
    expect(verify('RSA-SHA256', signedPart, publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(decodeSegment(header)).toMatchObject({ alg: 'RS256', kid: 'test-key' });

    const claims = decodeSegment(payload) as { sub: string; scope: string; iat: number; exp: number };
    expect(claims).toMatchObject({ sub: client.clientId, iss: idp.issuer, aud: 'kafka' });
    expect(claims.scope.split(' ')).toContain('kafka');
    expect(claims.exp - claims.iat).toBe(300);
    expect(idp.tokensIssued()).toBe(before + 1);
  });

  it('grants the kafka scope to a client that asks for none, authenticating in the body', async () => {
    const res = await fetch(idp.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }),
    });

    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('kafka');
    expect(decodeSegment(body.access_token.split('.')[1]!)).toMatchObject({ scope: 'kafka' });
  });

  it('refuses a wrong client secret with invalid_client and issues nothing', async () => {
    const before = idp.tokensIssued();
    const res = await requestToken(idp, basicAuth(client.clientId, 'wrong'), 'grant_type=client_credentials');

    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    expect(idp.tokensIssued()).toBe(before);
  });
});
