import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from '../../src/cli/heap-growth.js';

describe('limitHeapGrowth', () => {
  it('rejects a negative or fractional percent', () => {
    expect(() => limitHeapGrowth(-1)).toThrow(/whole percent/);
    expect(() => limitHeapGrowth(12.5)).toThrow(/whole percent/);
  });
});
