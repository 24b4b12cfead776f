import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli, type CliProcess } from '../../support/cli.js';
import { waitFor } from '../../support/wait-for.js';

const dirs: string[] = [];
const running: CliProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function scenarioFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tagspace-sim-'));
  dirs.push(dir);
  const path = join(dir, 'scenario.json');
  await writeFile(path, JSON.stringify(content));
  return path;
}

describe('tagspace sim', () => {
  it("serves the Confluence simulator beside the providers, seeded from the scenario's confluence block", async () => {
    const path = await scenarioFile({
      confluence: {
        users: [{ email: 'bot@example.com', apiToken: 'file-token-42' }],
        spaces: [{ key: 'DEV', pages: 30, seed: 5 }],
      },
    });
    const sim = spawnCli(['sim', '--port', '0', '--scenario', path]);
    running.push(sim);
    const url = await waitFor(() => /--confluence-url (\S+)/.exec(sim.stdout())?.[1], {
      timeoutMs: 30_000,
      message: 'the simulator to print its Confluence URL',
    });
    expect(sim.stdout()).toContain('DEV (30 pages)');
    expect(sim.stdout() + sim.stderr()).not.toContain('file-token-42');
    const auth = `Basic ${Buffer.from('bot@example.com:file-token-42').toString('base64')}`;
    const spaces = (await (
      await fetch(`${url}/wiki/api/v2/spaces?keys=DEV`, { headers: { authorization: auth } })
    ).json()) as {
      results: { id: string }[];
    };
    const pages = await fetch(`${url}/wiki/api/v2/spaces/${spaces.results[0]?.id}/pages?limit=250`, {
      headers: { authorization: auth },
    });
    expect(((await pages.json()) as { results: unknown[] }).results).toHaveLength(30);
    const stats = (await (await fetch(`${url}/_confluence/stats`)).json()) as { requests: number };
    expect(stats.requests).toBe(2);
  });

  it('stops at start with one line naming a bad field of the confluence block', async () => {
    const path = await scenarioFile({ confluence: { spaces: [{ key: 'DEV', pages: -1 }] } });
    const result = await runCli(['sim', '--port', '0', '--scenario', path], { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('confluence.spaces[0].pages');
  });
});
