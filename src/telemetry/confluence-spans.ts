import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import {
  ERROR_TYPE,
  HTTP_REQUEST_METHOD,
  HTTP_RESPONSE_STATUS_CODE,
  SERVER_ADDRESS,
  TAGSPACE_ATTEMPT,
  URL_PATH,
} from './semconv.js';

/** What the Confluence client tells of each attempt (confluence-http.ts's CallRecord). */
export interface ConfluenceCall {
  method: string;
  path: string;
  attempt: number;
  durationMs: number;
  status?: number;
  error?: string;
}

/**
 * One CLIENT span per Confluence attempt, named `METHOD /path/{id}` (ids folded, so the names stay
 * few), with the method, path, host, status and attempt: never a header, so never a credential.
 * Recorded when the attempt ends, starting `durationMs` before.
 */
export function confluenceSpans(tracer: Tracer, host: string): (call: ConfluenceCall) => void {
  return (call) => {
    const end = Date.now();
    const span = tracer.startSpan(`${call.method} ${call.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`, {
      kind: SpanKind.CLIENT,
      startTime: end - call.durationMs,
      attributes: {
        [HTTP_REQUEST_METHOD]: call.method,
        [URL_PATH]: call.path,
        [SERVER_ADDRESS]: host,
        [TAGSPACE_ATTEMPT]: call.attempt,
        ...(call.status !== undefined && { [HTTP_RESPONSE_STATUS_CODE]: call.status }),
        ...(call.error !== undefined && { [ERROR_TYPE]: call.error }),
      },
    });
    if (call.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(end);
  };
}
