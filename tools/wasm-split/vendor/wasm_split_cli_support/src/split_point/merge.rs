//! GridLink's change to the published library: merging small shared chunks.
//!
//! Painting gives every function the exact set of splits that reach it, and the
//! library makes one chunk per distinct set. With 23 splits that was 337 chunks,
//! 232 of them under 1 KB, and a page opened directly fetched and instantiated up
//! to 192 of them; in Chromium each fetch cost ~1 ms of main thread inside the
//! hydration task (traced on `/wishes`: 99 fetches, 107 ms of a 306 ms task).
//!
//! Here a chunk with less code than `min_bytes` moves into a chunk loaded by a
//! superset of its splits. Correctness only needs that superset: every split in the
//! small chunk's set loads the target too, and the data placement already falls back
//! to the smallest chunk covering a symbol's users. The cost is the code the other
//! splits of the target now download for nothing; the target is chosen to keep that
//! smallest relative to what each of those splits downloads already (a 1 KB split
//! such as a button's lazy handler feels 8 KB more than a 300 KB page does). When no
//! chunk covers the set, the chunk of all splits does (made if missing).

use std::collections::{BTreeSet, HashMap};

use super::{OutputModuleInfo, SplitModuleIdentifier};
use crate::dep_graph::DepNode;
use crate::read::InputModule;

pub(crate) fn merge_small_chunks<'a>(
    module: &InputModule,
    contents: &mut HashMap<SplitModuleIdentifier, OutputModuleInfo>,
    split_names: impl Iterator<Item = &'a String>,
    min_bytes: usize,
) {
    if min_bytes == 0 {
        return;
    }
    let all: BTreeSet<String> = split_names.cloned().collect();
    if all.len() < 2 {
        return;
    }
    let code_size = |info: &OutputModuleInfo| -> usize {
        info.included_symbols
            .iter()
            .filter_map(|dep| match dep {
                DepNode::Function(index) => index.checked_sub(module.imported_funcs.len()),
                _ => None,
            })
            .map(|defined| {
                let body = module.defined_funcs[defined].body.range();
                (body.end - body.start) as usize
            })
            .sum()
    };
    let mut own: HashMap<String, usize> = all.iter().map(|n| (n.clone(), 0)).collect();
    let mut chunks: HashMap<BTreeSet<String>, usize> = HashMap::new();
    for (id, info) in contents.iter() {
        match id {
            SplitModuleIdentifier::Main => {}
            SplitModuleIdentifier::Split(name) => {
                own.insert(name.clone(), code_size(info));
            }
            SplitModuleIdentifier::Chunk(set) => {
                chunks.insert(set.clone(), code_size(info));
            }
        }
    }

    // The smallest chunk first (ties by name, so the output is deterministic).
    let smallest = |chunks: &HashMap<BTreeSet<String>, usize>| {
        chunks
            .iter()
            .filter(|(set, &size)| size < min_bytes && **set != all)
            .min_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)))
            .map(|(set, _)| set.clone())
    };
    while let Some(small) = smallest(&chunks) {
        let size = chunks[&small];
        // What each split downloads today: its own module and every chunk it loads.
        let mut total = own.clone();
        for (set, &bytes) in &chunks {
            for name in set {
                *total.get_mut(name).expect("chunk of a known split") += bytes;
            }
        }
        let cost = |target: &BTreeSet<String>| -> f64 {
            target
                .difference(&small)
                .map(|name| size as f64 / total[name].max(1) as f64)
                .sum()
        };
        let target = chunks
            .keys()
            .filter(|set| set.is_superset(&small) && **set != small)
            .chain(std::iter::once(&all))
            .min_by(|a, b| {
                cost(a)
                    .total_cmp(&cost(b))
                    .then(a.len().cmp(&b.len()))
                    .then(a.cmp(b))
            })
            .expect("the chunk of all splits is always a candidate")
            .clone();

        chunks.remove(&small);
        *chunks.entry(target.clone()).or_default() += size;
        let moved = contents
            .remove(&SplitModuleIdentifier::Chunk(small))
            .expect("every chunk size comes from a painted module");
        contents
            .entry(SplitModuleIdentifier::Chunk(target))
            .or_default()
            .included_symbols
            .extend(moved.included_symbols);
    }
}
