/**
 * A request the simulated wiki refuses, decided in the store and spelled by each API in its own
 * error shape (v2 `errors[]`, v1 `statusCode`/`message`).
 */
export type WikiErrorKind = 'not_found' | 'bad_request' | 'conflict';

const STATUS: Record<WikiErrorKind, number> = { not_found: 404, bad_request: 400, conflict: 409 };

export class WikiError extends Error {
  readonly kind: WikiErrorKind;
  readonly status: number;

  constructor(kind: WikiErrorKind, message: string) {
    super(message);
    this.name = 'WikiError';
    this.kind = kind;
    this.status = STATUS[kind];
  }
}
