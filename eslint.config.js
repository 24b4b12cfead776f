import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The rooms of src/ and what each may import (../shared/HOUSE.md, "Rooms"). Side effects live at
 * the edges: only src/kafka talks to Kafka, only the provider adapters to the SDKs, only
 * src/telemetry to OpenTelemetry, only src/cli reads the environment. Contracts (src/model) import
 * nothing outside themselves; operators know nothing of the router or of what composes them;
 * nothing below the CLI imports the CLI.
 */
const ROOMS = [
  'model',
  'kafka',
  'operators',
  'pipeline',
  'router',
  'confluence',
  'telemetry',
  'report',
  'run',
  'cli',
  'sim',
  'gen',
];
const SDK_ADAPTERS = ['src/router/gemini-provider.ts', 'src/router/openai-provider.ts'];

const packages = {
  kafkajs: { name: 'kafkajs', message: 'Only src/kafka imports kafkajs.' },
  gemini: { name: '@google/generative-ai', message: 'Only the provider adapters import the SDKs.' },
  openai: { name: 'openai', message: 'Only the provider adapters import the SDKs.' },
};
const otel = { group: ['@opentelemetry/*'], message: 'Only src/telemetry imports OpenTelemetry.' };
const upward = (rooms, why) => ({ group: rooms.flatMap((r) => [`../${r}/*`, `../../${r}/*`]), message: why });

function importRule(room) {
  const paths = [];
  if (room !== 'kafka') paths.push(packages.kafkajs);
  if (room !== 'router') paths.push(packages.gemini, packages.openai);
  const patterns = [];
  if (room !== 'telemetry') patterns.push(otel);
  if (room === 'model')
    patterns.push({ group: ['../*'], message: 'src/model imports nothing outside itself.' });
  if (room === 'operators')
    patterns.push(
      upward(
        ROOMS.filter((r) => !['model', 'operators', 'telemetry'].includes(r)),
        'Operators import only contracts (src/model) and logs: no router, no pipeline.',
      ),
    );
  if (room !== 'cli') patterns.push(upward(['cli'], 'Only the entry point imports src/cli.'));
  return ['error', { paths, patterns }];
}

const noEnv = [
  'error',
  { object: 'process', property: 'env', message: 'Only src/cli reads the environment; pass settings down.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  ...ROOMS.map((room) => ({
    files: [`src/${room}/**/*.ts`],
    rules: {
      'no-restricted-imports': importRule(room),
      ...(room === 'cli' ? {} : { 'no-restricted-properties': noEnv }),
    },
  })),
  {
    // Within the router, only the two adapters speak to the SDKs.
    files: ['src/router/**/*.ts'],
    ignores: SDK_ADAPTERS,
    rules: {
      'no-restricted-imports': (() => {
        const [level, opts] = importRule('router');
        return [level, { ...opts, paths: [...opts.paths, packages.gemini, packages.openai] }];
      })(),
    },
  },
);
