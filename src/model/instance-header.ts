import { createHash } from 'node:crypto';

/**
 * The header that names a tagspace instance on every provider call (set through the SDKs'
 * documented options: OpenAI's `defaultHeaders`, Gemini's `customHeaders`), so a provider or the
 * simulator can tell instances sharing one key apart. The providers ignore headers they do not know.
 */
export const INSTANCE_HEADER = 'x-tagspace-instance';

/**
 * What the header carries: a short digest of the instance id, not the id itself — the default id is
 * the host name, which is no business of an LLM provider's. Distinct ids stay distinct.
 */
export function instanceTag(instanceId: string): string {
  return createHash('sha256').update(instanceId).digest('hex').slice(0, 12);
}
