import { logger } from '../log.js';

const log = logger('shutdown');

/**
 * Graceful stop on SIGTERM / SIGINT: the first signal stops fetching and lets in-flight work
 * drain; if that takes longer than `deadlineMs`, `deadline` cuts it short (what is written is
 * still committed). A second signal exits at once.
 */
export function onShutdownSignals(opts: { drain: () => void; deadline: () => void; deadlineMs: number }): {
  dispose: () => void;
} {
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
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    },
  };
}
