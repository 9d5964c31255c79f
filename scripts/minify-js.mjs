// Minifies the bundle's JavaScript in place: the wasm-bindgen glue, the chunk loader
// and our own snippets, all part of the first download (debug and release alike, so
// the end-to-end tests run what ships). Usage: node scripts/minify-js.mjs <pkg dir>
//
// Only local names are shortened: import and export names, and the property names
// the WebAssembly imports by (`wbg.__wbg_…`), are strings the wasm and the loader
// look up, and terser leaves them as they are without --mangle-props.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

// terser is installed with the build tools in end2end/ (scripts/ensure-tools.sh).
const { minify } = createRequire(new URL('../end2end/package.json', import.meta.url))('terser');

const pkg = process.argv[2];
if (!pkg) { console.error('usage: node scripts/minify-js.mjs <pkg dir>'); process.exit(2); }
const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []);

let before = 0, after = 0;
for (const file of files(pkg)) {
  const code = readFileSync(file, 'utf8');
  const out = await minify(code, { module: true, compress: { passes: 2 }, mangle: true, format: { comments: false } });
  if (typeof out.code !== 'string') throw new Error(`terser gave nothing for ${file}`);
  writeFileSync(file, out.code);
  before += code.length; after += out.code.length;
}
console.log(`minified JavaScript: ${(before / 1024).toFixed(1)} -> ${(after / 1024).toFixed(1)} KB`);
