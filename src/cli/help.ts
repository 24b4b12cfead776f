import { settingsFor } from './settings.js';

export const COMMANDS: Record<string, string> = {
  demo: 'tag the bundled sample space through the in-process simulator (no Kafka, no keys, no network)',
  run: 'tag page events continuously as a member of a consumer group',
  replay: 'tag a topic from its beginning up to its end at start, then exit with a summary',
  sim: 'serve the provider simulator (Gemini and OpenAI APIs) over HTTP',
  gen: 'generate a synthetic wiki space as PageEvents (JSONL file or topic)',
  ingest: 'crawl Confluence spaces into PageEvents; with --follow, keep polling for edits and removals',
  webhook: 'receive Confluence Data Center webhooks and produce their pages as PageEvents',
  labels: "make each page's Confluence labels follow its latest TagRecord",
};

export function usage(): string {
  const lines = ['Usage: tagspace <command> [flags]', '', 'Commands:'];
  for (const [name, what] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${what}`);
  lines.push(
    '',
    'Flags:',
    '  --help, -h       show this help (or `tagspace help <command>`)',
    '  --version, -v    print the version',
    '',
    'Run `tagspace <command> --help` (or `tagspace help <command>`) for its flags.',
    'Exit codes: 0 done, 1 the run failed, 2 a bad flag or setting, 130 interrupted twice.',
  );
  return lines.join('\n');
}

export function commandHelp(command: string): string {
  const lines = [`Usage: tagspace ${command} [flags]`, '', COMMANDS[command] ?? '', '', 'Flags:'];
  for (const s of settingsFor(command)) {
    const flag =
      s.type === 'bool'
        ? `--${s.flag}, --no-${s.flag}`
        : `--${s.flag} <${s.type === 'enum' ? s.values?.join('|') : s.type}>`;
    const origin = [
      s.env ? `env ${[s.env, ...(s.aliases ?? [])].join(' or ')}` : '',
      s.default !== undefined && !s.secret ? `default ${s.default}` : '',
    ]
      .filter((x) => x !== '')
      .join(', ');
    lines.push(`  ${flag}`, `      ${s.help}${origin ? ` (${origin})` : ''}`);
  }
  lines.push('  --help', '      show this help');
  return lines.join('\n');
}
