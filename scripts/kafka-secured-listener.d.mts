// Types for scripts/kafka-secured-listener.mjs, so TypeScript tests can reach a secured test broker.

export declare const SECURED_USER: string;
export declare const SECURED_PASSWORD: string;
export declare const SECURED_STRANGER: string;
export declare const SECURED_STRANGER_PASSWORD: string;
export declare function securedPort(port: number): number;
export declare function securedFiles(state: string): {
  keystore: string;
  caFile: string;
  tokenKey: string;
  jwks: string;
};
export declare const TOKEN_AUDIENCE: string;
export declare function ensureTokenKey(state: string): void;
export declare function ensureCertificate(state: string): void;
