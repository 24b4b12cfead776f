import { TagspaceError } from '../model/errors.js';

/** A setting that names a file or a topic: its key, its flag and the name it holds. */
export type NamingSetting = readonly [key: string, flag: string, value: string | undefined];

/**
 * Stops start-up when two settings that must name different things name one: a
 * `--summary-json tags.jsonl` would overwrite the demo's tag state, a `--dlq-topic` that is the
 * `--topic` reads every dead letter back as an event and dead-letters it again, forever. The
 * setting blamed is one the user gave, never a default (defaults are compared first); `same`
 * says when two values name one thing (a path resolved, a topic as it is).
 */
export function refuseShared(
  what: 'file' | 'topic',
  settings: readonly NamingSetting[],
  name: (key: string, flag: string) => string,
  given: (key: string) => boolean,
  same: (value: string) => string = (v) => v,
): void {
  const ordered = [...settings].sort(([a], [b]) => Number(given(a)) - Number(given(b)));
  const seen = new Map<string, string>();
  for (const [key, flag, value] of ordered) {
    if (value === undefined) continue;
    const setting = given(key) ? name(key, flag) : `${flag} (its default)`;
    const alsoBy = seen.get(same(value));
    if (alsoBy !== undefined) {
      throw new TagspaceError(
        'config',
        `invalid ${setting}: ${value} is already ${alsoBy}; give each its own ${what}`,
        { setting },
      );
    }
    seen.set(same(value), setting);
  }
}
