// Types for scripts/kafka-secured-listener.mjs, so TypeScript tests can reach a secured test broker.

export declare const SECURED_USER: string;
export declare const SECURED_PASSWORD: string;
export declare const SECURED_STRANGER: string;
export declare const SECURED_STRANGER_PASSWORD: string;
export declare const MSK_ACCESS_KEY_ID: string;
export declare const MSK_SECRET_ACCESS_KEY: string;
export declare const MSK_STRANGER_ACCESS_KEY_ID: string;
export declare const MSK_STRANGER_SECRET_ACCESS_KEY: string;
export declare const MSK_REGION: string;
export declare function securedPort(port: number): number;
/** The MSK IAM listener's port (SASL_SSL, OAUTHBEARER with MSK IAM tokens): port + 3. */
export declare function mskIamPort(port: number): number;
export declare function securedFiles(state: string): {
  keystore: string;
  caFile: string;
  tokenKey: string;
  jwks: string;
  /** The compiled MSK IAM validator's class dir. */
  mskIamClasses: string;
};
export declare const TOKEN_AUDIENCE: string;
export declare function ensureTokenKey(state: string): void;
export declare function ensureCertificate(state: string): void;
/** Compiles the MSK IAM validator unless it is compiled already; returns its class dir. */
export declare function ensureMskIamValidator(state: string, libs: string): string;
