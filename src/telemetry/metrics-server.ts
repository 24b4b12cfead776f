import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

/** Why the process is or is not ready; every check must hold. */
export type Readiness = Record<string, boolean>;

export interface MetricsServerOptions {
  port: number;
  host: string;
  exporter: PrometheusExporter;
  readiness: () => Readiness;
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464 (the port actually bound, also when 0 was asked for). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * One small HTTP server beside the pipeline:
 *
 *   GET /metrics   Prometheus text format (the OpenTelemetry meter's instruments)
 *   GET /healthz   200 while the process serves requests at all (liveness)
 *   GET /readyz    200 when every readiness check holds, else 503; the body lists the checks
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => handle(req, res, opts));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Why a server could not listen, in a few words: "EADDRINUSE: address already in use". */
export function listenError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code === undefined
    ? String(e.message)
    : `${e.code}: ${e.message.replace(/^listen \w+: /, '').replace(/ [^ ]+:\d+$/, '')}`;
}

function handle(req: IncomingMessage, res: ServerResponse, opts: MetricsServerOptions): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  switch (path) {
    case '/metrics':
      opts.exporter.getMetricsRequestHandler(req, res);
      return;
    case '/healthz':
      json(res, 200, { status: 'ok' });
      return;
    case '/readyz': {
      const checks = opts.readiness();
      const ready = Object.values(checks).every(Boolean);
      json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      return;
    }
    default:
      json(res, 404, { error: 'not found', paths: ['/metrics', '/healthz', '/readyz'] });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}
