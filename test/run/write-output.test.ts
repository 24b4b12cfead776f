import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { allWritten, writeOutput } from '../../src/run/write-output.js';

describe('writeOutput', () => {
  it('writes the text to the file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tagspace-out-')), 'summary.json');
    await writeOutput('--summary-json', path, '{}\n');
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
  });

  it('turns a write the disk refuses into an output error naming the setting, the file and the reason', async () => {
    // /dev/full accepts the open and refuses the write: a full disk.
    const err = await writeOutput('--report', '/dev/full', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TagspaceError);
    expect(err).toMatchObject({
      kind: 'output',
      retriable: false,
      setting: '--report',
      message: expect.stringMatching(/^cannot write --report \/dev\/full: ENOSPC/),
    });
  });
});

describe('allWritten', () => {
  it('waits for every write and resolves when all succeed', async () => {
    await expect(allWritten([Promise.resolve(), Promise.resolve()])).resolves.toBeUndefined();
  });

  it('still lets the other writes finish when one fails, then fails with that one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tagspace-out-')), 'report.html');
    const err = await allWritten([
      writeOutput('--summary-json', '/dev/full', '{}'),
      writeOutput('--report', path, '<html>'),
    ]).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'output', setting: '--summary-json' });
    expect(readFileSync(path, 'utf8')).toBe('<html>');
  });

  it('names every refused file in one line when several fail', async () => {
    const err = await allWritten([
      writeOutput('--summary-json', '/dev/full', '{}'),
      writeOutput('--report', '/dev/full', '<html>'),
    ]).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'output' });
    expect((err as Error).message).toMatch(
      /^cannot write --summary-json \/dev\/full: ENOSPC.*; cannot write --report \/dev\/full: ENOSPC/,
    );
  });

  it('reports a failure that is not a file write as the bug it is', async () => {
    const err = await allWritten([Promise.reject(new Error('boom'))]).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'internal', message: 'boom' });
  });
});
