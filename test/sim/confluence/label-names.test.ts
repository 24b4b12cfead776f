import { describe, expect, it } from 'vitest';
import { labelNameProblem, labelNamesFrom } from '../../../src/sim/confluence/label-names.js';

describe('Confluence label names', () => {
  it('lowercases a name and splits it on whitespace into several labels', () => {
    expect(labelNamesFrom('Kubernetes')).toEqual(['kubernetes']);
    expect(labelNamesFrom('  On Call\tRunbook ')).toEqual(['on', 'call', 'runbook']);
    expect(labelNamesFrom('   ')).toEqual([]);
  });

  it('accepts hyphens, underscores and digits', () => {
    expect(labelNameProblem('team-platform_2')).toBeUndefined();
  });

  it('refuses each character Confluence forbids, naming it', () => {
    for (const c of '!#&()*,.:;<>?@[]^') {
      expect(labelNameProblem(`bad${c}name`)).toContain(`'${c}'`);
    }
  });

  it('refuses an empty name and one longer than 255 characters', () => {
    expect(labelNameProblem('')).toBeDefined();
    expect(labelNameProblem('a'.repeat(255))).toBeUndefined();
    expect(labelNameProblem('a'.repeat(256))).toContain('255');
  });
});
