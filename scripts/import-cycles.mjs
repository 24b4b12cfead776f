// Finds import cycles in src/: between files, and between rooms (the folders directly under src/,
// and the sub-rooms src/router/limit and src/router/pacing). Type-only imports count: a cycle
// through shared types is still a cycle a reader has to untangle.
//
//   node scripts/import-cycles.mjs      prints each cycle; exits 1 if there is any
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SRC = path.join(ROOT, 'src');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const SPEC = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
const files = walk(SRC);
const known = new Set(files);
const edges = new Map(files.map((f) => [f, new Set()]));
for (const file of files) {
  // Comments may quote import lines; only code counts.
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  for (const [, spec] of text.matchAll(SPEC)) {
    const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
    if (known.has(target) && target !== file) edges.get(file).add(target);
  }
}

const SUB_ROOMS = ['router/limit', 'router/pacing'];
function roomOf(file) {
  const rel = path.relative(SRC, file).split(path.sep).join('/');
  const sub = SUB_ROOMS.find((r) => rel.startsWith(`${r}/`));
  if (sub) return sub;
  const parts = rel.split('/');
  return parts.length === 1 ? '(src)' : parts[0];
}

/** Tarjan's strongly connected components; every component of more than one node is a cycle. */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const rooms = new Map();
const witness = new Map();
for (const [from, tos] of edges) {
  const a = roomOf(from);
  if (!rooms.has(a)) rooms.set(a, new Set());
  for (const to of tos) {
    const b = roomOf(to);
    if (a === b) continue;
    rooms.get(a).add(b);
    const key = `${a} → ${b}`;
    if (!witness.has(key))
      witness.set(key, `${path.relative(ROOT, from)} imports ${path.relative(ROOT, to)}`);
  }
}

const fileCycles = cycles(edges);
const roomCycles = cycles(rooms);
for (const c of fileCycles) console.log(`file cycle: ${c.map((f) => path.relative(ROOT, f)).join(' ⇄ ')}`);
for (const c of roomCycles) {
  console.log(`room cycle: ${c.join(' ⇄ ')}`);
  for (const a of c)
    for (const b of c) {
      const w = witness.get(`${a} → ${b}`);
      if (w) console.log(`    ${a} → ${b}: ${w}`);
    }
}
const nEdges = [...edges.values()].reduce((n, s) => n + s.size, 0);
console.log(
  `${files.length} files, ${nEdges} imports, ${rooms.size} rooms: ` +
    `${fileCycles.length} file cycles, ${roomCycles.length} room cycles`,
);
process.exitCode = fileCycles.length + roomCycles.length > 0 ? 1 : 0;
