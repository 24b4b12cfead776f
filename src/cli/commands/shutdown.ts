import { logger } from '../../telemetry/log.js';

const log = logger('shutdown');

export interface ShutdownSignals {
  /** True once a first signal arrived. */
  readonly requested: boolean;
  dispose(): void;
}

/**
 * Graceful stop on SIGTERM / SIGINT: the first signal stops fetching and lets in-flight work
 * drain; if that takes longer than `deadlineMs`, `deadline` cuts it short (what is written is
 * still committed). A second signal exits at once (130), as a user pressing Ctrl-C twice expects.
 * Installed before anything else starts, so a signal during start-up stops the run cleanly too.
 */
export function onShutdownSignals(opts: {
  drain: () => void;
  deadline: () => void;
  deadlineMs: number;
}): ShutdownSignals {
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const handler = (signal: NodeJS.Signals) => {
    received++;
    if (received > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    log.info({ signal, deadlineMs: opts.deadlineMs }, 'shutting down: draining in-flight work');
    opts.drain();
    timer = setTimeout(() => {
      log.warn({ deadlineMs: opts.deadlineMs }, 'drain deadline passed: dropping unfinished work');
      opts.deadline();
    }, opts.deadlineMs);
    timer.unref();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return {
    get requested() {
      return received > 0;
    },
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    },
  };
}
