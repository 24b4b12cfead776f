import { describe, expect, it } from 'vitest';
import { isNoop, planLabels } from '../../src/confluence/label-plan.js';

describe('planLabels', () => {
  it('adds the tags a page lacks and claims them as tagspace’s', () => {
    const plan = planLabels(['draft'], [], ['kafka', 'streaming']);
    expect(plan).toEqual({
      add: ['kafka', 'streaming'],
      remove: [],
      owned: ['kafka', 'streaming'],
      personal: [],
    });
  });

  it('never claims a label a person added that equals a tag', () => {
    const plan = planLabels(['kafka', 'draft'], [], ['kafka', 'rxjs']);
    expect(plan.add).toEqual(['rxjs']);
    expect(plan.owned).toEqual(['rxjs']);
    expect(plan.personal).toEqual(['kafka']);
  });

  it('removes only labels tagspace added that it no longer suggests', () => {
    const plan = planLabels(['kafka', 'old-topic', 'draft'], ['kafka', 'old-topic'], ['kafka']);
    expect(plan.remove).toEqual(['old-topic']);
    expect(plan.owned).toEqual(['kafka']);
  });

  it('does not remove a person’s label even when tagspace stops suggesting the same word', () => {
    const plan = planLabels(['kafka'], [], []);
    expect(plan.remove).toEqual([]);
    expect(isNoop(plan)).toBe(true);
  });

  it('makes no writes when the labels already follow the tags', () => {
    const plan = planLabels(['kafka', 'draft', 'rxjs'], ['kafka', 'rxjs'], ['rxjs', 'kafka']);
    expect(isNoop(plan)).toBe(true);
    expect(plan.owned).toEqual(['kafka', 'rxjs']);
  });

  it('removes every label tagspace owns for a tombstone, and nothing else', () => {
    const plan = planLabels(['kafka', 'draft', 'rxjs'], ['kafka', 'rxjs'], []);
    expect(plan.remove.sort()).toEqual(['kafka', 'rxjs']);
    expect(plan.add).toEqual([]);
    expect(plan.owned).toEqual([]);
  });

  it('forgets an owned label a person already removed instead of removing it again', () => {
    const plan = planLabels(['draft'], ['old-topic'], []);
    expect(plan.remove).toEqual([]);
    expect(plan.owned).toEqual([]);
  });

  it('compares labels as Confluence stores them, lowercased', () => {
    const plan = planLabels(['Kafka'], ['KAFKA'], ['kafka']);
    expect(isNoop(plan)).toBe(true);
  });
});
