import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asTagspaceError } from '../model/errors.js';
import type { PageEvent } from '../model/page-event.js';
import { logger } from '../telemetry/log.js';
import type { ConfluenceApi } from './confluence-api.js';
import type { EventSink } from './ingest-runner.js';
import { pageEventOf, removalOf } from './page-event-of.js';
import { parsePageWebhook } from './webhook-payload.js';
import { verifySignature } from './webhook-signature.js';

const log = logger('webhook');

/**
 * Receives Data Center webhooks and turns each page event into a PageEvent on Kafka:
 *
 *   not POST                  → 405          body over maxBodyBytes → 413
 *   signature missing/wrong   → 401, nothing read further, nothing produced
 *   body not a page webhook   → 400 naming what is wrong
 *   another event             → 202, nothing produced
 *   page event                → read the page (payloads carry no body); its state decides:
 *                               current → page_created/page_updated, trashed → page_removed,
 *                               purged → nothing (its trash was reported)
 *                             → 200 once Kafka acknowledged the event; 502 when Confluence could
 *                               not be read, 503 when Kafka could not be written
 */
export interface WebhookReceiverOptions {
  secret: string;
  api: ConfluenceApi;
  sink: EventSink;
  maxBodyBytes?: number;
}

/** Deliveries received, page events produced, deliveries refused for their signature. */
export interface WebhookCounts {
  received: number;
  produced: number;
  refused: number;
}

export function newWebhookCounts(): WebhookCounts {
  return { received: 0, produced: 0, refused: 0 };
}

export interface RunningReceiver {
  url: string;
  /** Stops accepting and resolves once the requests in progress have been answered. */
  close(): Promise<void>;
  readonly counts: WebhookCounts;
}

/** `counts`: where to count (read live by /metrics); a fresh record otherwise. */
export async function startWebhookReceiver(
  opts: WebhookReceiverOptions & { port: number; host: string; counts?: WebhookCounts },
): Promise<RunningReceiver> {
  const counts = opts.counts ?? newWebhookCounts();
  const handle = webhookHandler(opts, counts);
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

export function webhookHandler(
  opts: WebhookReceiverOptions,
  counts = newWebhookCounts(),
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const spaceKeys = new Map<string, string>();
  const maxBytes = opts.maxBodyBytes ?? 1_048_576;

  const spaceKeyOf = async (spaceId: string): Promise<string> => {
    const known = spaceKeys.get(spaceId);
    if (known !== undefined) return known;
    const space = await opts.api.spaceById(spaceId);
    const key = space?.key ?? spaceId;
    spaceKeys.set(spaceId, key);
    return key;
  };

  return async (req, res) => {
    counts.received++;
    if (req.method !== 'POST') return answer(res, 405, { error: 'only POST is accepted' });
    const raw = await readBody(req, maxBytes);
    if (raw === undefined) return answer(res, 413, { error: `body is larger than ${maxBytes} bytes` });
    const verdict = verifySignature(opts.secret, raw, header(req, 'x-hub-signature'));
    if (verdict !== 'valid') {
      counts.refused++;
      log.warn({ verdict, remote: req.socket.remoteAddress }, 'webhook refused: bad signature');
      return answer(res, 401, {
        error: `X-Hub-Signature ${verdict === 'missing' ? 'is missing' : verdict === 'malformed' ? 'is not sha256=<hex>' : 'does not match the body'}`,
      });
    }
    let hook;
    try {
      hook = parsePageWebhook(raw);
    } catch (err) {
      return answer(res, 400, { error: (err as Error).message });
    }
    if (hook.action === 'ignored') return answer(res, 202, { ignored: hook.event });

    let event: PageEvent | undefined;
    try {
      const page = await opts.api.page(hook.pageId);
      if (page !== undefined) {
        const spaceKey = await spaceKeyOf(page.spaceId);
        event =
          page.status === 'current'
            ? pageEventOf(page, spaceKey, hook.action === 'created' ? 'page_created' : 'page_updated')
            : removalOf(page.id, spaceKey, page.version?.number ?? 1, page.version?.createdAt);
      }
    } catch (err) {
      const e = asTagspaceError(err);
      log.error({ pageId: hook.pageId, kind: e.kind, err: e.message }, 'webhook page could not be read');
      return answer(res, 502, { error: `could not read page ${hook.pageId} from Confluence: ${e.message}` });
    }
    if (event === undefined)
      return answer(res, 200, { produced: 0, pageId: hook.pageId, note: 'page is gone' });
    try {
      await opts.sink.send([event]);
    } catch (err) {
      log.error({ pageId: hook.pageId, err: (err as Error).message }, 'webhook event could not be written');
      return answer(res, 503, { error: 'could not write the event to Kafka' });
    }
    counts.produced++;
    log.info(
      { event: hook.event, pageId: event.pageId, type: event.type, version: event.version },
      'webhook event produced',
    );
    return answer(res, 200, { produced: 1, pageId: event.pageId, type: event.type, version: event.version });
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
