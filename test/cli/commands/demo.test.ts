import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closingLine } from '../../../src/cli/commands/demo.js';
import { cleanEnv, logLines, runCli } from '../../support/cli.js';
import { freePort } from '../../support/free-port.js';

describe('tagspace demo', () => {
  it('tags the bundled sample space with no environment variables and no network, then skips it all on a second run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-demo-'));
    const out = join(dir, 'tags.jsonl');
    const summaryPath = join(dir, 'summary.json');
    const events = readFileSync(join(import.meta.dirname, '../../../samples/sample-space.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const first = await runCli(['demo', '--out', out, '--summary-json', summaryPath], {
      env: cleanEnv(),
      cwd: dir,
    });
    expect(first.stderr.split('\n').filter((l) => l.startsWith('tagspace:'))).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('[summary] 27 events');
    // The user sees the result: the most used labels and a few pages with their tags.
    expect(first.stdout).toMatch(/^ {2}top labels: [a-z0-9_-]+ \(\d+\)/m);
    expect(
      first.stdout
        .split('\n')
        .filter((l) => /^ {4}\S+ v\d+ {2}[a-z0-9_, -]+ {2}\((gemini|openai)\)$/.test(l)),
    ).toHaveLength(5);
    expect(first.stdout.trimEnd().split('\n').at(-1)).toBe(`${events.length} records written to ${out}`);
    // A clean run leaves no empty dead-letter file behind.
    expect(existsSync(join(dir, 'tags.dlq.jsonl'))).toBe(false);

    const records = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { pageId: string; tags: string[]; cached: boolean });
    expect(records).toHaveLength(events.length);
    expect(
      records.every((r) => r.tags.length > 0 && r.tags.every((t) => /^[a-z0-9][a-z0-9_-]*$/.test(t))),
    ).toBe(true);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, number>;
    expect(summary.events).toBe(events.length);
    expect(summary.tagged).toBe(events.length);
    expect(summary.llmCalls).toBeGreaterThan(0);

    const second = await runCli(['demo', '--out', out, '--summary-json', summaryPath], {
      env: cleanEnv(),
      cwd: dir,
    });
    expect(second.code).toBe(0);
    const again = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, number>;
    expect(again.llmCalls).toBe(0);
    expect(again.skipped).toBe(events.length);
    // A second `npm start` says why it tagged nothing, and how to tag again.
    expect(second.stdout.trimEnd().split('\n').at(-1)).toBe(
      `nothing new: every page is already tagged in ${out} (pass --no-restore, or delete it, to tag again)`,
    );
  });

  it('ends by counting what it wrote, dead letters and where they went included', () => {
    const stats = {
      tagged: 3,
      cached: 1,
      tombstones: 1,
      dlq: 1,
      skipped: { stale: 0, duplicate: 0, coalesced: 0 },
    };
    expect(closingLine(stats, 'tags.jsonl', 'tags.dlq.jsonl', true)).toBe(
      '5 records written to tags.jsonl, 1 dead letter to tags.dlq.jsonl',
    );
    const none = { ...stats, tagged: 0, cached: 0, tombstones: 0, dlq: 0 };
    expect(closingLine(none, 'tags.jsonl', 'tags.dlq.jsonl', true)).toBe('nothing written to tags.jsonl');
  });

  it('says so when the trace collector cannot take the run’s traces, and still tags and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-demo-traces-'));
    const nobody = await freePort();
    const result = await runCli(['demo', '--out', join(dir, 'tags.jsonl')], {
      env: cleanEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${nobody}`,
        // The exporter's own setting: give up within 1 s instead of retrying for 10.
        OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
      }),
      cwd: dir,
    });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stdout).toContain('[summary] 27 events');
    const lost = logLines(result.stderr).filter(
      (l) => l.msg === 'traces not exported: the collector did not take the last batch',
    );
    expect(lost).toEqual([
      expect.objectContaining({
        level: 'warn',
        url: `http://127.0.0.1:${nobody}/v1/traces`,
        reason: expect.stringContaining('ECONNREFUSED'),
      }),
    ]);
  });

  it('still writes the report and says where the tags went when the summary file cannot be written, then fails in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-demo-'));
    const out = join(dir, 'tags.jsonl');
    const report = join(dir, 'report.html');
    // /dev/full passes the start-up check and refuses the write itself, as a full disk does.
    const result = await runCli(['demo', '--out', out, '--summary-json', '/dev/full', '--report', report], {
      env: cleanEnv(),
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('tagspace:'))).toEqual([
      expect.stringMatching(/^tagspace: cannot write --summary-json \/dev\/full: ENOSPC/),
    ]);
    expect(logLines(result.stderr).filter((l) => l.level === 'error')).toEqual([]);
    expect(result.stdout).toContain('[summary] 27 events');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`27 records written to ${out}`);
    expect(readFileSync(report, 'utf8')).toContain('<html');
  });

  it('stops at start-up with one line naming a bad setting and exit code 2', async () => {
    const result = await runCli(['demo'], { env: cleanEnv({ TAG_SPACE_BATCH_SIZE: 'many' }) });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'tagspace: invalid TAG_SPACE_BATCH_SIZE (--batch-size): "many" is not a number',
    );
  });

  it('rejects an unknown flag with exit code 2', async () => {
    const result = await runCli(['replay', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'--no-such-flag'");
  });

  it('prints help for every command', async () => {
    for (const command of ['demo', 'run', 'replay', 'sim', 'gen']) {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: tagspace ${command}`);
    }
  }, 60_000);
});
