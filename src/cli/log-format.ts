import type { LogFormat } from '../telemetry/log.js';

/**
 * How logs look on stderr, from the terminal and the colour conventions (no-color.org,
 * force-color.org):
 *
 *   pretty = stderr is a terminal ∨ colour forced        (else one JSON object per line)
 *   colour = FORCE_COLOR set and not "0"  ∨  (terminal ∧ NO_COLOR unset or empty ∧ FORCE_COLOR ≠ "0")
 */
export function logFormat(env: Record<string, string | undefined>, tty: boolean): LogFormat {
  const force = env.FORCE_COLOR;
  const forced = force !== undefined && force !== '' && force !== '0' && force !== 'false';
  const refused = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || force === '0' || force === 'false';
  const colour = forced || (tty && !refused);
  return { pretty: tty || forced, colour };
}
