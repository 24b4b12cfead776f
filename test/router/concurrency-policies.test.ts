import { describe, expect, it } from 'vitest';
import { CONCURRENCY_POLICIES, CONCURRENCY_POLICY_NAMES } from '../../src/router/concurrency-policies.js';
import { AimdLimit } from '../../src/router/limit/aimd-limit.js';
import { FixedLimit } from '../../src/router/limit/fixed-limit.js';
import { SeedLimit } from '../../src/router/limit/seed-limit.js';
import { NoPacing } from '../../src/router/pacing/no-pacing.js';
import { WindowPacer } from '../../src/router/pacing/window-pacer.js';
import { SETTINGS } from '../../src/cli/settings.js';

const bounds = { initial: 3, min: 1, max: 10 };

describe('concurrency policies', () => {
  it('name a limit rule and a pacer each: fixed and seed do not pace, adaptive paces', () => {
    const parts = (name: keyof typeof CONCURRENCY_POLICIES) => {
      const p = CONCURRENCY_POLICIES[name];
      return [p.limit(bounds, 0), p.pacer({})];
    };
    expect(parts('fixed')).toEqual([expect.any(FixedLimit), expect.any(NoPacing)]);
    expect(parts('seed')).toEqual([expect.any(SeedLimit), expect.any(NoPacing)]);
    expect(parts('adaptive')).toEqual([expect.any(AimdLimit), expect.any(WindowPacer)]);
  });

  it('are the values --concurrency-policy accepts', () => {
    expect(CONCURRENCY_POLICY_NAMES).toEqual(['fixed', 'seed', 'adaptive']);
    expect(SETTINGS.find((s) => s.key === 'concurrencyPolicy')?.values).toEqual(CONCURRENCY_POLICY_NAMES);
  });
});
