import { LOG_TAGS, logger } from '../telemetry/log.js';
import { formatDuration } from './progress.js';

const log = logger(LOG_TAGS.progress);

/**
 * Progress of a job that counts things towards a total it may learn late (a crawl: pages read of
 * the pages the space has). On a TTY one stderr line, rewritten in place; elsewhere a structured
 * log line every `logEveryMs`, and one at the end:
 *
 *   rate = done / elapsed;   eta = (total − done) / rate
 */
export class CountProgress {
  private done = 0;
  private total: number | undefined;
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private lastLog = 0;

  constructor(
    private readonly what: string,
    private readonly opts: {
      tty?: boolean;
      intervalMs?: number;
      logEveryMs?: number;
      now?: () => number;
    } = {},
  ) {
    this.startedAt = this.now();
  }

  add(n: number): void {
    this.done += n;
  }

  setTotal(total: number): void {
    this.total = total;
  }

  start(): void {
    this.timer = setInterval(() => this.render(), this.opts.intervalMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) process.stderr.write(`\r\x1b[2K${this.line()}\n`);
    else log.info({ what: this.what, done: this.done, total: this.total }, 'progress');
  }

  line(now = this.now()): string {
    const elapsedS = Math.max(0.001, (now - this.startedAt) / 1000);
    const rate = this.done / elapsedS;
    const parts = [`${this.done}${this.total !== undefined ? `/${this.total}` : ''} ${this.what}`];
    if (this.total !== undefined && this.total > 0)
      parts.push(`${((100 * this.done) / this.total).toFixed(1)}%`);
    parts.push(`${rate.toFixed(1)}/s`);
    if (this.total !== undefined && rate > 0 && this.done < this.total)
      parts.push(`ETA ${formatDuration((this.total - this.done) / rate)}`);
    return `[${LOG_TAGS.progress}] ${parts.join(' · ')}`;
  }

  private get tty(): boolean {
    return this.opts.tty ?? process.stderr.isTTY === true;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private render(): void {
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${this.line()}`);
      return;
    }
    const now = this.now();
    if (now - this.lastLog < (this.opts.logEveryMs ?? 10_000)) return;
    this.lastLog = now;
    log.info({ what: this.what, done: this.done, total: this.total }, 'progress');
  }
}
