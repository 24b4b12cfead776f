import { TagspaceError } from '../model/errors.js';
import { SAMPLER_NAMES, type SamplerName, type TracingConfig } from '../telemetry/tracing.js';

/**
 * The standard OTEL_* variables tagspace honours, parsed from an environment record that
 * config.ts hands over (config.ts stays the only reader of process.env).
 */
export type Env = Record<string, string | undefined>;

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The standard OTEL_* variables for traces (the subset tagspace honours):
 *
 *   on  ⇔ --trace ∨ (¬--no-trace ∧ ¬OTEL_SDK_DISABLED ∧ OTEL_TRACES_EXPORTER ≠ none ∧ an endpoint is set)
 *   url = OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  (as given)
 *       | OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces
 *       | http://localhost:4318/v1/traces      (--trace alone)
 */
export function tracingConfig(flag: boolean | undefined, env: Env): TracingConfig | undefined {
  const fail = (name: string, why: string): never => {
    throw new TagspaceError('config', `invalid ${name}: ${why}`, { setting: name });
  };
  const url = (name: string): string | undefined => {
    const raw = nonEmpty(env[name]);
    if (raw === undefined) return undefined;
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      fail(name, `"${raw}" is not a URL`);
    }
    if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:')
      fail(name, `"${raw}" is not an http(s) URL`);
    return raw;
  };
  const tracesUrl = url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const baseUrl = url('OTEL_EXPORTER_OTLP_ENDPOINT');
  const exporter = nonEmpty(env.OTEL_TRACES_EXPORTER)?.toLowerCase() ?? 'otlp';
  if (exporter !== 'otlp' && exporter !== 'none')
    fail('OTEL_TRACES_EXPORTER', `"${exporter}" is not otlp or none`);
  const disabled = nonEmpty(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true' || exporter === 'none';
  const on = flag ?? (!disabled && (tracesUrl !== undefined || baseUrl !== undefined));
  if (!on) return undefined;

  const protocol =
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (protocol !== undefined && protocol !== 'http/protobuf' && protocol !== 'http/json') {
    const name =
      env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL !== undefined
        ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
        : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    fail(name, `"${protocol}" is not supported; tagspace exports OTLP over HTTP (port 4318)`);
  }
  const sampler = (nonEmpty(env.OTEL_TRACES_SAMPLER) ?? 'parentbased_always_on').toLowerCase();
  if (!(SAMPLER_NAMES as readonly string[]).includes(sampler)) {
    fail('OTEL_TRACES_SAMPLER', `"${sampler}" is not one of ${SAMPLER_NAMES.join(', ')}`);
  }
  const ratioRaw = nonEmpty(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = ratioRaw === undefined ? 1 : Number(ratioRaw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    fail('OTEL_TRACES_SAMPLER_ARG', `"${ratioRaw}" is not a ratio between 0 and 1`);
  }
  return {
    url: tracesUrl ?? `${(baseUrl ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`,
    headers: {
      ...otlpHeaders('OTEL_EXPORTER_OTLP_HEADERS', env, fail),
      ...otlpHeaders('OTEL_EXPORTER_OTLP_TRACES_HEADERS', env, fail),
    },
    sampler: { name: sampler as SamplerName, ratio },
  };
}

/** `key1=value1,key2=value2`, values URL-encoded (the OTLP exporter specification's format). */
function otlpHeaders(
  name: string,
  env: Env,
  fail: (name: string, why: string) => never,
): Record<string, string> {
  const raw = nonEmpty(env[name]);
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    // The value may be a credential: the message names the variable, never the value.
    if (at <= 0 || key === '') fail(name, 'expected key=value pairs separated by commas');
    try {
      out[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      fail(name, `the value of "${key}" is not URL-encoded`);
    }
  }
  return out;
}

/**
 * The resource every span and metric carries (the SDK specification's resource detection, the
 * parts tagspace honours):
 *
 *   OTEL_RESOURCE_ATTRIBUTES (key=value pairs, values percent-encoded)
 *   ∪ service.version = the package's version
 *   ∪ service.name    = OTEL_SERVICE_NAME | service.name from the attributes | "tagspace"
 *
 * later lines winning over earlier ones, as the specification orders them.
 */
export function resourceAttributes(
  env: Env,
  version: string,
): Record<string, string> & { 'service.name': string } {
  const attrs: Record<string, string> = {};
  const raw = nonEmpty(env.OTEL_RESOURCE_ATTRIBUTES);
  const fail = (why: string): never => {
    throw new TagspaceError('config', `invalid OTEL_RESOURCE_ATTRIBUTES: ${why}`, {
      setting: 'OTEL_RESOURCE_ATTRIBUTES',
    });
  };
  for (const pair of raw === undefined ? [] : raw.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    if (at <= 0 || key === '') fail(`expected key=value pairs separated by commas, got "${pair.trim()}"`);
    try {
      attrs[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      fail(`the value of "${key}" is not percent-encoded`);
    }
  }
  return {
    'service.version': version,
    ...attrs,
    'service.name': nonEmpty(env.OTEL_SERVICE_NAME) ?? attrs['service.name'] ?? 'tagspace',
  };
}
