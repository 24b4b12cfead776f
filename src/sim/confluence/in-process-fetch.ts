import type { ConfluenceSim } from './confluence-sim-api.js';

/**
 * A `fetch` that answers from the Confluence simulator in the same process, with no socket: for
 * the demo's one-process loop, given to a client that takes its fetch as an option. The request
 * goes through exactly the handler the HTTP server mounts; `site` stands in for the host.
 */
export function inProcessFetch(sim: ConfluenceSim, site = 'http://confluence.sim'): typeof fetch {
  return async (input, init) => {
    const request = new Request(input instanceof URL ? input.href : input, init);
    const url = new URL(request.url);
    const body = request.body === null ? '' : await request.text();
    const answer = sim.handle({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      body,
      site,
      header: (name) => request.headers.get(name) ?? undefined,
    });
    if (answer === undefined) return new Response(`Not found: ${url.pathname}`, { status: 404 });
    return new Response(answer.status === 204 ? null : answer.body, {
      status: answer.status,
      headers: answer.headers,
    });
  };
}
