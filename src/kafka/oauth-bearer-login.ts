import kafkajs, { type Mechanism } from 'kafkajs';

// kafkajs spreads its errors into its exports, where Node's named CommonJS imports cannot see them.
const Refused = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
import type { BearerToken } from './oauth-token-source.js';

const SEP = '\x01';

/** Length-prefixed bytes, as kafkajs's SaslAuthenticate carries a mechanism's message. */
function framed(message: string): { encode: () => Buffer } {
  const body = Buffer.from(message);
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length);
  return { encode: () => Buffer.concat([head, body]) };
}

/** The server's bytes, without the length kafkajs puts before them. */
const serverBytes = {
  decode: (raw: Buffer) => raw,
  parse: (raw: Buffer) => raw.subarray(4),
};

/**
 * SASL/OAUTHBEARER's login (RFC 7628 §3.1, KIP-255), in place of kafkajs's own:
 *
 *   client  n,,^Aauth=Bearer <token>^A[key=value^A]*^A
 *   server  empty: accepted
 *           else:  the refusal, e.g. {"status":"invalid_token"}; the client answers ^A and the
 *                  server then fails the login
 *
 * kafkajs's own sends the first message and takes any answer for success, so a refused token
 * leaves the broker waiting for the ^A and the client retrying a connection that never works: a
 * run hung without a word. Here the refusal is answered and thrown, in the server's words, as the
 * SASL error every refused login is (kafka-access-error.ts).
 */
export function oauthBearerLogin(token: () => Promise<BearerToken>): Mechanism {
  return {
    mechanism: 'oauthbearer',
    authenticationProvider: ({ saslAuthenticate }) => ({
      authenticate: async () => {
        const { value, extensions = {} } = await token();
        const ext = Object.entries(extensions).map(([k, v]) => `${k}=${v}${SEP}`);
        const first = `n,,${SEP}auth=Bearer ${value}${SEP}${ext.join('')}${SEP}`;
        const answer = await saslAuthenticate({ request: framed(first), response: serverBytes });
        if (answer === undefined || answer.length === 0) return;
        const refusal = answer.toString('utf8');
        await saslAuthenticate({ request: framed(SEP), response: serverBytes }).catch(() => undefined);
        throw new Refused(`SASL OAUTHBEARER authentication failed: ${refusal}`);
      },
    }),
  };
}
