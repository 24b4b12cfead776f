import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureOf, verifySignature } from '../../src/confluence/webhook-signature.js';

const body = Buffer.from(
  '{"timestamp":1768246501113,"event":"page_updated","userKey":"ff8081819ba46873019ba46aefbb0000","page":{"id":1015809},"updateTrigger":"edit_page"}',
);

describe('the Data Center webhook signature', () => {
  it('accepts sha256=<hex of HMAC-SHA256(secret, raw body)>', () => {
    const header = `sha256=${createHmac('sha256', 's3cr3t').update(body).digest('hex')}`;
    expect(signatureOf('s3cr3t', body)).toBe(header);
    expect(verifySignature('s3cr3t', body, header)).toBe('valid');
    expect(verifySignature('s3cr3t', body, header.toUpperCase().replace('SHA256=', 'sha256='))).toBe('valid');
  });

  it('refuses another secret, a changed body, a missing or malformed header', () => {
    const header = signatureOf('s3cr3t', body);
    expect(verifySignature('other', body, header)).toBe('mismatch');
    expect(verifySignature('s3cr3t', Buffer.from(`${body.toString()} `), header)).toBe('mismatch');
    expect(verifySignature('s3cr3t', body, undefined)).toBe('missing');
    expect(verifySignature('s3cr3t', body, '')).toBe('missing');
    expect(verifySignature('s3cr3t', body, header.slice('sha256='.length))).toBe('malformed');
    expect(verifySignature('s3cr3t', body, 'sha1=abcdef')).toBe('malformed');
  });
});
