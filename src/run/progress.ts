import { LOG_TAGS, logger } from '../telemetry/log.js';
import type { RunStats } from './run-stats.js';

const log = logger(LOG_TAGS.progress);

/**
 * Shows a long run working. On a TTY: one line on stderr, rewritten in place, with rate and ETA
 * when the total is known. Elsewhere: a structured progress log line every `logEveryMs`.
 *
 *   rate = accounted / elapsed;   eta = (total − accounted) / rate
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private lastLog = 0;

  constructor(
    private readonly stats: RunStats,
    private readonly total: number | undefined,
    private readonly opts: {
      tty?: boolean;
      intervalMs?: number;
      logEveryMs?: number;
      llmCalls?: () => number;
    } = {},
  ) {}

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
    const now = Date.now();
    if (now - this.lastLog >= (this.opts.logEveryMs ?? 10_000)) {
      this.lastLog = now;
      log.info(
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
