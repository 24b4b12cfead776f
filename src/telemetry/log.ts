import { pino, type Logger } from 'pino';
import { redactSecrets } from '../model/errors.js';
import { prettyDestination } from './pretty-log.js';

/**
 * Structured logs: a fixed message, fields beside it, one logger per component. Component names
 * follow the origin document's log tags so existing dashboards and greps keep working. JSON lines
 * on stderr, or human-friendly lines when stderr is a terminal (telemetry/pretty-log.ts).
 */
export const LOG_TAGS = {
  concurrency: 'ConcurrencyManager',
  throttle: 'THROTTLE',
  fallback: 'FALLBACK',
  cache: 'CACHE',
  summary: 'METRICS_SUMMARY',
  progress: 'OptimizedTagSpace',
} as const;

export type { Logger };

let root: Logger | undefined;
/**
 * The level is held here rather than in pino, because component loggers are created at import
 * time, before the CLI has read --log-level: a pino child keeps the level it was born with.
 */
let threshold: number = pino.levels.values.info ?? 30;

/** Sets the level of every logger, existing and future ('silent' turns logging off). */
export function setLogLevel(level: string): void {
  threshold = level === 'silent' ? Infinity : (pino.levels.values[level] ?? threshold);
}

function createRoot(): Logger {
  return pino(
    {
      level: 'trace',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Last line of defence: whatever a component logs, nothing that looks like a key leaves.
        logMethod(args, method, level) {
          if (level < threshold) return;
          const cleaned = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
      redact: {
        paths: ['apiKey', '*.apiKey', 'key', '*.key', 'headers.authorization', 'headers["x-goog-api-key"]'],
        censor: '[redacted]',
      },
    },
    // A person at a terminal gets readable lines; anything else (a pipe, a file, a collector) JSON.
    process.stderr.isTTY === true
      ? prettyDestination(2, { colour: true })
      : pino.destination({ dest: 2, sync: true }),
  );
}

/** Logs go to stderr, so stdout carries only what a user asked for (summaries, JSON). */
export function logger(component: string): Logger {
  root ??= createRoot();
  return root.child({ component });
}

/** For tests and the CLI's --log-level: replace the root (and so every later child). */
export function setRootLogger(next: Logger): void {
  root = next;
}
