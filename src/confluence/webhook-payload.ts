/**
 * A Data Center page webhook, as Confluence sends it: the event and the page's id, nothing of
 * its content (captured payloads: {"timestamp", "event": "page_updated", "userKey",
 * "page": {"id": 1015809}, "updateTrigger"}). What tagspace does with each event:
 *
 *   page_created                → read the page → page_created
 *   page_updated, page_restored → read the page → page_updated
 *   page_trashed, page_removed  → read the page → page_removed (a purged page: nothing; its trash was reported)
 *   anything else               → ignored (acknowledged, nothing produced)
 */
export type WebhookAction = 'created' | 'updated' | 'removed' | 'ignored';

export interface PageWebhook {
  event: string;
  pageId: string;
  action: WebhookAction;
}

const ACTIONS: Record<string, WebhookAction> = {
  page_created: 'created',
  page_updated: 'updated',
  page_restored: 'updated',
  page_trashed: 'removed',
  page_removed: 'removed',
};

/** Parses the body; throws an Error whose message names what is wrong (the 400's text). */
export function parsePageWebhook(raw: Buffer): PageWebhook {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Error('body is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error('body is not a JSON object');
  const { event, page } = json as { event?: unknown; page?: { id?: unknown } };
  if (typeof event !== 'string' || event === '') throw new Error('"event" is missing');
  const action = ACTIONS[event] ?? 'ignored';
  if (action === 'ignored') return { event, pageId: '', action };
  const id = typeof page === 'object' && page !== null ? page.id : undefined;
  const pageId = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
  if (typeof pageId !== 'string' || !/^\d{1,20}$/.test(pageId))
    throw new Error('"page.id" is missing or not a page id');
  return { event, pageId, action };
}
