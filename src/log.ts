import { pino, type Logger } from 'pino';
import { redactSecrets } from './errors.js';

/**
 * Structured logs: a fixed message, fields beside it, one logger per component. Component names
 * follow the origin document's log tags so existing dashboards and greps keep working.
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

function createRoot(): Logger {
  const level = process.env.TAGSPACE_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info';
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Last line of defence: whatever a component logs, nothing that looks like a key leaves.
        logMethod(args, method) {
          const cleaned = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a));
          method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
      redact: {
        paths: ['apiKey', '*.apiKey', 'key', '*.key', 'headers.authorization', 'headers["x-goog-api-key"]'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 2, sync: true }),
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
