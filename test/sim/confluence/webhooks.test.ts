import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { call, jsonBody, startWiki } from './kit.js';

interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: { timestamp: number; event: string; userKey: string; page: { id: number }; updateTrigger?: string };
}

/** A webhook receiver that records what arrives and answers with the statuses it is given, then 200. */
async function receiver(statuses: number[] = []): Promise<{ url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      deliveries.push({ headers: req.headers, raw, body: JSON.parse(raw) as Delivery['body'] });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, deliveries };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The check the docs describe: HMAC-SHA256 of the raw body, keyed by the secret, as "sha256=<hex>". */
function documentedSignature(secret: string, raw: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

describe('Confluence simulator: Data Center webhooks', () => {
  it('posts page_updated with the page id only, signed in X-Hub-Signature as the docs describe', async () => {
    const hook = await receiver();
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 3 }] });
    sim.addWebhook({ name: 'tagspace', url: hook.url, configuration: { secret: 's3cr3t' } });
    const page = sim.editPage(sim.pages()[1]?.id ?? '');
    await sim.webhooksIdle();
    expect(hook.deliveries).toHaveLength(1);
    const [delivery] = hook.deliveries;
    expect(delivery?.body).toEqual({
      timestamp: Date.parse(page.lastModified),
      event: 'page_updated',
      userKey: expect.any(String),
      page: { id: Number(page.id) },
      updateTrigger: 'edit_page',
    });
    expect(delivery?.headers['content-type']).toMatch(/^application\/json/);
    expect(delivery?.headers['x-hub-signature']).toBe(documentedSignature('s3cr3t', delivery?.raw ?? ''));
    expect(delivery?.headers['x-hub-signature']).not.toBe(documentedSignature('other', delivery?.raw ?? ''));
  });

  it('sends each lifecycle event, in the order it happened', async () => {
    const hook = await receiver();
    const sim = await startWiki();
    sim.seedSpace({ key: 'DEV', pages: 0 });
    sim.addWebhook({ url: hook.url });
    const page = sim.createPage({ spaceKey: 'DEV', title: 'T', body: '<p>b</p>' });
    sim.editPage(page.id);
    sim.trashPage(page.id);
    sim.restorePage(page.id);
    sim.trashPage(page.id);
    sim.purgePage(page.id);
    await sim.webhooksIdle();
    expect(hook.deliveries.map((d) => d.body.event)).toEqual([
      'page_created',
      'page_updated',
      'page_trashed',
      'page_restored',
      'page_trashed',
      'page_removed',
    ]);
    expect(new Set(hook.deliveries.map((d) => d.body.page.id))).toEqual(new Set([Number(page.id)]));
    expect(hook.deliveries.filter((d) => d.body.updateTrigger !== undefined)).toHaveLength(1);
  });

  it('sends no signature header when the webhook has no secret, and nothing for seeding or label changes', async () => {
    const hook = await receiver();
    const sim = await startWiki();
    sim.addWebhook({ url: hook.url });
    sim.seedSpace({ key: 'DEV', pages: 5 });
    const id = sim.pages()[0]?.id ?? '';
    sim.addLabel(id, 'reviewed');
    await call(sim, `/wiki/rest/api/content/${id}/label`, jsonBody([{ prefix: 'global', name: 'x' }]));
    sim.editPage(id);
    await sim.webhooksIdle();
    expect(hook.deliveries.map((d) => d.body.event)).toEqual(['page_updated']);
    expect(hook.deliveries[0]?.headers['x-hub-signature']).toBeUndefined();
  });

  it('sends only the events a webhook subscribed to', async () => {
    const hook = await receiver();
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 2 }] });
    sim.addWebhook({ url: hook.url, events: ['page_removed'] });
    const id = sim.pages()[0]?.id ?? '';
    sim.editPage(id);
    sim.trashPage(id);
    sim.purgePage(id);
    await sim.webhooksIdle();
    expect(hook.deliveries.map((d) => d.body.event)).toEqual(['page_removed']);
  });

  it('tries a refused event again as configured, then gives up and counts it failed', async () => {
    const hook = await receiver([500, 503, 500, 500, 500]);
    const sim = await startWiki({
      config: { webhookDelivery: { retries: 2, retryDelayMs: 5 } },
      spaces: [{ key: 'DEV', pages: 2 }],
    });
    sim.addWebhook({ url: hook.url });
    sim.editPage(sim.pages()[0]?.id ?? '');
    await sim.webhooksIdle();
    expect(sim.stats().webhooks).toEqual({ attempts: 3, delivered: 0, failed: 1 });
    sim.editPage(sim.pages()[1]?.id ?? '');
    await sim.webhooksIdle();
    expect(sim.stats().webhooks).toEqual({ attempts: 6, delivered: 1, failed: 1 });
    expect(hook.deliveries).toHaveLength(6);
  });

  it('loses an event sent once to a receiver that is down, as the default delivery does', async () => {
    const hook = await receiver();
    const down = hook.url.replace(/:\d+\//, ':1/');
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    sim.addWebhook({ url: down });
    sim.editPage(sim.pages()[0]?.id ?? '');
    await sim.webhooksIdle();
    expect(sim.stats().webhooks).toEqual({ attempts: 1, delivered: 0, failed: 1 });
  });

  it("registers a webhook through the control API with Data Center's body and never shows its secret", async () => {
    const hook = await receiver();
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    const registration = {
      name: 'tagspace',
      url: hook.url,
      events: ['page_created', 'page_updated', 'page_removed', 'page_trashed'],
      configuration: { secret: 'very-secret' },
      active: true,
    };
    const created = await call<{ id: string; secret: string }>(sim, '/_confluence/webhooks', {
      ...jsonBody(registration),
      auth: null,
    });
    expect(created.status).toBe(200);
    expect(created.body.secret).toBe('[set]');
    const listed = await call(sim, '/_confluence/webhooks', { auth: null });
    expect(JSON.stringify(listed.body)).not.toContain('very-secret');
    const bad = await call(sim, '/_confluence/webhooks', {
      ...jsonBody({ url: hook.url, events: ['page_viewed'] }),
      auth: null,
    });
    expect(bad.status).toBe(400);
    await call(sim, '/_confluence/pages/' + sim.pages()[0]?.id + '/edit', { ...jsonBody({}), auth: null });
    await sim.webhooksIdle();
    expect(hook.deliveries[0]?.headers['x-hub-signature']).toBe(
      documentedSignature('very-secret', hook.deliveries[0]?.raw ?? ''),
    );
    expect(
      (await call(sim, `/_confluence/webhooks/${created.body.id}`, { method: 'DELETE', auth: null })).body,
    ).toEqual({ removed: true });
  });
});
