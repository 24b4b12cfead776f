import { describe, expect, it } from 'vitest';
import { WindowLength } from '../../../src/router/pacing/window-length.js';
import { WindowTrial } from '../../../src/router/pacing/window-trial.js';

/** A 1 s window read from a 429 whose whole-second hint said 1 s where 0.4 s was left: Ŵ = 1.6 s, L = 0.6 s. */
function learntLong(): { length: WindowLength; trial: WindowTrial } {
  const length = new WindowLength(undefined, 1_000);
  length.refusedFull(10_600, 1_000, 10_000);
  return { length, trial: new WindowTrial(length) };
}

describe('WindowTrial (a window read long by rounded hints, tried shorter)', () => {
  it('learns a floor a grain below the window a rounded hint shows', () => {
    const { length } = learntLong();
    expect(length.ms).toBe(1_600);
    expect(length.floorMs).toBe(600);
  });

  it('tries half way to the floor once two windows passed without a 429 while the gate held calls', () => {
    const { length, trial } = learntLong();
    trial.refused(10_600, 10_000);
    trial.held(12_000);
    expect(trial.settle(12_000, false)).toBe(false);
    trial.held(13_800);
    expect(trial.settle(13_800, false)).toBe(true);
    expect(length.ms).toBe(1_100);
    expect(trial.unsettled).toBe(true);
  });

  it('keeps a tried window that three of its windows did not refute, and goes on halving', () => {
    const { length, trial } = learntLong();
    trial.held(20_000);
    trial.settle(20_000, false);
    expect(length.ms).toBe(1_100);
    trial.held(23_299);
    expect(trial.settle(23_299, false)).toBe(false);
    trial.held(23_300);
    expect(trial.settle(23_300, false)).toBe(false);
    expect(length.ms).toBe(1_100);
    trial.held(23_301);
    expect(trial.settle(23_301, false)).toBe(true);
    expect(length.ms).toBe(850);
  });

  it('sets the window back and raises the floor to what it tried when a 429 refutes it, once for all the calls it let go', () => {
    const { length, trial } = learntLong();
    trial.held(20_000);
    trial.settle(20_000, false);
    expect(trial.refused(20_500, 20_400)).toBe(true);
    expect(length.ms).toBe(1_600);
    expect(length.floorMs).toBe(1_100);
    // The other calls it let go are refused too: news of the same trial, not of the window.
    expect(trial.refused(20_504, 20_450)).toBe(true);
    expect(trial.refused(20_520, 20_510)).toBe(false);
    expect(length.ms).toBe(1_600);
    expect(length.floorMs).toBe(1_100);
    // The next waits for two quiet windows, and tries half way between.
    trial.held(23_000);
    expect(trial.settle(23_000, false)).toBe(false);
    trial.held(23_800);
    expect(trial.settle(23_800, false)).toBe(true);
    expect(length.ms).toBe(1_350);
  });

  it('sets the window back, floor unchanged, when the gate held nothing in the trial’s last window', () => {
    const { length, trial } = learntLong();
    trial.held(20_000);
    trial.settle(20_000, false);
    expect(trial.settle(23_400, false)).toBe(true);
    expect(length.ms).toBe(1_600);
    expect(length.floorMs).toBe(600);
  });

  it('leaves the window alone while a trial of the quota runs, or the gate lets calls go at once', () => {
    const { length, trial } = learntLong();
    trial.held(20_000);
    expect(trial.settle(20_000, true)).toBe(false);
    expect(trial.settle(20_100, false)).toBe(false);
    expect(length.ms).toBe(1_600);
  });

  it('is settled once the gap is a twentieth of the window or less', () => {
    const length = new WindowLength(undefined, 1_000);
    length.refusedFull(10_600, 1_000, 10_000);
    length.raiseFloor(1_510);
    const trial = new WindowTrial(length);
    expect(trial.unsettled).toBe(true);
    length.raiseFloor(1_525);
    expect(trial.unsettled).toBe(false);
    trial.held(20_000);
    expect(trial.settle(20_000, false)).toBe(false);
  });

  it('tries nothing when the hints are exact or the provider named the window', () => {
    const exact = new WindowLength();
    exact.refusedFull(10_600, 1_000, 10_000);
    expect(exact.floorMs).toBeUndefined();
    const named = new WindowLength(undefined, 1_000);
    named.named(60_000);
    named.refusedFull(10_600, 1_000, 10_000);
    expect(named.floorMs).toBeUndefined();
    for (const length of [exact, named]) {
      const trial = new WindowTrial(length);
      trial.held(20_000);
      expect(trial.unsettled).toBe(false);
      expect(trial.settle(20_000, false)).toBe(false);
    }
  });
});
