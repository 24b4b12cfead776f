#!/usr/bin/env node
import { loadConfig, wantsHelp, type Config } from './cli/config.js';
import { TagspaceError, asTagspaceError } from './model/errors.js';
import { COMMANDS, commandHelp, usage } from './cli/help.js';
import { limitHeapGrowth } from './cli/heap-growth.js';
import { logger, setLogLevel } from './telemetry/log.js';

/** Exit codes: 0 done, 1 the run failed, 2 a bad flag or setting, 130 interrupted twice. */
export const EXIT = { ok: 0, failed: 1, config: 2 } as const;

type Command = (config: Config) => Promise<number>;

async function loadCommand(name: string): Promise<Command> {
  switch (name) {
    case 'demo':
      return (await import('./cli/commands/demo.js')).demoCommand;
    case 'run':
      return (await import('./cli/commands/run.js')).runCommand;
    case 'replay':
      return (await import('./cli/commands/replay.js')).replayCommand;
    case 'sim':
      return (await import('./cli/commands/sim.js')).simCommand;
    case 'gen':
      return (await import('./cli/commands/gen.js')).genCommand;
    case 'ingest':
      return (await import('./cli/commands/ingest.js')).ingestCommand;
    case 'webhook':
      return (await import('./cli/commands/webhook.js')).webhookCommand;
    case 'labels':
      return (await import('./cli/commands/labels.js')).labelsCommand;
    default:
      throw new TagspaceError(
        'config',
        `unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`,
      );
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT.config : EXIT.ok;
  }
  try {
    const command = await loadCommand(name);
    if (wantsHelp(rest)) {
      process.stdout.write(`${commandHelp(name)}\n`);
      return EXIT.ok;
    }
    const config = loadConfig(name, rest);
    setLogLevel(config.logLevel);
    limitHeapGrowth(config.heapGrowthPercent);
    return await command(config);
  } catch (err) {
    const e = asTagspaceError(err);
    if (e.kind === 'config') {
      process.stderr.write(`tagspace: ${e.message}\n`);
      return EXIT.config;
    }
    if (e.kind === 'auth') {
      process.stderr.write(`tagspace: ${e.message}\n`);
      return EXIT.failed;
    }
    logger('cli').error(
      { kind: e.kind, err: e.message, stack: e.kind === 'internal' ? e.stack : undefined },
      'run failed',
    );
    process.stderr.write(`tagspace: ${e.message}\n`);
    return EXIT.failed;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tagspace: ${String(err)}\n`);
    process.exitCode = EXIT.failed;
  },
);
