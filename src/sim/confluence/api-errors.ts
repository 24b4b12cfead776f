import { jsonResponse, type SimResponse } from '../sim-response.js';

/**
 * Confluence's two error shapes. v2 (`/wiki/api/v2`) answers
 *   {"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]}
 * and v1 (`/wiki/rest/api`) answers
 *   {"statusCode":400,"data":{"authorized":false,"valid":true,…},"message":"Could not parse cql : …","reason":"Bad Request"}
 * (both seen from real Cloud sites: hunyadi/md2conf#113, atlassian-python-api#104).
 */
const CODES: Record<number, [code: string, title: string]> = {
  400: ['INVALID_REQUEST_PARAMETER', 'Bad Request'],
  401: ['UNAUTHORIZED', 'Unauthorized'],
  403: ['FORBIDDEN', 'Forbidden'],
  404: ['NOT_FOUND', 'Not Found'],
  409: ['CONFLICT', 'Conflict'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type'],
  429: ['TOO_MANY_REQUESTS', 'Too Many Requests'],
};

export function v2Error(
  status: number,
  detail: string | null = null,
  headers: Record<string, string> = {},
): SimResponse {
  const [code, title] = CODES[status] ?? ['ERROR', 'Error'];
  return jsonResponse(status, { errors: [{ status, code, title, detail }] }, headers);
}

/**
 * `authorized` says whether the caller got past the permission check: Cloud writes false even for
 * a signed-in caller's bad CQL (atlassian-python-api#104); Data Center writes true for a signed-in
 * caller's 404 ("No space with key : …").
 */
export function v1Error(
  status: number,
  message: string,
  headers: Record<string, string> = {},
  authorized = false,
): SimResponse {
  const reason = CODES[status]?.[1] ?? 'Error';
  return jsonResponse(
    status,
    {
      statusCode: status,
      data: {
        authorized,
        valid: true,
        allowedInReadOnlyMode: true,
        errors: [],
        successful: false,
      },
      message,
      reason,
    },
    headers,
  );
}

/** A 204 with no body, as Confluence answers a DELETE. */
export function noContent(headers: Record<string, string> = {}): SimResponse {
  return { status: 204, headers, body: '', delayMs: 0, admitted: false };
}
