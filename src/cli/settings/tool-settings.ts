import { type Setting } from './setting.js';

/** The simulator's and the generator's own settings. */
export const TOOL_SETTINGS = [
  {
    key: 'port',
    flag: 'port',
    env: 'TAGSPACE_SIM_PORT',
    type: 'int',
    min: 0,
    max: 65535,
    default: '8080',
    help: 'port to listen on (0 = any free port)',
    commands: ['sim'],
  },
  {
    key: 'host',
    flag: 'host',
    env: 'TAGSPACE_SIM_HOST',
    type: 'string',
    default: '127.0.0.1',
    help: 'address to listen on',
    commands: ['sim'],
  },
  {
    key: 'pages',
    flag: 'pages',
    type: 'int',
    min: 1,
    default: '100',
    help: 'pages to generate',
    commands: ['gen'],
  },
  { key: 'seed', flag: 'seed', type: 'int', min: 0, default: '1', help: 'random seed', commands: ['gen'] },
  { key: 'space', flag: 'space', type: 'string', default: 'ENG', help: 'space key', commands: ['gen'] },
  {
    key: 'truth',
    flag: 'truth',
    type: 'string',
    help: 'also write the ground-truth topics as JSON to this file',
    commands: ['gen'],
  },
] as const satisfies readonly Setting[];
