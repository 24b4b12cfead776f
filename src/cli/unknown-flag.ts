import { editDistance } from './edit-distance.js';
import { commandsOf, SETTINGS, type Setting } from './settings.js';

/**
 * What to say after "unknown option --x": the command's own flag it most likely meant, else the
 * commands that do take --x.
 *
 *   meant(x) = argmin over the command's flags f of d(x, f), kept when d ≤ max(1, ⌊|x| / 4⌋);
 *              else the one flag that starts with x (|x| ≥ 3)
 *   d        = edit distance (insert, delete, substitute, swap two neighbours) with '-' and '_'
 *              ignored, so --batchsize and --batch_size find --batch-size
 *
 * Why: a user who typed --spaces for --space, or --follow on `run`, should learn the fix from the
 * one line that stops start-up instead of from `--help`'s forty flags.
 */
export function unknownFlagHint(
  given: string,
  command: string,
  all: readonly Pick<Setting, 'flag' | 'commands' | 'type'>[] = SETTINGS,
): string | undefined {
  const name = given.replace(/^-+/, '').split('=')[0] ?? '';
  if (name === '') return undefined;
  const bare = (f: string) => f.replace(/[-_]/g, '').toLowerCase();
  const offered = all.filter((s) => commandsOf(s).includes(command));
  const flags = [
    'help',
    ...offered.flatMap((s) => (s.type === 'bool' ? [s.flag, `no-${s.flag}`] : [s.flag])),
  ];
  let best: { flag: string; d: number } | undefined;
  for (const flag of flags) {
    const d = editDistance(bare(name), bare(flag));
    if (best === undefined || d < best.d) best = { flag, d };
  }
  if (best !== undefined && best.d <= Math.max(1, Math.floor(name.length / 4))) {
    return `did you mean --${best.flag}?`;
  }
  const longer = flags.filter((f) => name.length >= 3 && bare(f).startsWith(bare(name)));
  if (longer.length === 1) return `did you mean --${longer[0]}?`;
  const elsewhere = all.filter((s) => s.flag === name || (s.type === 'bool' && `no-${s.flag}` === name));
  const commands = [...new Set(elsewhere.flatMap(commandsOf))].filter((c) => c !== command);
  if (commands.length === 0) return undefined;
  const list =
    commands.length === 1 ? commands[0] : `${commands.slice(0, -1).join(', ')} and ${commands.at(-1)}`;
  return `--${name} is a flag of ${list}, not of ${command}`;
}
