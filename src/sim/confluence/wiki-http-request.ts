import type { IncomingMessage } from 'node:http';
import type { WikiRequest } from './wiki-route.js';

/**
 * A Node request, already read, as the wiki's routes see it. The site is the origin the client
 * used (its Host header), so `_links.base` and `next` links point back where the client came from.
 */
export function wikiRequest(req: IncomingMessage, path: string, query: string, body: string): WikiRequest {
  return {
    method: req.method ?? 'GET',
    path,
    query: new URLSearchParams(query),
    body,
    site: `http://${req.headers.host ?? '127.0.0.1'}`,
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  };
}
