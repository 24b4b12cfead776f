// Types for scripts/kafka-cluster.mjs, so TypeScript tests can start the cluster and kill its nodes.

type Log = (line: string) => void;

export declare const DEFAULT_CLUSTER_PORT: number;
export declare const DEFAULT_NODES: number;

export interface ClusterNodePaths {
  id: number;
  port: number;
  state: string;
  data: string;
  properties: string;
  logFile: string;
  pidFile: string;
}

export declare function clusterPort(explicit?: string | number): number;
export declare function nodeCount(explicit?: string | number): number;
export declare function nodeIds(nodes: number): number[];
export declare function nodePort(base: number, id: number): number;
export declare function clusterBootstrap(base: number, nodes: number): string[];
export declare function clusterPaths(
  base?: number,
  nodes?: number,
): { state: string; lockFile: string; nodes: ClusterNodePaths[] };
export declare function nodePid(base: number, id: number): number | undefined;
export declare function brokersSeenBy(
  port: number,
  options?: { timeoutMs?: number },
): Promise<number[] | undefined>;
export declare function startCluster(options?: {
  port?: number;
  nodes?: number;
  fresh?: boolean;
  heap?: string;
  timeoutMs?: number;
  log?: Log;
}): Promise<{ bootstrap: string[]; started: number[]; elapsedMs: number }>;
export declare function stopCluster(options?: {
  port?: number;
  nodes?: number;
  timeoutMs?: number;
  log?: Log;
}): Promise<boolean>;
export declare function killNode(options: { port?: number; id: number; log?: Log }): Promise<number>;
export declare function startNode(options: {
  port?: number;
  nodes?: number;
  id: number;
  heap?: string;
  timeoutMs?: number;
  log?: Log;
}): Promise<{ pid: number; started: boolean; elapsedMs: number }>;
export declare function clusterStatus(options?: {
  port?: number;
  nodes?: number;
}): Promise<{ id: number; port: number; pid: number | undefined; up: boolean; sees: number[] }[]>;
