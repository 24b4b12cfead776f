import { from, lastValueFrom, map, tap, toArray } from 'rxjs';
import type { Config } from '../config.js';
import { confluenceFromConfig } from '../confluence-from-config.js';
import { packageFile } from '../package-root.js';
import { routerFromConfig } from '../router-from-config.js';
import { crawlSpace } from '../../confluence/crawl-space.js';
import type { LabelOwnership } from '../../confluence/label-ownership.js';
import { newLabelStats, syncLabels, type LabelMessage } from '../../confluence/label-sync.js';
import type { PageEvent } from '../../model/page-event.js';
import type { Delivery, Outcome } from '../../model/work.js';
import { runTagging } from '../../pipeline/run-tagging.js';
import { TagCache } from '../../pipeline/tag-cache.js';
import { RunStats } from '../../run/run-stats.js';
import { DEFAULT_USER } from '../../sim/confluence/confluence-config.js';
import { createConfluenceSim } from '../../sim/confluence/confluence-sim.js';
import { inProcessFetch } from '../../sim/confluence/in-process-fetch.js';
import { loadScenarioFile } from '../../sim/scenario-file.js';
import { startSimulator } from '../../sim/simulator.js';
import { logger } from '../../telemetry/log.js';

const log = logger('demo');
const SITE = 'http://confluence.sim';
const SPACE = 'DEMO';
const PAGES = 40;
const SHOWN = 5;

/**
 * `tagspace demo --confluence`: the whole loop in one process. A simulated Confluence site (its
 * fetch answered in process, no socket) is crawled by the ingest code, the events go through the
 * tagging pipeline against the in-process provider simulator, and the TagRecords are written back
 * as labels by the labels code, with a person's label on the first page left alone. Prints a few
 * pages with the labels they now carry.
 */
export async function confluenceDemo(config: Config): Promise<number> {
  const wiki = createConfluenceSim();
  const { pageIds } = wiki.seedSpace({ key: SPACE, pages: PAGES, seed: 7, name: 'Demo space' });
  const first = pageIds[0] as string;
  wiki.addLabel(first, 'reviewed-by-alice');
  const client = confluenceFromConfig(
    {
      ...config,
      confluence: { ...config.confluence, url: SITE, credentials: { kind: 'basic', ...DEFAULT_USER } },
    },
    inProcessFetch(wiki, SITE),
  );
  const scenario = await loadScenarioFile(config.scenario ?? packageFile('scenarios/demo.json'));
  const providers = await startSimulator({ scenario, port: 0 });
  const router = routerFromConfig({
    ...config,
    gemini: { ...config.gemini, apiKey: 'demo-gemini-key', baseUrl: providers.geminiBaseUrl },
    openai: { ...config.openai, apiKey: 'demo-openai-key', baseUrl: providers.openaiBaseUrl },
  });
  try {
    await client.api.verifyCredentials();
    const events: PageEvent[] = [];
    await crawlSpace(client.api, SPACE, { emit: async (batch) => void events.push(...batch) });
    log.info({ space: SPACE, pages: events.length }, 'demo: space crawled from the simulated Confluence');

    const records: Outcome[] = [];
    const stats = new RunStats();
    await runTagging({
      deliveries$: from(events.map(deliveryOf)),
      sink: tap((o) => void records.push(o)),
      written: (o) => stats.written(o),
      deps: {
        router,
        cache: new TagCache({ enabled: config.cache.enabled, maxSize: config.cache.size }),
        stats,
        batch: config.batch,
      },
    }).done;

    const tagged = records.flatMap((o) => (o.kind === 'tagged' ? [o] : []));
    const messages = tagged.map((o): LabelMessage => ({
      delivery: o.delivery,
      target: { pageId: o.record.pageId, version: o.record.version, tags: o.record.tags },
    }));
    const ownership = new Map<string, LabelOwnership>();
    const labelStats = newLabelStats();
    await lastValueFrom(
      syncLabels(
        from(messages),
        {
          api: client.api,
          ownership,
          record: async () => {},
          deadLetter: async (d, e) =>
            log.warn({ pageId: d.key?.toString(), err: e.message }, 'demo: page not labelled'),
          finished: () => {},
        },
        { dryRun: false, concurrency: config.confluence.maxConcurrency * 2 },
        labelStats,
      ).pipe(
        map(() => 1),
        toArray(),
      ),
    );

    const lines = [
      `Confluence demo: crawled ${events.length} pages of space ${SPACE}, tagged ${tagged.length}, ` +
        `labelled ${labelStats.pagesWritten} pages (+${labelStats.labelsAdded} labels; ${labelStats.personalKept} equal to a person's were left theirs)`,
      '',
    ];
    for (const id of [first, ...pageIds.slice(1, SHOWN)]) {
      const page = wiki.page(id);
      if (page === undefined) continue;
      const byTagspace = page.labels.filter((l) => l.addedBy === 'api').map((l) => l.name);
      const byPeople = page.labels.filter((l) => l.addedBy === 'person').map((l) => l.name);
      lines.push(`  ${page.title}`, `    labels added by tagspace: ${byTagspace.join(', ') || '—'}`);
      lines.push(`    labels people added:      ${byPeople.join(', ') || '—'}`);
    }
    const { requests, labelWrites } = wiki.stats();
    lines.push('', `Confluence (simulated): ${requests} requests, ${labelWrites} label writes`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    router.close();
    await providers.close();
    await client.close();
    wiki.close();
  }
}

function deliveryOf(event: PageEvent, i: number): Delivery {
  return {
    topic: `confluence:${event.spaceKey}`,
    partition: 0,
    offset: String(i),
    key: Buffer.from(event.pageId),
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
    receivedAt: Date.now(),
  };
}
