import { createHash } from 'node:crypto';

/**
 * How instances recognise that they use the same API key without ever writing it down: the first
 * 16 hex digits (64 bits) of its SHA-256. A fingerprint cannot be turned back into the key, and
 * two different keys share one with a probability of about n²/2⁶⁵.
 */
export function keyFingerprint(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 16);
}
