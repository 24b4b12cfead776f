/**
 * A real OAuth 2.0 authorization server (panva's oidc-provider) for the OAUTHBEARER test: the
 * company's IdP is out of reach from here, and a hand-rolled token endpoint would only prove that
 * we agree with ourselves. Tokens are RS256 JWTs so a real Kafka broker can check them against a
 * JWKS file made from the same key.
 */
import type { JsonWebKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter } from 'oidc-provider';

export interface IdentityProvider {
  tokenUrl: string;
  issuer: string;
  close(): Promise<void>;
  tokensIssued(): number;
}

export interface IdentityProviderOptions {
  privateJwk: JsonWebKey & { kid: string };
  clients: { clientId: string; clientSecret: string }[];
  audience?: string;
  tokenTtlSeconds?: number;
}

// JWT access tokens are self-contained and the clients are static, so nothing is ever stored;
// giving oidc-provider this instead of its default in-memory adapter also spares us its warning.
const nothingStored: Adapter = {
  upsert: async () => undefined,
  find: async () => undefined,
  findByUserCode: async () => undefined,
  findByUid: async () => undefined,
  consume: async () => undefined,
  destroy: async () => undefined,
  revokeByGrantId: async () => undefined,
};

// Kafka's OAuthBearer validator needs a resource-server style token: without a resource indicator
// oidc-provider issues opaque tokens, so every request is steered to this one.
const KAFKA_RESOURCE = 'urn:tagspace:kafka';
const DEFAULT_SCOPE = 'kafka';

export async function startIdentityProvider(opts: IdentityProviderOptions): Promise<IdentityProvider> {
  const { privateJwk, clients, audience = 'kafka', tokenTtlSeconds = 300 } = opts;

  // The issuer must name the port, so the server listens before the provider exists.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    adapter: () => nothingStored,
    jwks: { keys: [{ ...privateJwk, alg: 'RS256', use: 'sig' }] },
    clients: clients.map(({ clientId, clientSecret }) => ({
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    })),
    // No response types means no authorization endpoint flows: client credentials is the only grant.
    responseTypes: [],
    scopes: [],
    ttl: { ClientCredentials: () => tokenTtlSeconds },
    // Its default HTML error page logs a notice; a stray browser-style request should stay quiet.
    renderError: (ctx, out) => {
      ctx.body = out;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => KAFKA_RESOURCE,
        getResourceServerInfo: (ctx) => {
          // oidc-provider keeps only the scopes the resource server lists, and issues none when
          // none are asked for; a client that asks for nothing is given the default here.
          ctx.oidc.params!.scope ??= DEFAULT_SCOPE;
          return {
            scope: String(ctx.oidc.params!.scope),
            audience,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });

  let issued = 0;
  provider.on('client_credentials.issued', () => issued++);
  server.on('request', provider.callback());

  return {
    issuer,
    tokenUrl: new URL('/token', issuer).href,
    tokensIssued: () => issued,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
