// Builds a Go program from the Go module proxy into a cached binary. `go install pkg@version` refuses
// modules whose go.mod has replace or exclude directives (Jaeger, Compose), and such directives do
// not carry over to a module that depends on them, so the build runs in a small wrapper module that
// repeats them: the versions selected are then the ones upstream builds with.
import fs from 'node:fs';
import path from 'node:path';
import { runCommand, seconds } from './background-process.mjs';

/** The module-to-module lines of `directive` (block or single-line form) in a go.mod text. */
export function goModDirectives(goModText, directive) {
  const body = goModText.replace(/\/\/.*$/gm, '');
  const lines = [];
  for (const m of body.matchAll(new RegExp(`^${directive}\\s*\\(([\\s\\S]*?)^\\)`, 'gm'))) {
    lines.push(...m[1].split('\n'));
  }
  for (const m of body.matchAll(new RegExp(`^${directive}\\s+([^(\\s].*)$`, 'gm'))) lines.push(m[1]);
  // A replace onto a local path only exists inside the upstream tree; leave those out.
  return lines.map((l) => l.trim()).filter((l) => l !== '' && !/=>\s*\.{0,2}\//.test(l));
}

/**
 * Builds `pkg` from `module@version` into `binary` unless it exists; `workDir` holds the wrapper
 * module. The binary appears atomically, so an interrupted build leaves nothing half-written.
 */
export async function buildGoProgram({ module, version, pkg, binary, workDir, ldflags = '-s -w', log }) {
  if (fs.existsSync(binary)) return binary;
  const began = Date.now();
  log(`go: building ${pkg}@${version} (first time only; takes minutes)`);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const go = (args) => runCommand('go', args, { cwd: workDir });
  const info = JSON.parse(await go(['mod', 'download', '-json', `${module}@${version}`]));
  const upstream = fs.readFileSync(info.GoMod, 'utf8');
  const goMod = [
    `module tagspace.local/build-${path.basename(binary)}`,
    '',
    'go 1.24',
    '',
    ...goModDirectives(upstream, 'replace').map((r) => `replace ${r}`),
    ...goModDirectives(upstream, 'exclude').map((e) => `exclude ${e}`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(workDir, 'go.mod'), goMod);
  await go(['get', `${pkg}@${version}`]);
  const tmp = `${binary}.tmp-${process.pid}`;
  await go(['build', '-trimpath', `-ldflags=${ldflags}`, '-o', tmp, pkg]);
  fs.renameSync(tmp, binary);
  log(`go: built ${binary} in ${seconds(Date.now() - began)}`);
  return binary;
}
