import { describe, expect, it } from 'vitest';
import { parsePageWebhook } from '../../src/confluence/webhook-payload.js';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('parsePageWebhook', () => {
  it('reads a Data Center page event: the event and the page id only', () => {
    const hook = parsePageWebhook(
      json({
        timestamp: 1768246501113,
        event: 'page_updated',
        userKey: 'ff80',
        page: { id: 1015809 },
        updateTrigger: 'edit_page',
      }),
    );
    expect(hook).toEqual({ event: 'page_updated', pageId: '1015809', action: 'updated' });
  });

  it('maps each page event to what tagspace does', () => {
    const action = (event: string) => parsePageWebhook(json({ event, page: { id: '7' } })).action;
    expect(action('page_created')).toBe('created');
    expect(action('page_restored')).toBe('updated');
    expect(action('page_trashed')).toBe('removed');
    expect(action('page_removed')).toBe('removed');
    expect(action('label_added')).toBe('ignored');
  });

  it('names what is wrong with a bad payload', () => {
    expect(() => parsePageWebhook(Buffer.from('{'))).toThrow(/not JSON/);
    expect(() => parsePageWebhook(json([1]))).toThrow(/not a JSON object/);
    expect(() => parsePageWebhook(json({ page: { id: 1 } }))).toThrow(/"event" is missing/);
    expect(() => parsePageWebhook(json({ event: 'page_updated', page: {} }))).toThrow(/"page.id"/);
    expect(() => parsePageWebhook(json({ event: 'page_updated', page: { id: '../x' } }))).toThrow(
      /"page.id"/,
    );
  });
});
