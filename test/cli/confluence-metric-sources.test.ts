import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import {
  confluenceGateSources,
  confluenceHttpSources,
  ingestSources,
  labelSources,
  webhookSources,
} from '../../src/cli/confluence-metric-sources.js';
import { newIngestCounts } from '../../src/confluence/ingest-runner.js';
import { newLabelStats } from '../../src/confluence/label-sync.js';
import { newWebhookCounts } from '../../src/confluence/webhook-receiver.js';
import type { MetricSource } from '../../src/telemetry/metric-source.js';
import { registerSources } from '../../src/telemetry/register-sources.js';

/** The sources as Prometheus reads them: series (name and labels, scope left out) → value. */
async function scrape(sources: MetricSource[]): Promise<Map<string, number>> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  registerSources(provider.getMeter('test'), sources);
  const text = new PrometheusSerializer().serialize((await exporter.collect()).resourceMetrics);
  await provider.shutdown();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '' || line.startsWith('target_info')) continue;
    const at = line.lastIndexOf(' ');
    const key = line
      .slice(0, at)
      .replace(/,?otel_scope_[a-z_]+="[^"]*"/g, '')
      .replace('{,', '{');
    series.set(key.replace(/\{\}$/, ''), Number(line.slice(at + 1)));
  }
  return series;
}

describe('the Confluence services’ metrics', () => {
  it('read the counts ingest keeps, live, as counters by event type', async () => {
    const counts = newIngestCounts();
    const http = { requests: 12, rateLimited: 2, serverErrors: 1, retries: 3 };
    const sources = [...confluenceHttpSources(http), ...ingestSources(counts)];
    counts.snapshots = 600;
    counts.updated = 20;
    counts.removed = 3;
    counts.polls = 7;
    counts.failedPolls = 1;
    const series = await scrape(sources);
    expect(series.get('tagspace_ingest_events_total{type="page_snapshot"}')).toBe(600);
    expect(series.get('tagspace_ingest_events_total{type="page_updated"}')).toBe(20);
    expect(series.get('tagspace_ingest_events_total{type="page_created"}')).toBe(0);
    expect(series.get('tagspace_ingest_events_total{type="page_removed"}')).toBe(3);
    expect(series.get('tagspace_ingest_polls_total')).toBe(7);
    expect(series.get('tagspace_ingest_polls_failed_total')).toBe(1);
    expect(series.get('tagspace_confluence_requests_total')).toBe(12);
    expect(series.get('tagspace_confluence_rate_limited_total')).toBe(2);
    expect(series.get('tagspace_confluence_server_errors_total')).toBe(1);
    expect(series.get('tagspace_confluence_retries_total')).toBe(3);
  });

  it('read what labels did with each record, its label changes and its lag, which is absent until known', async () => {
    const stats = newLabelStats();
    const lag: { now?: number } = {};
    const sources = labelSources(stats, () => lag.now);
    expect((await scrape(sources)).has('tagspace_labels_consumer_lag')).toBe(false);
    Object.assign(stats, { synced: 5, settled: 590, deadLettered: 1, labelsAdded: 9, labelsRemoved: 2 });
    lag.now = 4;
    const series = await scrape(sources);
    expect(series.get('tagspace_labels_records_total{outcome="synced"}')).toBe(5);
    expect(series.get('tagspace_labels_records_total{outcome="settled"}')).toBe(590);
    expect(series.get('tagspace_labels_records_total{outcome="dead_letter"}')).toBe(1);
    expect(series.get('tagspace_labels_changes_total{change="added"}')).toBe(9);
    expect(series.get('tagspace_labels_changes_total{change="removed"}')).toBe(2);
    expect(series.get('tagspace_labels_consumer_lag')).toBe(4);
  });

  it('read the webhook receiver’s deliveries, events produced and refusals', async () => {
    const counts = newWebhookCounts();
    Object.assign(counts, { received: 8, produced: 6, refused: 1 });
    const series = await scrape(webhookSources(counts));
    expect(series.get('tagspace_webhook_received_total')).toBe(8);
    expect(series.get('tagspace_webhook_produced_total')).toBe(6);
    expect(series.get('tagspace_webhook_refused_total')).toBe(1);
  });

  it("serve the site's limit as the gate learnt it, absent until a 429 showed one, and what it lets go now", async () => {
    let learnt: { windowMs?: number; requests?: number; shape?: 'sliding' } | undefined = { windowMs: 1_260 };
    let concurrency = 2;
    const sources = confluenceGateSources({ learnt: () => learnt, concurrency: () => concurrency });
    // The first 429 shows the window; the limit is served once the requests in it are counted.
    const before = await scrape(sources);
    expect([...before.keys()].filter((k) => k.startsWith('tagspace_confluence_quota'))).toEqual([]);
    expect(before.get('tagspace_confluence_concurrency_effective')).toBe(2);

    learnt = { windowMs: 10_757, requests: 100, shape: 'sliding' };
    concurrency = 0;
    const after = await scrape(sources);
    expect(after.get('tagspace_confluence_quota_requests')).toBe(100);
    expect(after.get('tagspace_confluence_quota_window_seconds')).toBe(10.757);
    expect(after.get('tagspace_confluence_concurrency_effective')).toBe(0);
  });
});
