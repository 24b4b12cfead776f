import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT } from '../support/cli.js';

const run = promisify(execFile);
const project = mkdtempSync(join(tmpdir(), 'tagspace-packed-'));
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** `npx tagspace …` in the empty project the tarball was installed into. */
function tagspace(...args: string[]) {
  return run('npx', ['--no-install', 'tagspace', ...args], {
    cwd: project,
    env: cleanEnv(),
    timeout: 120_000,
  });
}

// What a user gets from the registry: `npm pack` (its prepack builds dist/) installed into an empty
// project, dependencies from the registry (or npm's cache), nothing of the repository beside it.
beforeAll(async () => {
  const packs = mkdtempSync(join(tmpdir(), 'tagspace-pack-'));
  await run('npm', ['pack', '--silent', '--pack-destination', packs], { cwd: REPO_ROOT, timeout: 180_000 });
  const [tarball] = readdirSync(packs).filter((f) => f.endsWith('.tgz'));
  writeFileSync(join(project, 'package.json'), '{ "name": "uses-tagspace", "private": true }\n');
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', join(packs, tarball as string)],
    { cwd: project, timeout: 300_000 },
  );
}, 600_000);

describe('the package as npm packs it', () => {
  it('ships the license, the samples and the scenarios the runtime reads', () => {
    const root = join(project, 'node_modules', 'tagspace');
    for (const file of ['LICENSE', 'samples/sample-space.jsonl', 'scenarios/demo.json', 'dist/cli.js'])
      expect(existsSync(join(root, file)), file).toBe(true);
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it('answers --help and --version', async () => {
    const help = await tagspace('--help');
    expect(help.stdout).toContain('Usage: tagspace <command>');
    const v = await tagspace('--version');
    expect(v.stdout.trim()).toBe(version);
  });

  it('runs the demo from the installed package and writes the tags', async () => {
    const { stdout } = await tagspace('demo');
    expect(stdout).toContain('27 events');
    expect(readFileSync(join(project, 'tags.jsonl'), 'utf8').trim().split('\n')).toHaveLength(27);
  });
});
