import { describe, expect, it } from 'vitest';
import {
  mergeConfluenceConfig,
  parseConfluenceConfig,
} from '../../../src/sim/confluence/confluence-config.js';
import { parseConfluenceScenario } from '../../../src/sim/confluence/confluence-scenario.js';

describe('the confluence config: which Confluence the simulator plays', () => {
  it('plays Cloud by default, with /confluence as the Data Center context path', () => {
    expect(parseConfluenceConfig(undefined)).toMatchObject({
      deployment: 'cloud',
      contextPath: '/confluence',
    });
  });

  it('reads Data Center at the root or under a nested context path from a scenario block', () => {
    const root = parseConfluenceScenario({ deployment: 'data-center', contextPath: '' });
    expect(root.config).toMatchObject({ deployment: 'data-center', contextPath: '' });
    const nested = parseConfluenceConfig({ deployment: 'data-center', contextPath: '/tools/wiki' });
    expect(nested.contextPath).toBe('/tools/wiki');
  });

  it('switches deployment through a patch, and a null context path goes back to the default', () => {
    const dc = mergeConfluenceConfig(parseConfluenceConfig({}), {
      deployment: 'data-center',
      contextPath: '',
    });
    expect(dc).toMatchObject({ deployment: 'data-center', contextPath: '' });
    expect(mergeConfluenceConfig(dc, { contextPath: null }).contextPath).toBe('/confluence');
  });

  it.each([
    ['an unknown deployment', { deployment: 'server' }, 'confluence.deployment'],
    ['a deployment that is not a string', { deployment: 1 }, 'confluence.deployment'],
    ['a context path without a leading slash', { contextPath: 'confluence' }, 'confluence.contextPath'],
    ['a context path with a trailing slash', { contextPath: '/confluence/' }, 'confluence.contextPath'],
    ['a bare slash', { contextPath: '/' }, 'confluence.contextPath'],
    ['an empty segment', { contextPath: '/a//b' }, 'confluence.contextPath'],
    ['a context path with a query', { contextPath: '/c?x=1' }, 'confluence.contextPath'],
    ['the control API as the context path', { contextPath: '/_confluence' }, 'confluence.contextPath'],
    ['a context path that is not a string', { contextPath: 7 }, 'confluence.contextPath'],
  ])('refuses %s, naming the field', (_what, block, setting) => {
    expect(() => parseConfluenceConfig(block)).toThrow(expect.objectContaining({ kind: 'config', setting }));
  });
});
