import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePageEvent } from '../../../src/model/page-event.js';
import { cleanEnv, runCli } from '../../support/cli.js';

describe('tagspace gen --out', () => {
  it('writes the space as one PageEvent a line, and its ground truth beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-gen-'));
    const out = join(dir, 'space.jsonl');
    const truth = join(dir, 'truth.json');
    const result = await runCli(['gen', '--pages', '7', '--out', out, '--truth', truth], { env: cleanEnv() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`generated 7 pages (seed 1, space ENG) → ${out}\n`);
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.map((l) => validatePageEvent(JSON.parse(l)).pageId)).toHaveLength(7);
    expect(Object.keys(JSON.parse(readFileSync(truth, 'utf8')) as object)).toHaveLength(7);
  });

  it('fails, and does not report the space as written, when the file cannot take it', async () => {
    // /dev/full passes every start-up check and refuses the write itself (ENOSPC).
    const result = await runCli(['gen', '--pages', '3', '--out', '/dev/full'], { env: cleanEnv() });
    // Not a bad setting (exit 2): the path is fine, the disk is not.
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('tagspace: cannot write --out /dev/full: ENOSPC');
  });

  it('stops at start-up, writing nothing, when the directory of --out does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-gen-'));
    const result = await runCli(['gen', '--out', join(dir, 'missing', 'space.jsonl')], { env: cleanEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `tagspace: invalid --out: cannot write ${join(dir, 'missing', 'space.jsonl')}: directory ${join(dir, 'missing')} does not exist`,
    );
  });
});
