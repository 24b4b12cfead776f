import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/config.js';

const telemetry = (command: string, argv: string[], env: Record<string, string> = {}) =>
  loadConfig(command, argv, env).telemetry;

describe('telemetry settings', () => {
  it('leaves tracing off without an endpoint or --trace', () => {
    expect(telemetry('replay', []).tracing).toBeUndefined();
  });

  it('turns tracing on for OTEL_EXPORTER_OTLP_ENDPOINT and appends /v1/traces', () => {
    expect(telemetry('replay', [], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' }).tracing).toEqual({
      url: 'http://jaeger:4318/v1/traces',
      headers: {},
      sampler: { name: 'parentbased_always_on', ratio: 1 },
    });
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, with headers and the sampler', () => {
    const tracing = telemetry('run', [], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/otlp/traces',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=tags,authorization=Bearer%20abc',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing;
    expect(tracing).toEqual({
      url: 'https://collector.example/otlp/traces',
      headers: { 'x-team': 'tags', authorization: 'Bearer abc' },
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
    });
  });

  it('sends to localhost:4318 on --trace alone, and --no-trace wins over the environment', () => {
    expect(telemetry('demo', ['--trace']).tracing?.url).toBe('http://localhost:4318/v1/traces');
    expect(
      telemetry('demo', ['--no-trace'], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }).tracing,
    ).toBeUndefined();
    expect(
      telemetry('demo', [], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://j:4318', OTEL_SDK_DISABLED: 'true' })
        .tracing,
    ).toBeUndefined();
    expect(
      telemetry('demo', [], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://j:4318', OTEL_TRACES_EXPORTER: 'none' })
        .tracing,
    ).toBeUndefined();
  });

  it('names the service from OTEL_SERVICE_NAME, tagspace by default', () => {
    expect(telemetry('replay', []).serviceName).toBe('tagspace');
    expect(telemetry('replay', [], { OTEL_SERVICE_NAME: 'tags-eu' }).serviceName).toBe('tags-eu');
  });

  it('builds the resource from OTEL_RESOURCE_ATTRIBUTES, the package version and OTEL_SERVICE_NAME', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(telemetry('run', []).resource).toEqual({ 'service.name': 'tagspace', 'service.version': version });
    const env = {
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,service.name=from-attrs,team=wiki%20tools',
    };
    expect(telemetry('run', [], env).resource).toEqual({
      'service.name': 'from-attrs',
      'service.version': version,
      'deployment.environment.name': 'prod',
      team: 'wiki tools',
    });
    expect(telemetry('run', [], { ...env, OTEL_SERVICE_NAME: 'tags-eu' }).resource['service.name']).toBe(
      'tags-eu',
    );
    expect(() => telemetry('run', [], { OTEL_RESOURCE_ATTRIBUTES: 'novalue' })).toThrow(
      'invalid OTEL_RESOURCE_ATTRIBUTES: expected key=value pairs separated by commas, got "novalue"',
    );
  });

  it('rejects bad OTEL values with one line naming the variable', () => {
    expect(() => telemetry('run', [], { OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' })).toThrow(
      /^invalid OTEL_EXPORTER_OTLP_ENDPOINT: "jaeger:4318" is not an http\(s\) URL$/,
    );
    expect(() => telemetry('run', ['--trace'], { OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(
      /^invalid OTEL_TRACES_SAMPLER: "sometimes" is not one of/,
    );
    expect(() => telemetry('run', ['--trace'], { OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      /^invalid OTEL_TRACES_SAMPLER_ARG/,
    );
    expect(() => telemetry('run', ['--trace'], { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /^invalid OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported/,
    );
    expect(() =>
      telemetry('run', ['--trace'], { OTEL_EXPORTER_OTLP_HEADERS: 'secret-token-without-a-name' }),
    ).toThrow(/^invalid OTEL_EXPORTER_OTLP_HEADERS: expected key=value pairs separated by commas$/);
  });

  it('serves metrics on 9464 for run and only when asked for replay and demo', () => {
    expect(telemetry('run', []).metrics).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(telemetry('replay', []).metrics).toBeUndefined();
    expect(telemetry('demo', ['--metrics-port', '0', '--metrics-host', '127.0.0.1']).metrics).toEqual({
      port: 0,
      host: '127.0.0.1',
    });
    expect(telemetry('run', [], { TAGSPACE_METRICS_PORT: '9999' }).metrics?.port).toBe(9999);
  });

  it('takes --report on replay and demo only', () => {
    expect(telemetry('replay', ['--report', 'r.html']).report).toBe('r.html');
    expect(() => telemetry('run', ['--report', 'r.html'])).toThrow(/report/);
  });
});
