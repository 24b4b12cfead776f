import { describe, expect, it } from 'vitest';
import { QuotaEstimates } from '../../../src/router/pacing/quota-estimates.js';
import { TrialSchedule } from '../../../src/router/pacing/trial-schedule.js';

/** A window of 6 s, calls of 100 tokens. */
const W = 6_000;
const CALL = 100;

/** R̂ = 10 counted at 0, the last 429 at 1 000. */
function requestQuota() {
  const quota = new QuotaEstimates();
  quota.count('requests', 10, 0, 0);
  const trials = new TrialSchedule(quota);
  trials.refused(1_000);
  return { quota, trials };
}

/** T̂ = 1 000 with a ceiling of 1 020: no trial is worth its 429. */
function tokenCeiling() {
  const quota = new QuotaEstimates();
  quota.count('tokens', 10, 1_000, 0);
  quota.lowerCeiling(1_020);
  const trials = new TrialSchedule(quota);
  trials.refused(1_000);
  return { quota, trials };
}

describe('TrialSchedule', () => {
  it('has no trial due before the window is known', () => {
    expect(requestQuota().trials.dueAt(undefined, CALL, undefined)).toBeUndefined();
  });

  it('is due q quiet windows after the last 429 (three at first)', () => {
    expect(requestQuota().trials.dueAt(W, CALL, undefined)).toBe(1_000 + 3 * W);
  });

  it('starts a trial that is due only if the gate held calls within the last window', () => {
    const { quota, trials } = requestQuota();
    trials.settle(19_000, W, CALL, undefined);
    expect(quota.trialRunning).toBe(false);
    trials.held(18_000);
    trials.settle(19_000, W, CALL, undefined);
    expect(quota.trialRunning).toBe(true);
    expect(trials.dueAt(W, CALL, undefined)).toBeUndefined();
  });

  it('lets a trial go past a stale ceiling after eight quiet windows', () => {
    const { quota, trials } = tokenCeiling();
    expect(quota.worthTrying(CALL)).toBe(false);
    expect(trials.dueAt(W, CALL, undefined)).toBe(1_000 + 8 * W);
  });

  it('lets none go past a ceiling when the provider reports its limits', () => {
    const { trials } = tokenCeiling();
    trials.reportsLimits();
    expect(trials.dueAt(W, CALL, undefined)).toBeUndefined();
  });

  it('waits twice as long for a trial past a bucket’s rate after one of them was refused', () => {
    const quota = new QuotaEstimates();
    quota.read('requests', 10, 0, { exact: true });
    const trials = new TrialSchedule(quota);
    trials.refused(1_000);
    expect(trials.dueAt(W, CALL, 0.5)).toBe(1_000 + 8 * W);
    trials.held(48_500);
    trials.settle(49_000, W, CALL, 0.5);
    expect(quota.trialRunning).toBe(true);
    quota.undoTrial(49_100, 49_050, W);
    trials.trialRefused(true);
    trials.refused(49_100);
    expect(trials.dueAt(W, CALL, 0.5)).toBe(49_100 + 16 * W);
  });
});
