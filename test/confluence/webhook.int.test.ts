import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureOf } from '../../src/confluence/webhook-signature.js';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../src/sim/confluence/start-confluence-sim.js';
import { runCli, spawnCli, type CliProcess } from '../support/cli.js';
import { consumeUntil, endOffsets, testBrokers, uniqueTopic } from '../support/kafka.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { loopEnv } from './loop-kit.js';

const SECRET = 'webhook-s3cr3t';
let wiki: RunningConfluenceSim;
let receiver: CliProcess;
let url: string;
const topic = uniqueTopic('cf-webhook-events');

beforeAll(async () => {
  wiki = await startConfluenceSim({ spaces: [{ key: 'WEB', pages: 5, seed: 3 }] });
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  receiver = spawnCli(
    [
      'webhook',
      '--confluence-url',
      wiki.url,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--brokers',
      testBrokers().join(','),
      '--topic',
      topic,
    ],
    { ...loopEnv(), CONFLUENCE_WEBHOOK_SECRET: SECRET },
  );
  await waitFor(() => receiver.stdout().includes('receiving Confluence webhooks'), {
    timeoutMs: 60_000,
    message: 'the receiver to listen',
  });
});

afterAll(async () => {
  receiver?.child.kill('SIGTERM');
  await receiver?.exited;
  await wiki?.close();
});

const total = async () => (await endOffsets(topic)).reduce((sum, p) => sum + p.offset, 0);

function post(body: string, signature?: string) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature && { 'x-hub-signature': signature }) },
    body,
  });
}

describe('tagspace webhook', () => {
  it('produces the page of a signed Data Center webhook, answering 200 once Kafka has it', async () => {
    wiki.addWebhook({
      name: 'tagspace',
      url,
      events: ['page_updated', 'page_trashed'],
      configuration: { secret: SECRET },
    });
    const [page] = wiki.pages('WEB');
    wiki.editPage(page?.id as string);
    await wiki.webhooksIdle();
    expect(wiki.stats().webhooks).toMatchObject({ delivered: 1, failed: 0 });
    // Answered 200 only after the broker acknowledged: the event is there already.
    const [message] = await consumeUntil(topic, 1, { deadlineMs: 5_000 });
    const event = JSON.parse(message?.value ?? '{}') as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'page_updated',
      pageId: page?.id,
      version: 2,
      spaceKey: 'WEB',
      bodyFormat: 'storage',
    });
    expect(event.body).toBe(wiki.page(page?.id as string)?.body);

    wiki.trashPage(page?.id as string);
    await wiki.webhooksIdle();
    const all = await consumeUntil(topic, 2, { deadlineMs: 10_000 });
    expect(JSON.parse(all[1]?.value ?? '{}')).toMatchObject({ type: 'page_removed', pageId: page?.id });
  });

  it('refuses a wrong or missing signature with 401 and produces nothing', async () => {
    const before = await total();
    const [page] = wiki.pages('WEB');
    const body = JSON.stringify({
      timestamp: Date.now(),
      event: 'page_updated',
      userKey: 'x',
      page: { id: Number(page?.id) },
    });
    const wrong = await post(body, signatureOf('not-the-secret', body));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toMatch(/does not match/);
    expect((await post(body)).status).toBe(401);
    // A correctly signed request right after is produced: the refused ones were not just slow.
    const good = await post(body, signatureOf(SECRET, body));
    expect(good.status).toBe(200);
    await waitFor(async () => (await total()) >= before + 1, { timeoutMs: 10_000 });
    expect(await total()).toBe(before + 1);
    expect(receiver.stderr()).not.toContain(SECRET);
  });

  it('answers a bad payload 400 naming the problem, and an event it does not handle 202', async () => {
    const bad = JSON.stringify({ event: 'page_updated', page: {} });
    const res = await post(bad, signatureOf(SECRET, bad));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/page\.id/);
    const other = JSON.stringify({ event: 'label_added', label: { name: 'x' } });
    expect((await post(other, signatureOf(SECRET, other))).status).toBe(202);
  });

  it('stops a second receiver on the same --port in one line naming the port and the reason, exit 2', async () => {
    const port = new URL(url).port;
    const second = await runCli(
      [
        'webhook',
        '--confluence-url',
        wiki.url,
        '--port',
        port,
        '--host',
        '127.0.0.1',
        '--brokers',
        testBrokers().join(','),
      ],
      { env: { ...loopEnv(), CONFLUENCE_WEBHOOK_SECRET: SECRET }, timeoutMs: 60_000 },
    );
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n').at(-1)).toBe(
      `tagspace: invalid --port: cannot listen on 127.0.0.1:${port} (EADDRINUSE: address already in use)`,
    );
  });
});
