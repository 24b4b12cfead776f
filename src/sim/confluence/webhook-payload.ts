import { createHmac } from 'node:crypto';
import type { PageChange } from './wiki-store.js';

/**
 * A Confluence Data Center webhook as it goes over the wire. The body is what Data Center sends
 * for page events (captured payloads in PipedreamHQ/pipedream components/confluence_data_center):
 *
 *   {"timestamp":1768246501113,"event":"page_updated","userKey":"…","page":{"id":1015809},"updateTrigger":"edit_page"}
 *
 * — the page's id only, never its body or space; `updateTrigger` on updates only. With a secret
 * the body is signed as Managing Webhooks (confluence.atlassian.com/doc/managing-webhooks-1021225606.html)
 * and Bitbucket DC's event-payload page (same webhooks plugin) describe:
 *
 *   X-Hub-Signature: sha256=<lowercase hex HMAC-SHA256(key = secret, message = raw body bytes)>
 *
 * Without a secret there is no signature header.
 */
export const PERSON_USER_KEY = 'ff8081819ba46873019ba46aefbb0000';

export function webhookBody(change: PageChange): string {
  const payload: Record<string, unknown> = {
    timestamp: change.at,
    event: change.type,
    userKey: PERSON_USER_KEY,
    page: { id: Number(change.page.id) },
  };
  if (change.type === 'page_updated') payload.updateTrigger = 'edit_page';
  return JSON.stringify(payload);
}

export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function webhookHeaders(body: string, secret: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (secret !== undefined && secret !== '') headers['x-hub-signature'] = signWebhookBody(secret, body);
  return headers;
}
