import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePromtool } from '../../scripts/prometheus.mjs';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RULES = 'deploy/prometheus/tagspace-alerts.yml';

let promtool: string;

/** promtool's exit code and output; it exits 1 on a failed check, with the reason on stdout or stderr. */
async function promtoolRun(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(promtool, args, { cwd: repoRoot });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

// The metric names and labels the rules read are checked against what tagspace serves in
// test/telemetry/pipeline-metrics.test.ts; here Prometheus's own tool parses and evaluates them.
describe('the bundled Prometheus alert rules', () => {
  // A machine without promtool builds it here (cached afterwards): minutes on two cores.
  beforeAll(async () => {
    promtool = await ensurePromtool({ log: () => undefined });
  }, 20 * 60_000);

  it('are valid rules for Prometheus', async () => {
    const { code, output } = await promtoolRun('check', 'rules', RULES);
    expect(output).toContain('SUCCESS: 14 rules found');
    expect(code).toBe(0);
  });

  it('load through the bundled Prometheus configuration, which scrapes tagspace under the job they read', async () => {
    const { code, output } = await promtoolRun('check', 'config', 'deploy/prometheus/prometheus.yml');
    expect(output).toContain('SUCCESS: 1 rule files found');
    expect(code, output).toBe(0);
    const config = readFileSync(new URL('../../deploy/prometheus/prometheus.yml', import.meta.url), 'utf8');
    expect(config).toMatch(/job_name: tagspace\n/);
    expect(readFileSync(new URL(`../../${RULES}`, import.meta.url), 'utf8')).toContain('up{job="tagspace"}');
  });

  it('load through the Kubernetes configuration too, which scrapes every tagspace pod under the same job', async () => {
    const path = 'deploy/prometheus/prometheus-kubernetes.yml';
    const { code, output } = await promtoolRun('check', 'config', path);
    expect(output).toContain('SUCCESS: 1 rule files found');
    expect(code, output).toBe(0);
    expect(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')).toMatch(/job_name: tagspace\n/);
  });

  it('fire when and where they should, and stay quiet on a busy but healthy deployment beside them', async () => {
    const { code, output } = await promtoolRun('test', 'rules', 'test/infra/tagspace-alerts.test.yml');
    expect(output).not.toContain('FAILED');
    expect(code, output).toBe(0);
  });
});
