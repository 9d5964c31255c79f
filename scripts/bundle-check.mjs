// Prints what a phone downloads (raw and gzip) and fails when the first download
// or a lazily loaded chunk is over budget. Usage: node scripts/bundle-check.mjs <pkg dir>
//
// First download to hydrate `/`: the JS glue, the main wasm and the split loader
// (the glue imports it). `/` is not a lazy route, so no chunk is needed for it; the
// vendored Leaflet (site/leaflet/) is not counted, as the issue says.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

// Issue 9's budgets: 250 KB gzip for the first download, 150 KB for any lazy chunk
// (met since session 26; docs/performance.md has the figures and how).
const FIRST_BUDGET = 250 * 1024;
const CHUNK_BUDGET = 150 * 1024;
const pkg = process.argv[2] || 'target/site/pkg';
const name = process.env.LEPTOS_OUTPUT_NAME || 'gridlink';

const size = (file) => {
  const raw = readFileSync(join(pkg, file));
  return { raw: raw.length, gz: gzipSync(raw, { level: 9 }).length };
};
const kb = (n) => (n / 1024).toFixed(1).padStart(8);

const files = readdirSync(pkg).filter((f) => /\.(wasm|js)$/.test(f) && statSync(join(pkg, f)).isFile());
// wasm-bindgen's snippets (our own JS modules, e.g. src/ui/outbox.js) are imported
// by the bindings up front: part of the first download.
const snippets = (dir) => readdirSync(join(pkg, dir), { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? snippets(join(dir, e.name)) : /\.js$/.test(e.name) ? [join(dir, e.name)] : []);
const first = [`${name}.js`, `${name}.wasm`, ...files.filter((f) => f.startsWith('__wasm_split.'))];
const lazy = files.filter((f) => !first.includes(f));
for (const f of first) if (!files.includes(f)) { console.error(`missing ${f} in ${pkg}`); process.exit(2); }
if (existsSync(join(pkg, 'snippets'))) first.push(...snippets('snippets'));

const failures = [];
console.log(`${'file'.padEnd(56)}   raw KB  gzip KB`);
let firstGz = 0, firstRaw = 0;
for (const f of first) {
  const s = size(f);
  firstGz += s.gz; firstRaw += s.raw;
  console.log(`${('first  ' + f).padEnd(56)} ${kb(s.raw)} ${kb(s.gz)}`);
}
console.log(`${'first download to hydrate /'.padEnd(56)} ${kb(firstRaw)} ${kb(firstGz)}   budget ${kb(FIRST_BUDGET).trim()}`);
if (firstGz > FIRST_BUDGET) failures.push(`first download ${kb(firstGz).trim()} KB gzip > the ${kb(FIRST_BUDGET).trim()} KB budget`);

const sizes = Object.fromEntries(lazy.map((f) => [f, size(f)]));
let lazyGz = 0;
for (const f of lazy.sort((a, b) => sizes[b].gz - sizes[a].gz)) {
  lazyGz += sizes[f].gz;
  if (sizes[f].gz > CHUNK_BUDGET) failures.push(`${f} ${kb(sizes[f].gz).trim()} KB gzip > 150 KB`);
}
for (const f of lazy.slice(0, 12)) console.log(`${('lazy   ' + f).padEnd(56)} ${kb(sizes[f].raw)} ${kb(sizes[f].gz)}`);
if (lazy.length > 12) console.log(`  … and ${lazy.length - 12} smaller chunks`);
console.log(`${`all ${lazy.length} lazy chunks`.padEnd(56)} ${''.padStart(8)} ${kb(lazyGz)}   budget per chunk ${kb(CHUNK_BUDGET).trim()}`);

// What opening each lazy page costs on top of the first download.
try {
  const manifest = JSON.parse(readFileSync(join(pkg, '__wasm_split_manifest.json'), 'utf8'));
  console.log('\nlazy page (its chunks)                                   gzip KB');
  for (const [split, deps] of Object.entries(manifest).sort()) {
    const gz = deps.reduce((n, d) => n + (sizes[`${d}.wasm`]?.gz ?? 0), 0);
    console.log(`${split.replace(/^__|_\d+$/g, '').padEnd(48)} ${String(deps.length).padStart(3)} ${kb(gz)}`);
  }
} catch (e) { console.error(`no split manifest: ${e.message}`); failures.push('no split manifest'); }

if (failures.length) {
  console.error('\nbundle budget exceeded:\n  ' + failures.join('\n  '));
  process.exit(1);
}
console.log('\nbundle within budget');
