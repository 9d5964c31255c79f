//! `server bench-boundaries`: what one boundary edit costs in a city. A
//! generated city (`--grids`), then `--samples` grids spread over it, each
//! split down its middle and the split undone, through the service (the
//! overlap check against every other grid, the transaction with its case
//! moves, the atlas rebuilt); the rebuild alone is timed too, because it
//! is what every server does when another one saves.

use crate::bench_cases::{city, viewer};
use app::backend::services::boundaries;
use app::domain::auth::{Role, Scope};
use app::domain::boundary::BoundaryEdit;
use std::time::{Duration, Instant};

fn line(label: &str, mut lat: Vec<Duration>) {
    lat.sort();
    let at = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    println!(
        "{label:<28} p50 {:>8.1} ms  p99 {:>8.1} ms  ({} runs)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        lat.len()
    );
}

pub async fn run(grids: usize, samples: usize) -> Result<(), String> {
    let (state, places, _) = city(grids).await?;
    let admin = viewer(1, Role::SystemAdmin, Scope::Everywhere);
    let step = (places.len() / samples.max(1)).max(1);
    let (mut splits, mut undos, mut rebuilds) = (Vec::new(), Vec::new(), Vec::new());
    for (i, place) in places.iter().step_by(step).take(samples.max(1)).enumerate() {
        let grid = place.0.clone();
        let outline = boundaries::outline(&state, &admin, &grid)
            .await
            .map_err(|e| format!("{grid}: {e}"))?;
        let pts: Vec<[f64; 2]> = outline.parts.iter().flatten().flatten().copied().collect();
        let (s, n) = pts
            .iter()
            .fold((90.0f64, -90.0f64), |(s, n), p| (s.min(p[0]), n.max(p[0])));
        let mid = pts.iter().map(|p| p[1]).sum::<f64>() / pts.len().max(1) as f64;
        let t = Instant::now();
        let done = boundaries::save(
            &state,
            &admin,
            BoundaryEdit::Split {
                grid: grid.clone(),
                line: vec![[s - (n - s), mid], [n + (n - s), mid]],
                new_grid: format!("BENCH-{i}"),
                new_name: "测速网格".into(),
                stamp: outline.stamp,
            },
        )
        .await
        .map_err(|e| format!("split {grid}: {e}"))?;
        splits.push(t.elapsed());
        let t = Instant::now();
        boundaries::undo(&state, &admin, done.change_id)
            .await
            .map_err(|e| format!("undo {grid}: {e}"))?;
        undos.push(t.elapsed());
        let t = Instant::now();
        state.refresh_atlas().await.map_err(|e| e.to_string())?;
        rebuilds.push(t.elapsed());
    }
    println!("{} grids in the city", state.atlas().grid_count());
    line("split (checked, written, index)", splits);
    line("undo of the split", undos);
    line("atlas rebuild alone", rebuilds);
    Ok(())
}
