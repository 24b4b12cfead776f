import type { Config } from '../config.js';
import { kafkaConnection, reachKafka } from '../kafka-connection.js';
import { confluenceFromConfig } from '../confluence-from-config.js';
import { onShutdownSignals } from './shutdown.js';
import { newWebhookCounts, startWebhookReceiver } from '../../confluence/webhook-receiver.js';
import { createKafka } from '../../kafka/kafka-client.js';
import { PageEventWriter } from '../../kafka/page-event-writer.js';
import {
  confluenceGateSources,
  confluenceHttpSources,
  webhookSources,
} from '../confluence-metric-sources.js';
import { logger } from '../../telemetry/log.js';
import { serveServiceMetrics } from '../serve-service-metrics.js';
import { listenError } from '../../telemetry/metrics-server.js';
import { TagspaceError } from '../../model/errors.js';

const log = logger('webhook');

/**
 * `tagspace webhook`: serves Data Center webhooks on --port until SIGTERM (webhook-receiver.ts),
 * each page event read from Confluence and produced to --topic before it is answered 2xx. The
 * credentials are proven and Kafka connected before the port opens, so Confluence is never
 * answered 2xx by a receiver that cannot deliver.
 */
export async function webhookCommand(config: Config): Promise<number> {
  const cf = config.confluence;
  const client = confluenceFromConfig(config);
  const kafka = createKafka({ ...kafkaConnection(config), clientId: 'tagspace-webhook' });
  const writer = new PageEventWriter(kafka, config.kafka.topic);
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const signals = onShutdownSignals({
    drain: () => stop(),
    deadline: () => {},
    deadlineMs: config.shutdownTimeoutMs,
  });
  const counts = newWebhookCounts();
  let receiving = false;
  const metrics = await serveServiceMetrics(
    config,
    [
      ...confluenceHttpSources(client.api.http.stats),
      ...confluenceGateSources(client),
      ...webhookSources(counts),
    ],
    () => ({ receiving, kafka_writing: writer.writing }),
  ).catch(async (err: unknown) => {
    signals.dispose();
    await client.close();
    throw err;
  });
  try {
    await client.api.verifyCredentials();
    await reachKafka(config);
    await writer.start();
    const receiver = await startWebhookReceiver({
      secret: cf.webhookSecret as string,
      api: client.api,
      sink: writer,
      port: cf.webhook.port,
      host: cf.webhook.host,
      counts,
    }).catch((err: unknown) => {
      // A port in use (or not ours to bind) is a bad setting, named as --metrics-port's is.
      const at = `${cf.webhook.host}:${cf.webhook.port}`;
      throw new TagspaceError('config', `invalid --port: cannot listen on ${at} (${listenError(err)})`);
    });
    receiving = true;
    log.info({ url: receiver.url, topic: config.kafka.topic, site: client.root }, 'receiving webhooks');
    process.stdout.write(`receiving Confluence webhooks on ${receiver.url} → topic ${config.kafka.topic}\n`);
    await stopped;
    receiving = false;
    await receiver.close();
    const { received, produced, refused } = receiver.counts;
    process.stdout.write(
      `webhooks: ${received} received, ${produced} events produced, ${refused} refused (bad signature)\n`,
    );
    return 0;
  } finally {
    signals.dispose();
    await writer.close().catch(() => undefined);
    await client.close();
    await metrics.close();
  }
}
