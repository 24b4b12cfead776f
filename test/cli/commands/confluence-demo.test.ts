import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../../support/cli.js';

describe('tagspace demo --confluence', () => {
  it('runs simulated Confluence → ingest → tagging → labels in one process and prints pages with their new labels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-cdemo-'));
    const result = await runCli(['demo', '--confluence'], { env: cleanEnv(), cwd: dir, timeoutMs: 60_000 });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stdout).toMatch(/crawled 40 pages of space DEMO, tagged 40, labelled \d+ pages/);
    const added = [...result.stdout.matchAll(/labels added by tagspace: (.+)/g)].map((m) => m[1] as string);
    expect(added).toHaveLength(5);
    expect(added.every((l) => l !== '—' && /^[a-z0-9][a-z0-9_, -]*$/.test(l))).toBe(true);
    // The person's label on the first page is still theirs.
    expect(result.stdout).toMatch(/labels people added:\s+.*reviewed-by-alice/);
    // Nothing written to disk, nothing but the demo's own output.
    expect(readdirSync(dir)).toEqual([]);
  });
});
