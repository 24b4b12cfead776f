import { describe, expect, it } from 'vitest';
import { strayVariables } from '../../src/cli/unknown-env.js';

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
