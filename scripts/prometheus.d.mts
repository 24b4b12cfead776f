// Types for scripts/prometheus.mjs.

export declare const PROMETHEUS_VERSION: string;
/** Builds Prometheus's promtool (cached) unless it is there; returns its path. */
export declare function ensurePromtool(options?: { log?: (line: string) => void }): Promise<string>;
/** Builds the Prometheus server (cached) unless it is there; returns its path. */
export declare function ensurePrometheus(options?: { log?: (line: string) => void }): Promise<string>;
