import { DEFAULT_BREAKER } from '../src/router/circuit-breaker.js';
import {
  DEFAULT_HOLD_MAX_DELAY_MS,
  DEFAULT_QUOTA_COOLDOWN_MS,
  type RouterOptions,
} from '../src/router/router-options.js';

/**
 * The router's own waits (probe hold, daily-quota cool-down, breaker cool-downs and what counts as
 * a long hint) × the time scale: a scaled run waits as long, in its shortened minutes, as a real one.
 */
export function scaledRouterTimes(
  scale: number,
): Required<Pick<RouterOptions, 'holdMaxDelayMs' | 'quotaCooldownMs' | 'breaker'>> {
  return {
    holdMaxDelayMs: DEFAULT_HOLD_MAX_DELAY_MS * scale,
    quotaCooldownMs: DEFAULT_QUOTA_COOLDOWN_MS * scale,
    breaker: {
      ...DEFAULT_BREAKER,
      longHintMs: DEFAULT_BREAKER.longHintMs * scale,
      cooldownMs: DEFAULT_BREAKER.cooldownMs * scale,
      maxCooldownMs: DEFAULT_BREAKER.maxCooldownMs * scale,
    },
  };
}
