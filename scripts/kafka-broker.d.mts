// Types for scripts/kafka-broker.mjs, so TypeScript tests can start, stop and restart the broker.

export declare const KAFKA_VERSION: string;
export declare const DEFAULT_PORT: number;

type Log = (line: string) => void;

export interface BrokerPaths {
  versionDir: string;
  libs: string;
  state: string;
  data: string;
  properties: string;
  log4j: string;
  clusterIdFile: string;
  pidFile: string;
  logFile: string;
  lockFile: string;
}

export interface StartResult {
  /** host:port for KAFKA_BROKERS */
  bootstrap: string;
  /** The broker's pid; undefined when a broker this cache did not start already answered. */
  pid: number | undefined;
  /** True when this call started the broker (so the caller should stop it). */
  started: boolean;
  elapsedMs: number;
}

export declare function brokerPort(explicit?: string | number): number;
export declare function brokerPaths(port?: number): BrokerPaths;
export declare function bootstrapFor(port?: number): string;
export declare function ensureKafkaJars(options?: { log?: Log }): string;
export declare function isBrokerUp(options?: { port?: number; timeoutMs?: number }): Promise<boolean>;
export declare function brokerPid(port?: number): number | undefined;
export declare function startBroker(options?: {
  port?: number;
  fresh?: boolean;
  initialRebalanceDelayMs?: number;
  /**
   * Adds a SASL_SSL listener (PLAIN, a self-signed certificate) on port + 2, and an MSK IAM one
   * (OAUTHBEARER with SigV4-presigned tokens) on port + 3: kafka-secured-listener.mjs.
   */
  secured?: boolean;
  heap?: string;
  timeoutMs?: number;
  log?: Log;
}): Promise<StartResult>;
export declare function stopBroker(options?: {
  port?: number;
  timeoutMs?: number;
  log?: Log;
}): Promise<boolean>;
/** Stops and starts the broker, keeping its data and the options it was started with. */
export declare function restartBroker(options?: {
  port?: number;
  timeoutMs?: number;
  log?: Log;
}): Promise<StartResult>;
