// Gives every lazily loaded chunk a name that carries a hash of its content, and
// makes the chunk loader patient. Usage: node scripts/hash-chunks.mjs <pkg dir>
//
// Why the names: wasm-split names chunks chunk_N.wasm; after a deploy, a tab opened
// before it would fetch the new build's chunk_N (other code under the same name)
// and run it. With hashed names it gets a 404 and reloads into the new build. The
// hashed files never change, so the server may let browsers keep them (immutable).
//
// Why the loader: Leptos's lazy routes treat a chunk that fails to load as fatal (a
// panic ends the app). On a phone whose signal comes and goes, the loader now tries
// again, and waits for the connection when the phone is offline, instead of failing.
import { readFileSync, writeFileSync, renameSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const pkg = process.argv[2];
if (!pkg) { console.error('usage: node scripts/hash-chunks.mjs <pkg dir>'); process.exit(2); }
const LOADER = '__wasm_split.______________________.js';
const MANIFEST = '__wasm_split_manifest.json';

const renamed = {};
for (const file of readdirSync(pkg)) {
  const m = /^((?:chunk_\d+)|(?:split_\w+?))\.wasm$/.exec(file);
  if (!m) continue;
  const hash = createHash('sha256').update(readFileSync(join(pkg, file))).digest('hex').slice(0, 12);
  renamed[m[1]] = `${m[1]}.${hash}`;
  renameSync(join(pkg, file), join(pkg, `${renamed[m[1]]}.wasm`));
}

let loader = readFileSync(join(pkg, LOADER), 'utf8');
let references = 0;
loader = loader.replace(/"\.\/(chunk_\d+|split_\w+?)\.wasm"/g, (all, stem) => {
  if (!renamed[stem]) throw new Error(`the loader names ${stem}.wasm, which is not in ${pkg}`);
  references++;
  return `"./${renamed[stem]}.wasm"`;
});
const calls = loader.split('fetch(new URL(').length - 1;
if (calls !== references) throw new Error(`expected one fetch per chunk, found ${calls} fetches for ${references} chunks`);
loader = `// GridLink (scripts/hash-chunks.mjs): a chunk load never fails for good.
async function fetchChunk(url) {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url);
      if (response.ok) return response;
      // An older build's chunk after a deploy: only a fresh page can go on.
      // (Once a minute at most: servers of two builds behind one address must not
      // make the page reload forever.)
      if (response.status === 404) {
        const last = Number(sessionStorage.getItem('gridlink-reloaded') || 0);
        if (Date.now() - last > 60_000) {
          sessionStorage.setItem('gridlink-reloaded', String(Date.now()));
          location.reload();
          return new Promise(() => {});
        }
      }
    } catch (e) { /* no connection: wait below */ }
    // Try again after a pause, or as soon as the connection comes back.
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.min(8000, 500 * 2 ** attempt));
      addEventListener('online', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
}
` + loader.replaceAll('fetch(new URL(', 'fetchChunk(new URL(');
writeFileSync(join(pkg, LOADER), loader);

const manifest = JSON.parse(readFileSync(join(pkg, MANIFEST), 'utf8'));
for (const split of Object.keys(manifest)) {
  manifest[split] = manifest[split].map((stem) => {
    if (!renamed[stem]) throw new Error(`the manifest names ${stem}, which is not in ${pkg}`);
    return renamed[stem];
  });
}
writeFileSync(join(pkg, MANIFEST), JSON.stringify(manifest, null, 2));
console.log(`hashed ${Object.keys(renamed).length} chunk names`);
