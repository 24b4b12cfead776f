/**
 * The header that names a tagspace instance on every provider call (set through the SDKs'
 * documented options: OpenAI's `defaultHeaders`, Gemini's `customHeaders`), so a provider or the
 * simulator can tell instances sharing one key apart. The providers ignore headers they do not know.
 */
export const INSTANCE_HEADER = 'x-tagspace-instance';
