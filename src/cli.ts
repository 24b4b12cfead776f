#!/usr/bin/env node
import { loadConfig, wantsHelp, type Config } from './cli/config.js';
import { kafkaAccessError } from './kafka/kafka-access-error.js';
import type { SaslMechanism } from './kafka/kafka-security.js';
import { TagspaceError, asTagspaceError } from './model/errors.js';
import { COMMANDS, commandHelp, usage } from './cli/help.js';
import { limitHeapGrowth } from './cli/heap-growth.js';
import { logger, setLogFormat, setLogLevel } from './telemetry/log.js';
import { logFormat } from './cli/log-format.js';
import { packageVersion } from './cli/package-root.js';
import { exitOnSignalWhileLoading } from './cli/signals-while-loading.js';
import { misspeltVariablesHint, strayVariables } from './cli/unknown-env.js';

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

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  setLogFormat(logFormat(env, process.stderr.isTTY === true));
  const [name, ...rest] = argv;
  // Bare `tagspace` is a request for help, as with --help: usage on stdout, exit 0.
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  if (name === 'help') {
    const [topic] = rest;
    if (topic === undefined) process.stdout.write(`${usage()}\n`);
    else if (COMMANDS[topic] !== undefined) process.stdout.write(`${commandHelp(topic)}\n`);
    else {
      process.stderr.write(
        `tagspace: help: unknown command "${topic}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`,
      );
      return EXIT.config;
    }
    return EXIT.ok;
  }
  const loading = exitOnSignalWhileLoading();
  let mechanism: SaslMechanism | undefined;
  try {
    const command = await loadCommand(name);
    if (wantsHelp(rest)) {
      process.stdout.write(`${commandHelp(name)}\n`);
      return EXIT.ok;
    }
    const config = loadConfig(name, rest, env);
    mechanism = config.kafka.security.sasl?.mechanism;
    setLogLevel(config.logLevel);
    for (const { variable, meant } of strayVariables(env)) {
      logger('cli').warn({ variable, meant }, 'unknown environment variable: ignored');
    }
    limitHeapGrowth(config.heapGrowthPercent);
    // Synchronously before the command installs its own handlers: no signal falls between.
    loading.release();
    return await command(config);
  } catch (err) {
    const e = kafkaAccessError(err, mechanism) ?? asTagspaceError(err);
    if (e.kind === 'config') {
      process.stderr.write(`tagspace: ${e.message}${misspeltVariablesHint(e.message, env)}\n`);
      return EXIT.config;
    }
    // A bug gets its stack in the log; every other failure is one line a user can act on.
    if (e.kind === 'internal') {
      logger('cli').error({ kind: e.kind, err: e.message, stack: e.stack }, 'run failed');
    }
    process.stderr.write(`tagspace: ${e.message}\n`);
    return EXIT.failed;
  }
}

// The command is over once main settles: exit then, so a client it abandoned (a Kafka connection
// still retrying after a failed or interrupted start) cannot hold the process for minutes.
main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`tagspace: ${String(err)}\n`);
    process.exit(EXIT.failed);
  },
);
