import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A file shipped with the package (samples, scenarios), from src/ under tsx or dist/ when built. */
export function packageFile(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

let version: string | undefined;

/** The version in the package's package.json (what --version prints and service.version reports). */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  return version;
}
