/**
 * `tagspace run` on a shrunk clock, for bench/quota's multi-instance section:
 *
 *   node --import tsx bench/scaled-run.ts <time-scale> run [tagspace run flags]
 *
 * The CLI's own path (loadConfig → kafkaJob) in a process of its own, with the router's time
 * constants multiplied by the scale as bench/quota does for its in-process rows: the provider's
 * minute (`concurrency.minuteMs`), the backoff (from the configured --retry-base-ms, as the CLI
 * builds it), the hold between probes, the breaker's cool-downs and long-hint threshold, the
 * daily-quota cool-down. tagspace has no setting for these (bench/README.md, "What the bench needs
 * from the product"); everything else is the configured product.
 */
import { scaledRouterTimes } from './scaled-router-times.js';
import { kafkaJob } from '../src/cli/commands/kafka-job.js';
import { loadConfig } from '../src/cli/config.js';
import { asTagspaceError } from '../src/model/errors.js';
import { limitHeapGrowth } from '../src/cli/heap-growth.js';
import { setLogLevel } from '../src/telemetry/log.js';
import { ORIGIN_BACKOFF } from '../src/operators/backoff.js';

const [scaleText, command, ...flags] = process.argv.slice(2);
const scale = Number(scaleText);
if (!(scale > 0) || command !== 'run') {
  process.stderr.write('usage: scaled-run.ts <time-scale > 0> run [flags]\n');
  process.exit(2);
}

try {
  const config = loadConfig('run', flags);
  setLogLevel(config.logLevel);
  limitHeapGrowth(config.heapGrowthPercent);
  const base = config.retry.baseDelayMs * scale;
  process.exitCode = await kafkaJob(config, 'run', {
    backoff: {
      ...ORIGIN_BACKOFF,
      maxRetries: config.retry.maxRetries,
      baseDelayMs: base,
      maxDelayMs: 8 * base,
    },
    concurrency: { ...config.concurrency, minuteMs: 60_000 * scale },
    callDeadline: { ...config.callDeadline, minMs: config.callDeadline.minMs * scale },
    ...scaledRouterTimes(scale),
  });
} catch (err) {
  const e = asTagspaceError(err);
  process.stderr.write(`scaled-run: ${e.message}\n`);
  process.exitCode = e.kind === 'config' ? 2 : 1;
}
