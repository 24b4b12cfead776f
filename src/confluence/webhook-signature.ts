import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Data Center signs a webhook with its secret (confluence.atlassian.com/doc/managing-webhooks:
 * HMAC-SHA256 of the raw body, header X-Hub-Signature), written as the webhooks plugin writes it
 * for Bitbucket Data Center:
 *
 *   X-Hub-Signature: sha256=<lowercase hex of HMAC-SHA256(secret, raw body)>
 *
 * Compared in constant time over the raw bytes, before the body is parsed.
 */
export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'mismatch';

export function verifySignature(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
): SignatureVerdict {
  if (header === undefined || header.trim() === '') return 'missing';
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (match === null) return 'malformed';
  const given = Buffer.from((match[1] as string).toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}

/** The header a sender computes (the simulator's side, and tests). */
export function signatureOf(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
