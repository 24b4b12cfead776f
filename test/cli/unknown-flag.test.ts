import { describe, expect, it } from 'vitest';
import { unknownFlagHint } from '../../src/cli/unknown-flag.js';

describe('unknownFlagHint', () => {
  it('names the flag one or two keystrokes away, ignoring dashes and underscores', () => {
    expect(unknownFlagHint('--spaces', 'ingest')).toBe('did you mean --space?');
    expect(unknownFlagHint('--batch_size', 'run')).toBe('did you mean --batch-size?');
    expect(unknownFlagHint('--spil', 'run')).toBe('did you mean --spill?');
    expect(unknownFlagHint('--no-folow', 'ingest')).toBe('did you mean --no-follow?');
    expect(unknownFlagHint('--max-concurency=4', 'replay')).toBe('did you mean --max-concurrency?');
  });

  it('names the one flag that starts with what was typed, and none when several do', () => {
    expect(unknownFlagHint('--max-batch', 'replay')).toBe('did you mean --max-batch-size?');
    expect(unknownFlagHint('--conc', 'run')).toBeUndefined();
  });

  it('names the commands that take a flag this one does not', () => {
    expect(unknownFlagHint('--follow', 'run')).toBe('--follow is a flag of ingest, not of run');
    expect(unknownFlagHint('--group', 'gen')).toBe('--group is a flag of run and labels, not of gen');
  });

  it('says nothing of a flag no command has and none resembles', () => {
    expect(unknownFlagHint('--bogus', 'run')).toBeUndefined();
    expect(unknownFlagHint('-x', 'run')).toBeUndefined();
    expect(unknownFlagHint('--', 'run')).toBeUndefined();
  });

  it('offers --no- only for switches', () => {
    expect(unknownFlagHint('--no-topic', 'run')).not.toBe('did you mean --no-topic?');
  });
});
