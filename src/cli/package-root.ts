import { fileURLToPath } from 'node:url';

/** A file shipped with the package (samples, scenarios), from src/ under tsx or dist/ when built. */
export function packageFile(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}
