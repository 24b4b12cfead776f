import { createHash } from 'node:crypto';

/**
 * Who sent a request. The API key is never kept or shown: the simulator knows a caller by a short
 * hash of it, plus the instance a tagspace process names in its `x-tagspace-instance` header (sent
 * through the SDKs' documented header options), so processes sharing one key are told apart:
 *
 *   keyTag   = "key-" + the first 8 hex digits of sha256(key)        ("no-key" when none is sent)
 *   clientId = keyTag + "/" + instance                               (keyTag alone without the header)
 */
export interface Caller {
  /** The key as sent, for the key check only; never logged or reported. */
  readonly apiKey: string | undefined;
  readonly keyTag: string;
  readonly clientId: string;
}

const MAX_INSTANCE_LENGTH = 64;

export function callerOf(apiKey: string | undefined, instance: string | undefined): Caller {
  const keyTag =
    apiKey === undefined || apiKey === ''
      ? 'no-key'
      : `key-${createHash('sha256').update(apiKey).digest('hex').slice(0, 8)}`;
  const name = instance?.replace(/[^\w.:@-]/g, '_').slice(0, MAX_INSTANCE_LENGTH);
  return { apiKey, keyTag, clientId: name === undefined || name === '' ? keyTag : `${keyTag}/${name}` };
}
