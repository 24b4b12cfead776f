import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why `path` cannot be written, or undefined when it can. Checked at start-up, so that a run whose
 * report, summary or output file has nowhere to go stops before its work, not after it.
 */
export function unwritableReason(path: string): string | undefined {
  const target = statOrUndefined(path);
  if (target?.isDirectory()) return `${path} is a directory`;
  if (target !== undefined) return writable(path) ? undefined : `${path} is not writable`;
  const dir = dirname(resolve(path));
  const parent = statOrUndefined(dir);
  if (parent === undefined) return `directory ${dir} does not exist`;
  if (!parent.isDirectory()) return `${dir} is not a directory`;
  return writable(dir) ? undefined : `directory ${dir} is not writable`;
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
