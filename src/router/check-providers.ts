import { asTagspaceError, TagspaceError } from '../model/errors.js';
import type { Logger } from '../telemetry/log.js';
import type { ProviderPool } from './provider-pool.js';

export interface CheckProvidersOptions {
  /** How long each provider has to answer; one that has not is left to its calls. */
  timeoutMs: number;
  /** Ends the checks at once (a signal during start-up). */
  signal?: AbortSignal;
  log: Logger;
}

/**
 * Start-up's proof of each provider's key and model (Provider.check), so that a wrong setting is
 * said in seconds, not when the first page comes — on a quiet topic, hours later:
 *
 *   refused (auth, config)   → the provider is unusable from now, as after a refused call
 *   every provider refused   → the pool's error naming every setting (returned: start-up stops)
 *   anything else, or silent → said and left to the calls: a provider down now may serve later
 */
export async function checkProviders(
  pool: ProviderPool,
  opts: CheckProvidersOptions,
): Promise<TagspaceError | undefined> {
  const { log } = opts;
  await Promise.all(
    pool.slots.map(async (slot) => {
      const { provider } = slot;
      if (provider.check === undefined) return;
      const signal = AbortSignal.any([
        AbortSignal.timeout(opts.timeoutMs),
        ...(opts.signal === undefined ? [] : [opts.signal]),
      ]);
      try {
        await provider.check(signal);
        log.info({ provider: provider.name, model: provider.model }, 'provider key and model accepted');
      } catch (err) {
        if (opts.signal?.aborted === true) return;
        const error = signal.aborted
          ? new TagspaceError('timeout', `${provider.name} did not answer within ${opts.timeoutMs} ms`)
          : asTagspaceError(err);
        if (error.kind === 'auth' || error.kind === 'config') {
          slot.refused(error);
          log.error(
            { provider: provider.name, kind: error.kind, status: error.status, setting: error.setting },
            'provider unusable until its setting is fixed',
          );
        } else {
          // Rate-limited means the key works; anything else is the provider's state now, not a setting.
          if (error.kind === 'rate_limited') return;
          log.warn(
            { provider: provider.name, kind: error.kind, err: error.message },
            'provider not reached at start-up',
          );
        }
      }
    }),
  );
  pool.update();
  return pool.noneUsable();
}
