import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../telemetry/log.js';
import type { ConfluenceStats } from './confluence-stats.js';
import { webhookBody, webhookHeaders } from './webhook-payload.js';
import { WikiError } from './wiki-error.js';
import type { PageChange, PageChangeType } from './wiki-store.js';

/**
 * Delivers page events to the registered webhooks (registered with Data Center's body:
 * `{name, url, events, configuration: {secret}, active}`).
 *
 * Each webhook gets its events one at a time, in the order they happened; an attempt succeeds on
 * any 2xx within `timeoutMs`. A failed event is tried again `retries` times, the n-th retry after
 * retryDelayMs·2ⁿ⁻¹, then dropped (counted as failed). Simplification, stated: Data Center
 * documents neither retries nor ordering; the default (`retries: 0`) sends each event once and
 * loses it when the receiver is down, so a receiver must not count on redelivery.
 */
export const WEBHOOK_EVENTS: readonly PageChangeType[] = [
  'page_created',
  'page_updated',
  'page_trashed',
  'page_restored',
  'page_removed',
];

export interface WebhookRegistration {
  name?: string;
  url: string;
  events?: readonly string[];
  configuration?: { secret?: string };
  active?: boolean;
}

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: PageChangeType[];
  secret: string | undefined;
  active: boolean;
}

export interface DeliveryPolicy {
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
}

export class WebhookDispatcher {
  private readonly hooks = new Map<string, { hook: Webhook; tail: Promise<void> }>();
  private nextId = 1;
  private closed = false;
  private readonly log = logger('sim-confluence');

  constructor(
    private readonly stats: ConfluenceStats,
    private policy: DeliveryPolicy,
  ) {}

  setPolicy(policy: DeliveryPolicy): void {
    this.policy = { ...policy };
  }

  register(registration: WebhookRegistration): Webhook {
    let url: URL;
    try {
      url = new URL(registration.url);
    } catch {
      throw new WikiError('bad_request', `Not a URL: ${String(registration.url)}`);
    }
    const events = (registration.events ?? WEBHOOK_EVENTS) as PageChangeType[];
    for (const event of events) {
      if (!WEBHOOK_EVENTS.includes(event))
        throw new WikiError('bad_request', `Unknown webhook event: ${event}`);
    }
    const hook: Webhook = {
      id: String(this.nextId++),
      name: registration.name ?? `webhook ${this.nextId - 1}`,
      url: url.toString(),
      events: [...events],
      secret: registration.configuration?.secret,
      active: registration.active ?? true,
    };
    this.hooks.set(hook.id, { hook, tail: Promise.resolve() });
    return { ...hook };
  }

  remove(id: string): boolean {
    return this.hooks.delete(id);
  }

  list(): Webhook[] {
    return [...this.hooks.values()].map(({ hook }) => ({ ...hook, events: [...hook.events] }));
  }

  /** Queues the change for every active webhook that listens to its event. */
  notify(change: PageChange): void {
    if (this.closed) return;
    const body = webhookBody(change);
    for (const entry of this.hooks.values()) {
      const { hook } = entry;
      if (!hook.active || !hook.events.includes(change.type)) continue;
      entry.tail = entry.tail.then(() => this.deliver(hook, body));
    }
  }

  /** Resolves once every queued event has been delivered or given up on. */
  async idle(): Promise<void> {
    // Deliveries queued while waiting extend a tail, so wait until no tail moved.
    for (;;) {
      const tails = [...this.hooks.values()].map((e) => e.tail);
      await Promise.all(tails);
      const now = [...this.hooks.values()].map((e) => e.tail);
      if (now.length === tails.length && now.every((tail, i) => tail === tails[i])) return;
    }
  }

  close(): void {
    this.closed = true;
  }

  private async deliver(hook: Webhook, body: string): Promise<void> {
    const headers = webhookHeaders(body, hook.secret);
    for (let attempt = 0; attempt <= this.policy.retries && !this.closed; attempt++) {
      if (attempt > 0) await sleep(this.policy.retryDelayMs * 2 ** (attempt - 1));
      this.stats.webhook('attempts');
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(this.policy.timeoutMs),
        });
        await res.arrayBuffer();
        if (res.ok) {
          this.stats.webhook('delivered');
          return;
        }
        this.log.warn({ webhook: hook.name, status: res.status, attempt }, 'webhook refused');
      } catch (err) {
        this.log.warn({ webhook: hook.name, err: (err as Error).message, attempt }, 'webhook not delivered');
      }
    }
    this.stats.webhook('failed');
  }
}
