import { describe, expect, it } from 'vitest';
import { misspeltVariablesHint, strayVariables } from '../../src/cli/unknown-env.js';

describe('strayVariables', () => {
  it('names a TAGSPACE_* or TAG_SPACE_* variable no setting reads, with the one it most likely meant', () => {
    expect(
      strayVariables({
        TAGSPACE_SPIL: 'off',
        TAG_SPACE_BATCHSIZE: '3',
        TAGSPACE_SOMETHING_ELSE: '1',
        TAGSPACE_BATCH_SIZE: '5',
        TAG_SPACE_AI_CONCURRENCY: '2',
        HOME: '/root',
      }),
    ).toEqual([
      { variable: 'TAGSPACE_SOMETHING_ELSE' },
      { variable: 'TAGSPACE_SPIL', meant: 'TAGSPACE_SPILL' },
      { variable: 'TAG_SPACE_BATCHSIZE', meant: 'TAG_SPACE_BATCH_SIZE' },
    ]);
  });

  it('leaves the variables the scripts and tests read, and every other prefix, alone', () => {
    expect(
      strayVariables({ TAGSPACE_KAFKA_VERSION: '3.9.2', TAGSPACE_TEST_BROKERS: 'x', KAFKA_BROKERS: 'b' }),
    ).toEqual([]);
  });
});

describe('misspeltVariablesHint', () => {
  const message = 'no LLM provider is configured: set GEMINI_API_KEY or OPENAI_API_KEY';

  it("names the variables that look like the ones the message asks for, misspelt or under another tool's name", () => {
    expect(misspeltVariablesHint(message, { GEMINI_APIKEY: 'k', GOOGLE_API_KEY: 'k', HOME: '/root' })).toBe(
      ' (GEMINI_APIKEY is set: did you mean GEMINI_API_KEY?; GOOGLE_API_KEY is set: did you mean GEMINI_API_KEY?)',
    );
  });

  it('says nothing when no variable is close, or the message names no setting', () => {
    expect(misspeltVariablesHint(message, { OPENAI_ORG_ID: 'o', KAFKA_BROKERS: 'b' })).toBe('');
    expect(
      misspeltVariablesHint('invalid --batch-size: 0 is below the minimum 1', { GEMINI_APIKEY: 'k' }),
    ).toBe('');
  });
});
