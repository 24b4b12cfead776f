import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-properties')
    .map((m) => m.message);
}

describe('the room boundaries of src/ (eslint.config.js)', () => {
  it('refuse an operator that imports the router', async () => {
    const found = await violations(
      'src/operators/x.ts',
      "export type { Router } from '../router/router.js';\n",
    );
    expect(found.join('\n')).toMatch(/Operators import only contracts/);
  });

  it('refuse a contract that imports anything outside src/model', async () => {
    const found = await violations('src/model/x.ts', "export { logger } from '../telemetry/log.js';\n");
    expect(found.join('\n')).toMatch(/src\/model imports nothing outside itself/);
  });

  it('refuse kafkajs outside src/kafka, and allow it inside', async () => {
    const code = "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n";
    expect((await violations('src/pipeline/x.ts', code)).join('\n')).toMatch(
      /Only src\/kafka imports kafkajs/,
    );
    expect(await violations('src/kafka/x.ts', code)).toEqual([]);
  });

  it('refuse the SDKs outside the two provider adapters', async () => {
    const code = "import OpenAI from 'openai';\nexport const o = OpenAI;\n";
    expect((await violations('src/router/router.ts', code)).join('\n')).toMatch(/provider adapters/);
    expect(await violations('src/router/openai-provider.ts', code)).toEqual([]);
  });

  it('refuse OpenTelemetry outside src/telemetry', async () => {
    const code = "import { trace } from '@opentelemetry/api';\nexport const t = trace;\n";
    expect((await violations('src/cli/x.ts', code)).join('\n')).toMatch(/Only src\/telemetry/);
  });

  it('refuse reading the environment outside src/cli, and the CLI from below it', async () => {
    expect((await violations('src/router/x.ts', 'export const e = process.env.HOME;\n')).join('\n')).toMatch(
      /Only src\/cli reads the environment/,
    );
    expect(await violations('src/cli/x.ts', 'export const e = process.env.HOME;\n')).toEqual([]);
    const fromBelow = await violations('src/kafka/x.ts', "export { loadConfig } from '../cli/config.js';\n");
    expect(fromBelow.join('\n')).toMatch(/Only the entry point imports src\/cli/);
  });
});
