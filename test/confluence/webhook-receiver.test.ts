import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type RunningReceiver } from '../../src/confluence/webhook-receiver.js';
import { signatureOf } from '../../src/confluence/webhook-signature.js';
import type { PageEvent } from '../../src/model/page-event.js';
import { createConfluenceSim } from '../../src/sim/confluence/confluence-sim.js';
import { simApi } from './sim-client.js';

const SECRET = 'unit-secret';
let receiver: RunningReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function start(send: (events: readonly PageEvent[]) => Promise<void>) {
  const sim = createConfluenceSim();
  const { pageIds } = sim.seedSpace({ key: 'HOOK', pages: 3, seed: 2 });
  receiver = await startWebhookReceiver({
    secret: SECRET,
    api: simApi(sim),
    sink: { send },
    port: 0,
    host: '127.0.0.1',
  });
  const post = (event: string, id: string) => {
    const body = JSON.stringify({ timestamp: 1, event, userKey: 'u', page: { id: Number(id) } });
    return fetch(receiver?.url ?? '', {
      method: 'POST',
      headers: { 'x-hub-signature': signatureOf(SECRET, body) },
      body,
    });
  };
  return { sim, pageIds: pageIds as [string, string, string], post };
}

describe('the webhook receiver', () => {
  it('lets the page’s state decide: a trashed page is a removal whatever the event said, a purged one produces nothing', async () => {
    const sent: PageEvent[] = [];
    const { sim, pageIds, post } = await start(async (events) => void sent.push(...events));
    sim.trashPage(pageIds[0]);
    expect((await post('page_updated', pageIds[0])).status).toBe(200);
    expect(sent[0]).toMatchObject({ type: 'page_removed', pageId: pageIds[0], spaceKey: 'HOOK' });
    sim.purgePage(pageIds[1]);
    const gone = await post('page_removed', pageIds[1]);
    expect(gone.status).toBe(200);
    expect(await gone.json()).toMatchObject({ produced: 0 });
    expect(sent).toHaveLength(1);
    const created = await post('page_created', pageIds[2]);
    expect(await created.json()).toMatchObject({ produced: 1, type: 'page_created' });
  });

  it('answers 503 when the event cannot be written, so the sender does not take it as delivered', async () => {
    const { pageIds, post } = await start(() => Promise.reject(new Error('broker down')));
    const res = await post('page_updated', pageIds[0]);
    expect(res.status).toBe(503);
    expect(receiver?.counts.produced).toBe(0);
  });

  it('answers 405 to anything but POST and 413 to an oversized body', async () => {
    await start(async () => {});
    expect((await fetch(receiver?.url ?? '')).status).toBe(405);
    const big = 'x'.repeat(1_048_577);
    expect((await fetch(receiver?.url ?? '', { method: 'POST', body: big })).status).toBe(413);
  });
});
