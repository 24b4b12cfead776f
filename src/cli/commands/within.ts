import { logger } from '../../telemetry/log.js';

const log = logger('job');

/**
 * Waits for `work` at most `ms`: its value, or `undefined` once the time is up (logged, naming
 * `what`). The work itself goes on; only the wait ends — for steps of a stop that must not hold the
 * process past its deadline (a commit or a disconnect while the brokers are away). A rejection is
 * passed on.
 */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(
      () => {
        log.warn({ what, waitedMs: Math.round(ms) }, 'not finished in time: going on without it');
        resolve(undefined);
      },
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work, timeUp]);
  } finally {
    clearTimeout(timer);
  }
}
