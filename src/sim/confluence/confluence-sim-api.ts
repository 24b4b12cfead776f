import type { SimResponse } from '../sim-response.js';
import type { ConfluenceConfig } from './confluence-config.js';
import type { ConfluenceStatsSnapshot } from './confluence-stats.js';
import type { PageView } from './page-view.js';
import type { RandomEditOptions, SeededSpace, SeedOptions } from './seed-space.js';
import type { Webhook, WebhookRegistration } from './webhook-dispatcher.js';
import type { WikiRequest } from './wiki-route.js';
import type { NewPage, PageEdit } from './wiki-store.js';

/**
 * What the Confluence simulator offers besides its REST API: the request handler its HTTP server
 * mounts, and the control a person (or a test, or the demo) has over the wiki. A leaf contract,
 * so the control routes and the implementation (confluence-sim.ts) both depend on it and not on
 * each other.
 */
export interface ConfluenceSim {
  /** Answers a request for the REST API (api-context.ts) or /_confluence; undefined for any other path. */
  handle(req: WikiRequest): SimResponse | undefined;
  seedSpace(options: SeedOptions): SeededSpace;
  createPage(page: NewPage): PageView;
  /** A new version; without title or body, a person's generated edit (a new section). */
  editPage(id: string, edit?: PageEdit): PageView;
  editPages(options: RandomEditOptions): PageView[];
  trashPage(id: string): PageView;
  restorePage(id: string): PageView;
  purgePage(id: string): void;
  /** A person adds a label (split and lowercased as Cloud does); returns the names that were new. */
  addLabel(id: string, name: string): string[];
  removeLabel(id: string, name: string): boolean;
  page(id: string): PageView | undefined;
  pages(spaceKey?: string): PageView[];
  stats(options?: { pages?: boolean }): ConfluenceStatsSnapshot;
  resetStats(): void;
  config(): ConfluenceConfig;
  configure(patch: unknown): ConfluenceConfig;
  addWebhook(registration: WebhookRegistration): Webhook;
  removeWebhook(id: string): boolean;
  webhooks(): Webhook[];
  /** Resolves when every webhook event so far has been delivered or given up on. */
  webhooksIdle(): Promise<void>;
  /** Stops webhook deliveries; the handler keeps answering. */
  close(): void;
}
