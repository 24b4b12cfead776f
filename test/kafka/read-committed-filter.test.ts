import { describe, expect, it } from 'vitest';
import { readCommittedFilterIsSound } from '../../src/kafka/read-committed-filter.js';

describe('readCommittedFilterIsSound', () => {
  it("is true once npm install has fixed kafkajs's filter (scripts/patch-kafkajs.mjs)", () => {
    expect(readCommittedFilterIsSound()).toBe(true);
  });
});
