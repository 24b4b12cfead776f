import { writeSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { redactSecrets } from '../model/errors.js';
import { prettyDestination } from './pretty-log.js';

/**
 * Structured logs: a fixed message, fields beside it, one logger per component, named after
 * tagspace's own parts. JSON lines on stderr, or human-friendly lines when stderr is a terminal
 * (telemetry/pretty-log.ts; the CLI decides with setLogFormat).
 */
export const LOG_TAGS = {
  concurrency: 'concurrency-limit',
  throttle: 'provider-call',
  fallback: 'router',
  cache: 'tag-cache',
  summary: 'summary',
  progress: 'progress',
} as const;

/** Pretty lines (for a person) or JSON lines (for a collector); colour only in pretty lines. */
export interface LogFormat {
  pretty: boolean;
  colour: boolean;
}

let format: LogFormat = { pretty: process.stderr.isTTY === true, colour: process.stderr.isTTY === true };

/** Sets how every logger, existing and future, writes (the CLI: terminal, NO_COLOR, FORCE_COLOR). */
export function setLogFormat(next: LogFormat): void {
  format = next;
}

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
    // Decided per line, so setLogFormat applies to loggers made before it was called.
    {
      write(chunk: string) {
        if (format.pretty) prettyDestination(2, { colour: format.colour }).write(chunk);
        else writeSync(2, chunk);
      },
    },
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
