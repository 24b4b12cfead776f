import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/cli/edit-distance.js';

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and a swap of neighbours as one each', () => {
    expect(editDistance('space', 'spaces')).toBe(1);
    expect(editDistance('spill', 'spil')).toBe(1);
    expect(editDistance('topic', 'tpoic')).toBe(1);
    expect(editDistance('group', 'grope')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
