import { access, constants, stat } from 'node:fs/promises';
import type { Config } from '../config.js';
import { TagspaceError } from '../../model/errors.js';
import { logger } from '../../telemetry/log.js';
import { packageFile } from '../package-root.js';
import { routerFromConfig } from '../router-from-config.js';
import { runTagging } from '../../pipeline/run-tagging.js';
import { RunStats } from '../../run/run-stats.js';
import { loadScenarioFile } from '../../sim/scenario-file.js';
import { startSimulator } from '../../sim/simulator.js';
import { jsonlDeliveries, jsonlSink, readTagFile } from '../../kafka/jsonl-file.js';
import { buildSummary, reportSummary } from '../../run/summary.js';
import { allWritten } from '../../run/write-output.js';
import { TagCache } from '../../pipeline/tag-cache.js';
import { startTelemetry } from '../start-telemetry.js';

const log = logger('demo');

/**
 * `tagspace demo`, the embedded default: no Kafka, no keys, no network. The bundled sample space
 * (or --input) goes through the same pipeline as `replay`, against the provider simulator served
 * in-process on loopback, through the real SDKs. TagRecords are appended to --out (default
 * tags.jsonl), which is read back on the next start as the persistent tag state.
 */
export async function demoCommand(config: Config): Promise<number> {
  if (config.confluence.demo) return (await import('./confluence-demo.js')).confluenceDemo(config);
  const input = config.input ?? packageFile('samples/sample-space.jsonl');
  await access(input, constants.R_OK).catch((err: NodeJS.ErrnoException) => {
    throw new TagspaceError('config', `invalid --input: cannot read ${input} (${err.code ?? err.message})`);
  });
  // A directory passes access(): refuse it as the other file settings do, not with a read's EISDIR.
  if ((await stat(input)).isDirectory()) {
    throw new TagspaceError('config', `invalid --input: cannot read ${input} (EISDIR)`);
  }
  const out = config.out as string;
  const dlqOut = `${out.replace(/\.jsonl$/, '')}.dlq.jsonl`;
  const scenario = await loadScenarioFile(config.scenario ?? packageFile('scenarios/demo.json'));
  const sim = await startSimulator({ scenario, port: 0 });
  log.info({ input, out, simulator: sim.url }, 'demo: tagging through the in-process simulator');

  // The demo's providers are the simulator's: keys and base URLs from the environment are ignored.
  const router = routerFromConfig({
    ...config,
    gemini: { ...config.gemini, apiKey: 'demo-gemini-key', baseUrl: sim.geminiBaseUrl },
    openai: { ...config.openai, apiKey: 'demo-openai-key', baseUrl: sim.openaiBaseUrl },
  });
  const cache = new TagCache({ enabled: config.cache.enabled, maxSize: config.cache.size });
  const stats = new RunStats();
  // The demo's providers are both the simulator's, always configured.
  const telemetry = await startTelemetry(config.telemetry, {
    command: 'demo',
    router,
    cache,
    providers: ['gemini', 'openai'],
  });
  try {
    if (config.restore) {
      const started = Date.now();
      const restored = await readTagFile(
        out,
        (r) => cache.restore(r),
        (pageId) => cache.remove(pageId),
      );
      log.info({ file: out, records: restored, durationMs: Date.now() - started }, 'tag state restored');
    }
    await runTagging({
      deliveries$: jsonlDeliveries(input),
      sink: jsonlSink(out, dlqOut),
      written: (outcome) => {
        stats.written(outcome);
        telemetry.written(outcome);
      },
      deps: { router, cache, stats, batch: config.batch, observer: telemetry.observer },
    }).done;
  } finally {
    router.close();
    await sim.close();
    await telemetry.shutdown();
  }
  const summary = buildSummary(stats, router.metrics(), cache.stats());
  try {
    await allWritten([reportSummary(summary, config.summaryJson), telemetry.finish(summary)]);
  } finally {
    // The tags were written whatever became of the summary or report: say where.
    process.stdout.write(`${closingLine(stats, out, dlqOut, config.restore)}\n`);
  }
  return 0;
}

/**
 * The demo's last line: where its records went, or — on a rerun that found every page already
 * tagged — that nothing was new and how to tag again, so a second `npm start` does not read as broken.
 */
export function closingLine(
  stats: Pick<RunStats, 'tagged' | 'cached' | 'tombstones' | 'dlq' | 'skipped'>,
  out: string,
  dlqOut: string,
  restored: boolean,
): string {
  const written = stats.tagged + stats.cached + stats.tombstones;
  const dead =
    stats.dlq > 0 ? `, ${stats.dlq} dead ${stats.dlq === 1 ? 'letter' : 'letters'} to ${dlqOut}` : '';
  if (written > 0 || stats.dlq > 0)
    return `${written} ${written === 1 ? 'record' : 'records'} written to ${out}${dead}`;
  if (restored && stats.skipped.duplicate > 0)
    return `nothing new: every page is already tagged in ${out} (pass --no-restore, or delete it, to tag again)`;
  return `nothing written to ${out}`;
}
