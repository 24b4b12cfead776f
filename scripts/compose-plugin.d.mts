// Types for scripts/compose-plugin.mjs.

export declare const COMPOSE_VERSION: string;
/** True when `docker compose version` answers. */
export declare function composeWorks(): boolean;
/** Installs the Compose v2 CLI plugin (cached build) unless `docker compose` works; returns its path. */
export declare function ensureComposePlugin(options?: { log?: (line: string) => void }): Promise<string>;
