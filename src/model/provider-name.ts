/** The LLM providers tagspace can call, in preference order (Gemini first, OpenAI second). */
export const PROVIDER_NAMES = ['gemini', 'openai'] as const;

export type ProviderName = (typeof PROVIDER_NAMES)[number];
