// Types for scripts/kubectl-validate.mjs.

export declare const KUBECTL_VALIDATE_VERSION: string;
/** Builds kubectl-validate (cached) unless it is there; returns its path. */
export declare function ensureKubectlValidate(options?: { log?: (line: string) => void }): Promise<string>;
