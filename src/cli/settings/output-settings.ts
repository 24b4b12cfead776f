import { type Setting, PIPELINE, CONFLUENCE } from './setting.js';

/** What a run shows and writes: summary, logs, report, traces, metrics, the demo's files. (The
 * OTEL_* variables are read too: see config.ts.) */
export const OUTPUT_SETTINGS = [
  {
    key: 'summaryJson',
    flag: 'summary-json',
    type: 'string',
    help: 'write the run summary as JSON to this file',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'TAGSPACE_LOG_LEVEL',
    type: 'enum',
    values: ['trace', 'debug', 'info', 'warn', 'error', 'silent'],
    default: 'info',
    help: 'log level (logs go to stderr)',
    commands: [...PIPELINE, ...CONFLUENCE],
  },
  {
    key: 'heapGrowthPercent',
    flag: 'heap-growth',
    env: 'TAGSPACE_HEAP_GROWTH_PERCENT',
    type: 'int',
    min: 0,
    default: '50',
    help: 'how far (percent) the JS heap may grow past its live data before a full collection; 0 = V8 default (up to 300); keeps a long run flat in memory',
    commands: PIPELINE,
  },
  {
    key: 'report',
    flag: 'report',
    type: 'string',
    help: 'write an HTML run report (charts, no network needed to view) to this file',
    commands: ['replay', 'demo'],
  },

  {
    key: 'trace',
    flag: 'trace',
    env: 'TAGSPACE_TRACE',
    type: 'bool',
    help: 'export traces over OTLP/HTTP (default: on when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set; without either, to http://localhost:4318)',
    commands: [...PIPELINE, ...CONFLUENCE],
  },
  {
    key: 'metricsPort',
    flag: 'metrics-port',
    env: 'TAGSPACE_METRICS_PORT',
    type: 'int',
    min: 0,
    max: 65535,
    help: 'serve /metrics (Prometheus), /healthz and /readyz on this port; 0 = any free port (default: 9464 for run, off for replay and demo)',
  },
  {
    key: 'metricsHost',
    flag: 'metrics-host',
    env: 'TAGSPACE_METRICS_HOST',
    type: 'string',
    default: '0.0.0.0',
    help: 'address the metrics server listens on',
  },
  {
    key: 'input',
    flag: 'input',
    type: 'string',
    help: 'JSONL file of PageEvents (default: the bundled sample space)',
    commands: ['demo'],
  },
  {
    key: 'out',
    flag: 'out',
    type: 'string',
    default: 'tags.jsonl',
    help: 'the JSONL file TagRecords are appended to and the tag state is restored from; dead letters go beside it (NAME.dlq.jsonl)',
    commands: ['demo'],
  },
  {
    key: 'out',
    flag: 'out',
    type: 'string',
    help: 'write the PageEvents to this JSONL file instead of to --topic',
    commands: ['gen', 'ingest'],
  },
  {
    key: 'scenario',
    flag: 'scenario',
    type: 'string',
    help: 'simulator scenario JSON file',
    commands: ['demo', 'sim'],
  },
] as const satisfies readonly Setting[];
