// Types for scripts/jaeger.mjs, so TypeScript tests can start and stop Jaeger.

type Log = (line: string) => void;

export interface JaegerEndpoints {
  /** Query API and UI, e.g. http://127.0.0.1:16686 */
  queryUrl: string;
  /** OTLP over HTTP; traces go to `${otlpHttpUrl}/v1/traces`. */
  otlpHttpUrl: string;
  otlpGrpcUrl: string;
}

export interface JaegerStartResult extends JaegerEndpoints {
  /** True when this call started Jaeger (so the caller should stop it). */
  started: boolean;
  pid: number | undefined;
}

export declare const JAEGER_VERSION: string;
export declare const jaegerEndpoints: JaegerEndpoints;
export declare function ensureJaeger(options?: { log?: Log }): Promise<string>;
export declare function isJaegerUp(options?: { timeoutMs?: number }): Promise<boolean>;
export declare function startJaeger(options?: { timeoutMs?: number; log?: Log }): Promise<JaegerStartResult>;
export declare function stopJaeger(options?: { timeoutMs?: number; log?: Log }): Promise<boolean>;
