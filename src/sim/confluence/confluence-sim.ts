import { apiContext, isApiPath } from './api-context.js';
import { gatewayRoute } from './api-gateway.js';
import type { ConfluenceSim } from './confluence-sim-api.js';
import { mergeConfluenceConfig, parseConfluenceConfig } from './confluence-config.js';
import { ConfluenceStats } from './confluence-stats.js';
import { handleConfluenceControl } from './control-routes.js';
import { pageView } from './page-view.js';
import { RequestRateLimit } from './request-rate-limit.js';
import { editRandomPages, generatedEdit, seedSpace, type SeedOptions } from './seed-space.js';
import { WebhookDispatcher, type WebhookRegistration } from './webhook-dispatcher.js';
import { createWikiApi } from './wiki-api.js';
import { WikiStore } from './wiki-store.js';

/**
 * The Confluence simulator without its HTTP server: a request handler for the REST API (under
 * /wiki on Cloud, also through the API gateway's /ex/confluence/{cloudId}: api-gateway.ts; under
 * the context path on Data Center: api-context.ts) and /_confluence (the control API), and the same control as in-process calls for tests and the demo.
 * start-confluence-sim.ts serves it on its own port; `tagspace sim` mounts it beside the
 * provider simulator.
 */
export interface ConfluenceSimOptions {
  /** A `confluence` config block (confluence-config.ts); defaults when absent. */
  config?: unknown;
  spaces?: readonly SeedOptions[];
  webhooks?: readonly WebhookRegistration[];
  now?: () => number;
}

export function createConfluenceSim(options: ConfluenceSimOptions = {}): ConfluenceSim {
  const now = options.now ?? Date.now;
  let config = parseConfluenceConfig(options.config);
  const store = new WikiStore(now);
  const stats = new ConfluenceStats(now(), now);
  const rateLimit = new RequestRateLimit(config.rateLimit ?? undefined, now);
  const dispatcher = new WebhookDispatcher(stats, config.webhookDelivery);
  store.onChange((change) => dispatcher.notify(change));
  const wiki = createWikiApi({
    store,
    stats,
    rateLimit,
    now,
    config: () => config,
  });

  const sim: ConfluenceSim = {
    handle: (req) => {
      if (req.path.startsWith('/_confluence/')) return handleConfluenceControl(sim, req);
      const context = apiContext(config.deployment, config.contextPath);
      const gateway = config.deployment === 'cloud' ? gatewayRoute(req, config.cloudId) : undefined;
      if (gateway?.kind === 'answer') return gateway.response;
      if (gateway?.kind === 'wiki')
        return isApiPath(gateway.req.path, context) ? wiki(gateway.req) : undefined;
      if (isApiPath(req.path, context)) return wiki(req);
      return undefined;
    },
    seedSpace: (seed) => seedSpace(store, seed),
    createPage: (page) => pageView(store.createPage(page)),
    editPage: (id, edit = {}) => {
      const page = store.requirePage(id);
      const change =
        edit.title === undefined && edit.body === undefined ? generatedEdit(page, page.version.number) : {};
      return pageView(store.editPage(id, { ...edit, ...change }));
    },
    editPages: (edits) => editRandomPages(store, edits).map(pageView),
    trashPage: (id) => pageView(store.trashPage(id)),
    restorePage: (id) => pageView(store.restorePage(id)),
    purgePage: (id) => store.purgePage(id),
    addLabel: (id, name) => {
      const added = store.addLabels(store.requirePage(id), [name], 'global', 'person');
      stats.count('personLabels', added.length);
      return added;
    },
    removeLabel: (id, name) => store.removeLabel(store.requirePage(id), name),
    page: (id) => {
      const page = store.page(id);
      return page === undefined ? undefined : pageView(page);
    },
    pages: (spaceKey) =>
      [...store.pages()].filter((p) => spaceKey === undefined || p.spaceKey === spaceKey).map(pageView),
    stats: (opts) => stats.snapshot(opts?.pages === true),
    resetStats: () => stats.reset(),
    config: () => config,
    configure: (patch) => {
      const next = mergeConfluenceConfig(config, patch);
      rateLimit.configure(next.rateLimit ?? undefined);
      dispatcher.setPolicy(next.webhookDelivery);
      config = next;
      return config;
    },
    addWebhook: (registration) => dispatcher.register(registration),
    removeWebhook: (id) => dispatcher.remove(id),
    webhooks: () => dispatcher.list(),
    webhooksIdle: () => dispatcher.idle(),
    close: () => dispatcher.close(),
  };
  for (const space of options.spaces ?? []) sim.seedSpace(space);
  for (const hook of options.webhooks ?? []) sim.addWebhook(hook);
  return sim;
}
