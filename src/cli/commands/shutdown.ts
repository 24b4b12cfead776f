import { logger } from '../../telemetry/log.js';

const log = logger('shutdown');

/** At most this much of the shutdown deadline is kept for the final commit and closing the clients. */
const CLOSE_RESERVE_MS = 5_000;
/** The commit and closes always get at least this long after the drain is cut. */
const MIN_CLOSE_MS = 1_000;

export interface ShutdownSignals {
  /** True once a first signal arrived. */
  readonly requested: boolean;
  /** Milliseconds left before the process exits whatever it is doing; undefined before a signal. */
  remainingMs(): number | undefined;
  dispose(): void;
}

/** When the drain is cut, and when the process exits, counted from the first signal. */
export function shutdownTimes(deadlineMs: number): { cutMs: number; exitMs: number } {
  const cutMs = Math.max(0, deadlineMs - Math.min(CLOSE_RESERVE_MS, deadlineMs / 4));
  return { cutMs, exitMs: Math.max(deadlineMs, cutMs + MIN_CLOSE_MS) };
}

/**
 * Graceful stop on SIGTERM / SIGINT, all of it within `deadlineMs` of the first signal:
 *
 *   signal ─ drain ─▶ cut ─ commit, close ─▶ exit      cut = deadline − min(5 s, deadline / 4)
 *                                                      exit = max(deadline, cut + 1 s)
 *
 * The first signal stops fetching and lets in-flight work drain; at the cut, `deadline` drops what
 * is unfinished (what is written is still committed). A process still alive at the exit time — a
 * client that cannot finish while the brokers are away — exits anyway, naming what was still open:
 * nothing it could still do is worth outliving the deadline (what was not committed is re-read by
 * the next run). A second signal exits at once (130), as a user pressing Ctrl-C twice expects.
 * Installed before anything else starts, so a signal during start-up stops the run cleanly too.
 */
export function onShutdownSignals(opts: {
  drain: () => void;
  deadline: () => void;
  deadlineMs: number;
}): ShutdownSignals {
  const { cutMs, exitMs } = shutdownTimes(opts.deadlineMs);
  let received = 0;
  let signalledAt: number | undefined;
  const timers: NodeJS.Timeout[] = [];
  const handler = (signal: NodeJS.Signals) => {
    received++;
    if (received > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    signalledAt = Date.now();
    log.info({ signal, deadlineMs: opts.deadlineMs }, 'shutting down: draining in-flight work');
    timers.push(
      setTimeout(() => {
        log.warn({ deadlineMs: opts.deadlineMs }, 'drain deadline passed: dropping unfinished work');
        opts.deadline();
      }, cutMs),
      setTimeout(() => {
        log.warn(
          { deadlineMs: opts.deadlineMs, open: process.getActiveResourcesInfo() },
          'shutdown deadline passed: exiting with clients still open',
        );
        process.exit(process.exitCode ?? 0);
      }, exitMs),
    );
    // Neither timer keeps the process alive: one that has finished exits on its own.
    for (const t of timers) t.unref();
    opts.drain();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return {
    get requested() {
      return received > 0;
    },
    remainingMs: () =>
      signalledAt === undefined ? undefined : Math.max(0, signalledAt + exitMs - Date.now()),
    dispose: () => {
      // The exit timer stays: it is what bounds the rest of the stop (closing, the summary).
      clearTimeout(timers[0]);
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    },
  };
}
