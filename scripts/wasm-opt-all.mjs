// wasm-opt -Oz --converge over many files, loading Binaryen once per worker: the
// npm binaryen is Binaryen compiled to wasm, and loading it costs ~1.5 s, which
// the command-line wasm-opt pays for each of our ~300 lazy chunks (3 min; here
// ~70 s in one worker). scripts/build-bundle.sh uses it for the chunks only: on
// the main module the command line came out 0.14 % smaller (gzip), so that one
// still goes through wasm-opt itself, alongside.
// Usage: BINARYEN=path/to/binaryen/index.js [JOBS=n] node scripts/wasm-opt-all.mjs FILE.wasm ...
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

if (isMainThread) {
  const files = process.argv.slice(2);
  // Biggest first, so the main module does not start last and hold up the end.
  files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  const workers = Math.max(1, Math.min(Number(process.env.JOBS || os.availableParallelism()), files.length));
  let next = 0;
  let failed = false;
  await Promise.all(Array.from({ length: workers }, () => new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { binaryen: process.env.BINARYEN } });
    const feed = () => {
      if (next < files.length) worker.postMessage(files[next++]);
      else worker.terminate().then(resolve);
    };
    worker.on('message', (m) => {
      if (m.error) { console.error(`wasm-opt ${m.file}: ${m.error}`); failed = true; }
      feed();
    });
    worker.on('error', reject);
    feed();
  })));
  if (failed) process.exit(1);
} else {
  const { default: binaryen } = await import(pathToFileURL(path.resolve(workerData.binaryen)).href);
  const F = binaryen.Features;
  binaryen.setOptimizeLevel(2); // -Oz = -O2 with the most shrinking
  binaryen.setShrinkLevel(2);
  binaryen.setDebugInfo(false);
  parentPort.on('message', (file) => {
    try {
      const mod = binaryen.readBinary(fs.readFileSync(file));
      // The chunks share the main module's memory and table: only size passes that
      // keep imports and exports as they are (none renames them unless asked).
      mod.setFeatures(mod.getFeatures() | F.BulkMemory | F.BulkMemoryOpt | F.CallIndirectOverlong | F.NontrappingFPToInt | F.SignExt | F.MutableGlobals | F.ReferenceTypes);
      mod.runPasses(['strip-debug', 'strip-producers']);
      // --converge: run the pipeline again while it still shrinks the file.
      let bytes = mod.emitBinary();
      for (;;) {
        mod.optimize();
        const again = mod.emitBinary();
        if (again.length >= bytes.length) break;
        bytes = again;
      }
      mod.dispose();
      fs.writeFileSync(file, bytes);
      parentPort.postMessage({ file });
    } catch (e) {
      parentPort.postMessage({ file, error: String(e) });
    }
  });
}
