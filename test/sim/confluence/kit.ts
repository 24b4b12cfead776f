import { afterEach } from 'vitest';
import type { ConfluenceSimOptions } from '../../../src/sim/confluence/confluence-sim.js';
import {
  DEFAULT_PERSONAL_ACCESS_TOKEN,
  DEFAULT_USER,
} from '../../../src/sim/confluence/confluence-config.js';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../../src/sim/confluence/start-confluence-sim.js';

/** Starts Confluence simulators for one test file and closes them after each test. */
const started: RunningConfluenceSim[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

export async function startWiki(options: ConfluenceSimOptions = {}): Promise<RunningConfluenceSim> {
  const sim = await startConfluenceSim(options);
  started.push(sim);
  return sim;
}

export function basicAuth(email = DEFAULT_USER.email, token = DEFAULT_USER.apiToken): string {
  return `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
}

export interface JsonAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** A request with Node's own fetch, as the product makes them; the body parsed when there is one. */
export async function call<T = Record<string, unknown>>(
  sim: RunningConfluenceSim,
  path: string,
  init: RequestInit & { auth?: string | null } = {},
): Promise<JsonAnswer<T>> {
  const { auth = basicAuth(), headers, ...rest } = init;
  const res = await fetch(`${sim.url}${path}`, {
    ...rest,
    headers: { ...(auth === null ? {} : { authorization: auth }), ...(headers as Record<string, string>) },
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

export function jsonBody(body: unknown, method = 'POST'): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function cql(query: string): string {
  return encodeURIComponent(query);
}

/** A page of a v2 collection. */
export interface V2List<T = Record<string, unknown>> {
  results: T[];
  _links: { next?: string; base: string };
}

/** A page of a v1 collection (offset paging; `next` relative to `_links.context`). */
export interface V1List<T = Record<string, unknown>> {
  results: T[];
  start: number;
  limit: number;
  size: number;
  _links: { base: string; context: string; self: string; next?: string; prev?: string };
}

/** The default Data Center personal access token, as a Bearer header. */
export const PAT = `Bearer ${DEFAULT_PERSONAL_ACCESS_TOKEN}`;
