import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/help.js';
import { logFormat } from '../../src/cli/log-format.js';
import { cleanEnv, REPO_ROOT, runCli, spawnCli } from '../support/cli.js';
import { waitFor } from '../support/wait-for.js';

const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** The lines a failed start printed on stderr. */
const lines = (stderr: string) => stderr.trim().split('\n');

describe('the tagspace command line', () => {
  it('prints its version with --version (and -v), exit 0', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await runCli([flag]);
      expect([r.code, r.stdout.trim()]).toEqual([0, version]);
    }
  });

  it('prints the usage on stdout and exits 0 when run with no command', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: tagspace <command> [flags]');
  });

  it('answers help <command> with that command’s flags, and an unknown one with exit 2', async () => {
    const r = await runCli(['help', 'run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: tagspace run [flags]');
    expect(r.stdout).toContain('--brokers <list>');
    const bad = await runCli(['help', 'nope']);
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toEqual([
      `tagspace: help: unknown command "nope" (commands: ${Object.keys(COMMANDS).join(', ')})`,
    ]);
  });

  it('describes --out as each command uses it', async () => {
    const gen = await runCli(['gen', '--help']);
    expect(gen.stdout).toContain('write the PageEvents to this JSONL file instead of to --topic');
    const demo = await runCli(['help', 'demo']);
    expect(demo.stdout).toContain('the JSONL file TagRecords are appended to');
  });

  it('reports a negative number as below the minimum, in one line, exit 2', async () => {
    const r = await runCli(['run', '--concurrency', '-3']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['tagspace: invalid --concurrency: -3 is below the minimum 1']);
  });

  it('treats an empty environment value as an error, as an empty flag would be', async () => {
    const r = await runCli(['replay'], { env: cleanEnv({ KAFKA_BROKERS: '' }) });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['tagspace: invalid KAFKA_BROKERS (--brokers): must not be empty']);
  });

  it('rejects a port above 65535 as a setting, exit 2 and no stack', async () => {
    const r = await runCli(['sim', '--port', '80808']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['tagspace: invalid --port: 80808 is above the maximum 65535']);
  });

  it('names a missing --input file in one line, exit 2', async () => {
    const r = await runCli(['demo', '--input', '/missing.jsonl']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['tagspace: invalid --input: cannot read /missing.jsonl (ENOENT)']);
  });

  it('names an --input that is a directory in one line, exit 2, as it does --scenario and --kafka-ca-file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-input-'));
    const r = await runCli(['demo', '--input', dir, '--out', join(dir, 'tags.jsonl')]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`tagspace: invalid --input: cannot read ${dir} (EISDIR)`]);
  });

  it('reads TAGSPACE_* settings, with the origin’s TAG_SPACE_* names as aliases', async () => {
    const r = await runCli(['demo', '--concurrency', '2'], {
      env: cleanEnv({ TAG_SPACE_MAX_AI_CONCURRENCY: '1' }),
    });
    expect(lines(r.stderr)).toEqual([
      'tagspace: invalid --concurrency: 2 is above the maximum concurrency 1',
    ]);
    const both = await runCli(['demo'], {
      env: cleanEnv({ TAGSPACE_BATCH_SIZE: 'x', TAG_SPACE_BATCH_SIZE: '5' }),
    });
    expect(lines(both.stderr)).toEqual([
      'tagspace: invalid TAGSPACE_BATCH_SIZE (--batch-size): "x" is not a number',
    ]);
  });

  it('warns of a TAGSPACE_* variable no setting reads, naming the one it most likely meant', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tagspace-env-')), 'tags.jsonl');
    const r = await runCli(['demo', '--out', out], {
      env: cleanEnv({ TAGSPACE_SPIL: 'off', TAGSPACE_MAX_BATCH_SIZE: '20' }),
    });
    expect(r.code).toBe(0);
    const warned = r.stderr
      .split('\n')
      .filter((l) => l.includes('unknown environment variable'))
      .map((l) => JSON.parse(l) as { level: string; variable: string; meant?: string });
    expect(warned).toEqual([
      expect.objectContaining({ level: 'warn', variable: 'TAGSPACE_SPIL', meant: 'TAGSPACE_SPILL' }),
    ]);
    expect(r.stderr).not.toContain('"off"');
  });

  it("names a key variable set under a misspelt or another tool's name when no provider is configured, never its value", async () => {
    const r = await runCli(['replay'], {
      env: cleanEnv({ GEMINI_APIKEY: 'AIzaSecretValue123', OPENAI_KEY: 'sk-secret-value' }),
    });
    expect(r.code).toBe(2);
    expect(lines(r.stderr).at(-1)).toBe(
      'tagspace: no LLM provider is configured: set GEMINI_API_KEY or OPENAI_API_KEY ' +
        '(GEMINI_APIKEY is set: did you mean GEMINI_API_KEY?; OPENAI_KEY is set: did you mean OPENAI_API_KEY?)',
    );
    expect(r.stderr + r.stdout).not.toMatch(/AIzaSecretValue123|sk-secret-value/);
  });

  it('writes coloured human lines when FORCE_COLOR is set, JSON lines to a pipe otherwise', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tagspace-colour-')), 'tags.jsonl');
    const forced = await runCli(['demo', '--out', out], { env: cleanEnv({ FORCE_COLOR: '1' }) });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('\x1b[1m[demo]\x1b[0m');
    const piped = await runCli(['demo', '--out', out]);
    const logLines = piped.stderr.split('\n').filter((l) => l !== '');
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.every((l) => l.startsWith('{"level":'))).toBe(true);
  });
});

