import { describe, expect, it } from 'vitest';
import { RequestSearch } from '../../../src/router/pacing/request-search.js';

describe('RequestSearch', () => {
  it('steps one request until two trials in a row were kept, then doubles the step', () => {
    const search = new RequestSearch();
    expect(search.step(30)).toBe(1);
    search.kept(31);
    expect(search.step(31)).toBe(1);
    search.kept(32);
    expect(search.step(32)).toBe(2);
    search.kept(34);
    expect(search.step(34)).toBe(4);
  });

  it('searches half way to the level a doubled step failed at, one at a time once next to it', () => {
    const search = new RequestSearch();
    search.kept(31);
    search.kept(32);
    search.failed(34);
    expect(search.stepsLeft(32)).toBe(true);
    expect(search.step(30)).toBe(2);
    expect(search.step(33)).toBe(1);
    expect(search.stepsLeft(33)).toBe(false);
  });

  it('sets no bound when a step fails after a single kept one: no search was running', () => {
    const search = new RequestSearch();
    search.kept(31);
    search.failed(35);
    expect(search.stepsLeft(31)).toBe(false);
    expect(search.step(31)).toBe(1);
  });

  it('keeps the lowest level that failed, and sets none from a trial that was no step', () => {
    const search = new RequestSearch();
    search.kept(31);
    search.kept(32);
    search.failed(40);
    search.failed(36);
    search.failed(38);
    search.failed(undefined);
    expect(search.step(32)).toBe(2);
  });

  it('forgets the bound once a kept trial reaches it, and the kept run starts again', () => {
    const search = new RequestSearch();
    search.kept(31);
    search.kept(32);
    search.failed(34);
    search.kept(34);
    expect(search.stepsLeft(34)).toBe(false);
    expect(search.step(34)).toBe(1);
    search.kept(35);
    expect(search.step(35)).toBe(2);
  });
});
