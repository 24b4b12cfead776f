import { type Setting } from './setting.js';

/** The LLM providers: keys, models, endpoints and how long a call may take. */
export const PROVIDER_SETTINGS = [
  {
    key: 'geminiApiKey',
    flag: 'gemini-api-key',
    env: 'GEMINI_API_KEY',
    type: 'string',
    help: 'Gemini API key (prefer the env var)',
    secret: true,
  },
  {
    key: 'geminiModel',
    flag: 'gemini-model',
    env: 'GEMINI_MODEL',
    type: 'string',
    default: 'gemini-2.0-flash',
    help: 'Gemini model',
  },
  {
    key: 'geminiBaseUrl',
    flag: 'gemini-base-url',
    env: 'GEMINI_BASE_URL',
    type: 'url',
    help: 'Gemini API base URL (e.g. the simulator); without GEMINI_API_KEY the provider is used with no key',
  },
  {
    key: 'openaiApiKey',
    flag: 'openai-api-key',
    env: 'OPENAI_API_KEY',
    type: 'string',
    help: 'OpenAI API key (prefer the env var)',
    secret: true,
  },
  {
    key: 'openaiModel',
    flag: 'openai-model',
    env: 'OPENAI_MODEL',
    type: 'string',
    default: 'gpt-4o-mini',
    help: 'OpenAI model',
  },
  {
    key: 'openaiBaseUrl',
    flag: 'openai-base-url',
    env: 'OPENAI_BASE_URL',
    type: 'url',
    help: 'OpenAI API base URL, ending in /v1; without OPENAI_API_KEY the provider is used with no key',
  },
  {
    key: 'providerTimeoutMs',
    flag: 'provider-timeout-ms',
    env: 'TAGSPACE_PROVIDER_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: '60000',
    help: 'timeout of one provider call (the ceiling of --min-call-deadline-ms)',
  },
  {
    key: 'minCallDeadlineMs',
    flag: 'min-call-deadline-ms',
    env: 'TAGSPACE_MIN_CALL_DEADLINE_MS',
    type: 'int',
    min: 100,
    default: '10000',
    help: "a call not answered within max(this, 3 × the provider's slowest recent answer, scaled to the call's pages; once three answers of its size have come) is given up and asked again, here or by spill-over on the other provider, so a hung call costs seconds instead of the whole --provider-timeout-ms, which stays the ceiling (set this to --provider-timeout-ms to always wait that long)",
  },
] as const satisfies readonly Setting[];
