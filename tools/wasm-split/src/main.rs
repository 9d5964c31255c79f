//! `gridlink-wasm-split <app.wasm> <pkg dir> <name>`: cuts the linked (not yet
//! bindgen'd) browser bundle at every `#[lazy]` / `#[lazy_route]` point.
//!
//! Writes the lazily loaded chunks and their loader (`__wasm_split.*.js`) into the
//! pkg dir, the main module to `<app>_split.wasm` beside the input (wasm-bindgen runs
//! on it next), and `__wasm_split_manifest.json`: which chunks each split needs, read
//! by `scripts/bundle-check.mjs` for its per-page totals (Leptos's `HydrationScripts`
//! read it to preload a lazy route's chunks; `app/src/ui/boot.rs` replaced that, so
//! nothing is fetched before the first paint). The file names are the ones Leptos
//! expects (see cargo-leptos `wasm_split_tools`).
//!
//! The library (vendored in `vendor/`, one change of ours) makes one chunk per
//! distinct set of split points that use a function; published, that was 337 chunks
//! and a page opened directly fetched up to 192 of them. `MIN_CHUNK_BYTES` merges the
//! small ones into chunks loaded by a superset of their splits (see
//! `vendor/wasm_split_cli_support/src/split_point/merge.rs`, figures in
//! docs/performance.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Shared chunks with less code than this are merged (function bytes before
/// wasm-opt). Chosen by simulating the merge on the published split: at 8 KB the
/// wall fetches 15 files instead of 99 for ~40 % more bytes (gzip compresses larger
/// files better, so less on the wire); larger values add bytes for few requests.
const MIN_CHUNK_BYTES: usize = 8 * 1024;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, pkg_dir, name] = args.as_slice() else {
        eprintln!("usage: gridlink-wasm-split <app.wasm> <pkg dir> <output name>");
        return ExitCode::from(2);
    };
    match split(Path::new(input), Path::new(pkg_dir), name) {
        Ok(chunks) => {
            println!("split into the main module and {chunks} lazily loaded chunks");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasm split failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn split(input: &Path, pkg_dir: &Path, name: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let wasm = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let main_out: PathBuf = input.with_file_name(format!(
        "{}_split.wasm",
        input.file_stem().and_then(|s| s.to_str()).unwrap_or("app")
    ));
    let main_module = format!("./{name}.js");
    std::fs::create_dir_all(pkg_dir)?;
    let out = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&wasm);
        opts.output_dir = pkg_dir;
        opts.main_out_path = &main_out;
        opts.main_module = &main_module;
        // Leptos looks for this exact name when files are not hashed.
        opts.link_name = "./__wasm_split.______________________.js";
        opts.min_chunk_bytes = MIN_CHUNK_BYTES;
        opts
    })
    .map_err(|e| format!("{e:?}"))?;
    std::fs::write(
        pkg_dir.join("__wasm_split_manifest.json"),
        serde_json::to_string_pretty(&out.prefetch_map)?,
    )?;
    Ok(out.split_modules.len())
}
