import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwritableReason } from '../../src/cli/output-file.js';

const dir = mkdtempSync(join(tmpdir(), 'tagspace-output-'));

describe('unwritableReason', () => {
  it('accepts a new file in a writable directory, and an existing file', () => {
    expect(unwritableReason(join(dir, 'new.json'))).toBeUndefined();
    writeFileSync(join(dir, 'old.json'), '{}');
    expect(unwritableReason(join(dir, 'old.json'))).toBeUndefined();
  });

  it('names a directory that does not exist, a parent that is a file, and a path that is a directory', () => {
    expect(unwritableReason(join(dir, 'gone', 'x.html'))).toBe(
      `directory ${join(dir, 'gone')} does not exist`,
    );
    writeFileSync(join(dir, 'file'), '');
    expect(unwritableReason(join(dir, 'file', 'x.html'))).toBe(`${join(dir, 'file')} is not a directory`);
    expect(unwritableReason(dir)).toBe(`${dir} is a directory`);
  });

  it('resolves a relative path against the working directory', () => {
    expect(unwritableReason('tags.jsonl')).toBeUndefined();
    expect(unwritableReason(join('no-such-dir-here', 'tags.jsonl'))).toBe(
      `directory ${join(process.cwd(), 'no-such-dir-here')} does not exist`,
    );
  });
});
