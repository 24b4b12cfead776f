import type { HttpStats } from '../confluence/confluence-http.js';
import type { IngestCounts } from '../confluence/ingest-runner.js';
import type { LabelStats } from '../confluence/label-sync.js';
import type { WebhookCounts } from '../confluence/webhook-receiver.js';
import type { LearntQuota } from '../router/pacing/pacer.js';
import type { MetricSource } from '../telemetry/metric-source.js';

/**
 * The Confluence services' own counts as metrics, read at each scrape (docs/operations.md):
 *
 *   tagspace_confluence_{requests,rate_limited,server_errors,retries}_total   every command
 *   tagspace_confluence_quota_{requests,window_seconds},
 *   tagspace_confluence_concurrency_effective                                 every command
 *   tagspace_ingest_events_total{type}, tagspace_ingest_polls_total,
 *   tagspace_ingest_polls_failed_total                                        ingest
 *   tagspace_labels_records_total{outcome}, tagspace_labels_changes_total{change},
 *   tagspace_labels_consumer_lag                                              labels
 *   tagspace_webhook_{received,produced,refused}_total                        webhook
 */
export function confluenceHttpSources(stats: HttpStats): MetricSource[] {
  return [
    counter(
      'tagspace.confluence.requests',
      'requests sent to Confluence, retries included',
      () => stats.requests,
    ),
    counter(
      'tagspace.confluence.rate_limited',
      'requests Confluence refused with 429',
      () => stats.rateLimited,
    ),
    counter(
      'tagspace.confluence.server_errors',
      'requests Confluence answered with a 5xx',
      () => stats.serverErrors,
    ),
    counter(
      'tagspace.confluence.retries',
      'requests sent again after a 429, a 5xx or a timeout',
      () => stats.retries,
    ),
  ];
}

/** What the client's gate knows of the site's limit, and what it lets go now. */
export interface ConfluenceGateView {
  learnt(): LearntQuota | undefined;
  /** Calls at once the gate lets go now: 0 while a Retry-After pauses every call. */
  concurrency(): number;
}

export function confluenceGateSources(gate: ConfluenceGateView): MetricSource[] {
  // Once requests are counted: the window alone, read from the first 429, is not yet a limit.
  const limit = () => {
    const quota = gate.learnt();
    return quota?.requests === undefined || quota.windowMs === undefined ? undefined : quota;
  };
  return [
    {
      name: 'tagspace.confluence.quota.requests',
      description: "the site's requests per window, as its 429s showed (absent until one)",
      kind: 'gauge',
      read: () => limit()?.requests,
    },
    {
      name: 'tagspace.confluence.quota.window_seconds',
      description: "the window the site's limit is counted over, as its 429s showed (absent until one)",
      kind: 'gauge',
      read: () => {
        const windowMs = limit()?.windowMs;
        return windowMs === undefined ? undefined : windowMs / 1000;
      },
    },
    {
      name: 'tagspace.confluence.concurrency_effective',
      description: 'Confluence calls at once the gate lets go now (0 while a Retry-After lasts)',
      kind: 'gauge',
      read: () => gate.concurrency(),
    },
  ];
}

export function ingestSources(counts: IngestCounts): MetricSource[] {
  return [
    {
      name: 'tagspace.ingest.events',
      description: 'page events produced, by type',
      kind: 'counter',
      read: () => [
        { value: counts.snapshots, labels: { type: 'page_snapshot' } },
        { value: counts.created, labels: { type: 'page_created' } },
        { value: counts.updated, labels: { type: 'page_updated' } },
        { value: counts.removed, labels: { type: 'page_removed' } },
      ],
    },
    counter('tagspace.ingest.polls', 'polls of every followed space for edits', () => counts.polls),
    counter(
      'tagspace.ingest.polls_failed',
      'polls of a space that failed after their retries (tried again next interval)',
      () => counts.failedPolls,
    ),
  ];
}

export function labelSources(stats: LabelStats, lag: () => number | undefined): MetricSource[] {
  return [
    {
      name: 'tagspace.labels.records',
      description: 'TagRecords handled, by outcome (label-sync.ts)',
      kind: 'counter',
      read: () => [
        { value: stats.synced, labels: { outcome: 'synced' } },
        { value: stats.settled, labels: { outcome: 'settled' } },
        { value: stats.superseded, labels: { outcome: 'superseded' } },
        { value: stats.trashed, labels: { outcome: 'trashed' } },
        { value: stats.deadLettered, labels: { outcome: 'dead_letter' } },
      ],
    },
    {
      name: 'tagspace.labels.changes',
      description: 'labels added to and removed from pages',
      kind: 'counter',
      read: () => [
        { value: stats.labelsAdded, labels: { change: 'added' } },
        { value: stats.labelsRemoved, labels: { change: 'removed' } },
      ],
    },
    {
      name: 'tagspace.labels.consumer_lag',
      description: 'TagRecords not yet committed: high watermark \u2212 committed offset',
      kind: 'gauge',
      read: lag,
    },
  ];
}

export function webhookSources(counts: WebhookCounts): MetricSource[] {
  return [
    counter('tagspace.webhook.received', 'webhook deliveries received', () => counts.received),
    counter('tagspace.webhook.produced', 'page events produced from webhooks', () => counts.produced),
    counter(
      'tagspace.webhook.refused',
      'webhook deliveries refused for a missing or wrong signature',
      () => counts.refused,
    ),
  ];
}

function counter(name: string, description: string, read: () => number): MetricSource {
  return { name, description, kind: 'counter', read };
}
