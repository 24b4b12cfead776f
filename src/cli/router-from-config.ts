import type { Config } from './config.js';
import { GeminiProvider } from '../router/gemini-provider.js';
import { OpenAIProvider } from '../router/openai-provider.js';
import { Router } from '../router/router.js';
import type { RouterOptions } from '../router/router-options.js';
import { ORIGIN_BACKOFF } from '../operators/backoff.js';
import { instanceTag } from '../model/instance-header.js';

/** Builds the router a command runs with: a provider for each configured key. */
export function routerFromConfig(config: Config, overrides: Partial<RouterOptions> = {}): Router {
  const { gemini, openai, providerTimeoutMs: timeoutMs } = config;
  // Names this instance on every provider call (x-tagspace-instance), never a secret.
  const instanceId = instanceTag(config.kafka.instanceId);
  return new Router({
    providers: {
      ...(gemini.apiKey !== undefined && {
        gemini: new GeminiProvider({
          apiKey: gemini.apiKey,
          model: gemini.model,
          instanceId,
          timeoutMs,
          keySetting: gemini.keySetting,
          ...(gemini.baseUrl !== undefined && { baseUrl: gemini.baseUrl }),
        }),
      }),
      ...(openai.apiKey !== undefined && {
        openai: new OpenAIProvider({
          apiKey: openai.apiKey,
          model: openai.model,
          instanceId,
          timeoutMs,
          keySetting: openai.keySetting,
          ...(openai.baseUrl !== undefined && { baseUrl: openai.baseUrl }),
        }),
      }),
    },
    // The origin schedule (0.5 → 1 → 2 → 4 s), scaled by the configured first delay.
    backoff: {
      ...ORIGIN_BACKOFF,
      maxRetries: config.retry.maxRetries,
      baseDelayMs: config.retry.baseDelayMs,
      maxDelayMs: 8 * config.retry.baseDelayMs,
    },
    concurrency: config.concurrency,
    callDeadline: config.callDeadline,
    ...(config.spill !== undefined && { spill: config.spill }),
    maxTagsPerPage: config.maxTags,
    ...overrides,
  });
}
