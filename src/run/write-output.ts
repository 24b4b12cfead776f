import { writeFile } from 'node:fs/promises';
import { asTagspaceError, TagspaceError } from '../model/errors.js';

/**
 * Writes one file the user asked for (`--summary-json`, `--report`, `--out`, `--truth`). The path
 * was checked at start-up; a write the disk still refuses (ENOSPC, EIO, a quota) is that setting's
 * failure, said in one line naming it, not a bug with a stack.
 */
export async function writeOutput(setting: string, path: string, text: string): Promise<void> {
  await writeFile(path, text).catch((err: unknown) => {
    const reason = err instanceof Error ? err.message : String(err);
    throw new TagspaceError('output', `cannot write ${setting} ${path}: ${reason}`, { setting, cause: err });
  });
}

/**
 * Waits for every write, so that one refused file does not cost the others (a summary that could
 * not be written still leaves the report), then fails with all that were refused, in one line.
 */
export async function allWritten(writes: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(writes)).flatMap((r) =>
    r.status === 'rejected' ? [asTagspaceError(r.reason)] : [],
  );
  if (failed.length === 1) throw failed[0];
  if (failed.length > 1) throw new TagspaceError('output', failed.map((e) => e.message).join('; '));
}
