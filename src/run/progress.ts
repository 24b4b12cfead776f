import { LOG_TAGS, logger, type Logger } from '../telemetry/log.js';
import type { RunStats } from './run-stats.js';

/** How often an idle run (every event accounted for, nothing new) says it is alive: 5 min. */
export const IDLE_LOG_EVERY_MS = 300_000;

/**
 * Shows a long run working. On a TTY: one line on stderr, rewritten in place, with rate and ETA
 * when the total is known. Elsewhere: a structured progress log line
 *
 *   every logEveryMs        while events are outstanding (accounted < events) or the counts
 *                           moved since the last line: a stall shows as the same numbers, line
 *                           after line
 *   every idleLogEveryMs    while idle: a `run` waiting for edits does not log 8,640 lines of
 *                           zeros a day
 *
 *   rate = accounted / elapsed;   eta = (total − accounted) / rate
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private lastLog = Number.NEGATIVE_INFINITY;
  /** `events` and `accounted` at the last line. */
  private logged = { events: -1, accounted: -1 };
  private readonly log: Logger;

  constructor(
    private readonly stats: RunStats,
    private readonly total: number | undefined,
    private readonly opts: {
      tty?: boolean;
      intervalMs?: number;
      logEveryMs?: number;
      idleLogEveryMs?: number;
      llmCalls?: () => number;
      now?: () => number;
    } = {},
  ) {
    this.log = logger(LOG_TAGS.progress);
  }

  start(): void {
    this.timer = setInterval(() => this.render(), this.opts.intervalMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) {
      this.render();
      process.stderr.write('\n');
    }
  }

  line(now = Date.now()): string {
    const done = this.stats.accounted;
    const elapsedS = Math.max(0.001, (now - this.stats.startedAt) / 1000);
    const rate = done / elapsedS;
    const parts = [`${done}${this.total !== undefined ? `/${this.total}` : ''} events`];
    if (this.total !== undefined && this.total > 0) parts.push(`${((100 * done) / this.total).toFixed(1)}%`);
    parts.push(`${rate.toFixed(1)}/s`);
    if (this.total !== undefined && rate > 0 && done < this.total)
      parts.push(`ETA ${formatDuration((this.total - done) / rate)}`);
    parts.push(`tagged ${this.stats.tagged}`, `cached ${this.stats.cached}`, `dlq ${this.stats.dlq}`);
    if (this.opts.llmCalls) parts.push(`llm calls ${this.opts.llmCalls()}`);
    return `[${LOG_TAGS.progress}] ${parts.join(' · ')}`;
  }

  private get tty(): boolean {
    return this.opts.tty ?? process.stderr.isTTY === true;
  }

  private render(): void {
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${this.line()}`);
      return;
    }
    const { events, accounted } = this.stats;
    const idle = accounted >= events && events === this.logged.events && accounted === this.logged.accounted;
    const every = idle ? (this.opts.idleLogEveryMs ?? IDLE_LOG_EVERY_MS) : (this.opts.logEveryMs ?? 10_000);
    const now = (this.opts.now ?? Date.now)();
    if (now - this.lastLog >= every) {
      this.lastLog = now;
      this.logged = { events, accounted };
      this.log.info(
        {
          events: this.stats.events,
          accounted: this.stats.accounted,
          total: this.total,
          tagged: this.stats.tagged,
        },
        'progress',
      );
    }
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