describe('failing fast at start-up', () => {
  // Never called: each of these stops before the first provider call.
  const sim = ['--gemini-base-url', 'http://127.0.0.1:2'];

  it('stops with exit 2 when --metrics-port is taken', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '0.0.0.0', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const r = await runCli(['run', '--metrics-port', String(port), ...sim]);
      expect(r.code).toBe(2);
      expect(lines(r.stderr).at(-1)).toBe(
        `tagspace: invalid --metrics-port: cannot listen on 0.0.0.0:${port} (EADDRINUSE: address already in use)`,
      );
    } finally {
      busy.close();
    }
  });

  it("stops with exit 2 when the simulator's --port is taken, naming the reason once", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const r = await runCli(['sim', '--port', String(port)]);
      expect(r.code).toBe(2);
      expect(lines(r.stderr).at(-1)).toBe(
        `tagspace: invalid --port: cannot listen on 127.0.0.1:${port} (EADDRINUSE: address already in use)`,
      );
    } finally {
      busy.close();
    }
  });

  it('reports a broker nobody answers on in one line naming the setting and the address, exit 1', async () => {
    const started = Date.now();
    const r = await runCli(['replay', '--brokers', '127.0.0.1:1', ...sim]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      'tagspace: cannot reach Kafka at 127.0.0.1:1 (KAFKA_BROKERS or --brokers): ECONNREFUSED 127.0.0.1:1',
    ]);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('stops at once, exit 0, when SIGTERM comes while it waits for the broker', async () => {
    const p = spawnCli(['run', '--brokers', '127.0.0.1:1', '--metrics-port', '0', ...sim]);
    await waitFor(() => p.stderr().includes('metrics server listening'), { timeoutMs: 20_000 });
    const signalled = Date.now();
    p.child.kill('SIGTERM');
    const r = await p.exited;
    expect(r.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(2_000);
    expect(r.stderr).toContain('stopped during start-up');
  });
});

describe('logFormat', () => {
  it('follows the terminal, NO_COLOR and FORCE_COLOR', () => {
    expect(logFormat({}, true)).toEqual({ pretty: true, colour: true });
    expect(logFormat({}, false)).toEqual({ pretty: false, colour: false });
    expect(logFormat({ NO_COLOR: '1' }, true)).toEqual({ pretty: true, colour: false });
    expect(logFormat({ NO_COLOR: '' }, true)).toEqual({ pretty: true, colour: true });
    expect(logFormat({ FORCE_COLOR: '1' }, false)).toEqual({ pretty: true, colour: true });
    expect(logFormat({ FORCE_COLOR: '0' }, true)).toEqual({ pretty: true, colour: false });
    expect(logFormat({ FORCE_COLOR: '1', NO_COLOR: '1' }, true)).toEqual({ pretty: true, colour: true });
  });
});
