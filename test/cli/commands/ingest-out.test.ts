import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePageEvent } from '../../../src/model/page-event.js';
import { DEFAULT_USER } from '../../../src/sim/confluence/confluence-config.js';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../../src/sim/confluence/start-confluence-sim.js';
import { cleanEnv, runCli } from '../../support/cli.js';

let wiki: RunningConfluenceSim;
beforeAll(async () => {
  wiki = await startConfluenceSim({
    spaces: [
      { key: 'ONE', pages: 30, seed: 1 },
      { key: 'TWO', pages: 12, seed: 2 },
      { key: 'ENG', pages: 1, seed: 3, name: 'Engineering' },
    ],
  });
});
afterAll(async () => {
  await wiki?.close();
});

describe('tagspace ingest --out', () => {
  it('crawls the spaces named (comma-separated, with the URL ending in /wiki) into a JSONL file of PageEvents', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tagspace-ingest-')), 'events.jsonl');
    const result = await runCli(
      ['ingest', '--confluence-url', `${wiki.url}/wiki/`, '--space', 'ONE,TWO', '--out', out],
      {
        env: cleanEnv({ CONFLUENCE_EMAIL: DEFAULT_USER.email, CONFLUENCE_API_TOKEN: DEFAULT_USER.apiToken }),
        timeoutMs: 60_000,
      },
    );
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stdout).toMatch(/ingested ONE, TWO → .*events\.jsonl .*: 42 pages crawled/);
    const events = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => validatePageEvent(JSON.parse(l)));
    expect(events.filter((e) => e.spaceKey === 'ONE')).toHaveLength(30);
    expect(events.filter((e) => e.spaceKey === 'TWO')).toHaveLength(12);
  });

  it('names the space a --space that names none most likely meant: its key in another case, or its name', async () => {
    const ingest = (space: string) =>
      runCli(
        ['ingest', '--confluence-url', wiki.url, '--space', space, '--out', join(tmpdir(), 'never.jsonl')],
        {
          env: cleanEnv({
            CONFLUENCE_EMAIL: DEFAULT_USER.email,
            CONFLUENCE_API_TOKEN: DEFAULT_USER.apiToken,
          }),
          timeoutMs: 60_000,
        },
      );
    const last = (r: { stderr: string }) => r.stderr.trim().split('\n').at(-1);
    const byCase = await ingest('one');
    expect(byCase.code).toBe(2);
    expect(last(byCase)).toBe(
      `tagspace: invalid --space: no space with key "one" is visible on ${wiki.url}/wiki; did you mean ONE (ONE space)?`,
    );
    expect(last(await ingest('engineering'))).toMatch(/; did you mean ENG \(Engineering\)\?$/);
    expect(last(await ingest('NOPE'))).toBe(
      `tagspace: invalid --space: no space with key "NOPE" is visible on ${wiki.url}/wiki`,
    );
  });
});
