//! `server check-coverage [--area CODE] [--tolerance M2]`: prints every gap
//! and overlap and fails when it finds any (for scripts and CI of a city's
//! boundary files). `server bench-coverage [--grids N] [--samples S]`: the
//! check over a generated city, whole and per community.

use app::backend::atlas::Atlas;
use app::backend::demo;
use app::domain::geography::{CoverageKind, CoverageReport, COVERAGE_TOLERANCE_M2};
use std::time::Instant;

fn print(report: &CoverageReport) {
    for f in &report.findings {
        match f.kind {
            CoverageKind::Gap => println!(
                "  盲区 GAP      {} {} ({}): {:.1} m² not covered; bordering {}",
                f.area_level.label_zh(),
                f.area_name,
                f.area,
                f.area_m2,
                if f.grids.is_empty() {
                    "nothing".to_string()
                } else {
                    f.grids.join(", ")
                }
            ),
            CoverageKind::Overlap => println!(
                "  重叠 OVERLAP  {} × {}: {:.1} m² shared (in {} {})",
                f.grids[0], f.grids[1], f.area_m2, f.area_name, f.area
            ),
        }
    }
}

/// Checks the database's geography; an `Err` (non-zero exit) when anything is found.
pub async fn check(args: &[String]) -> Result<(), String> {
    let area = super::flag(args, "--area").map(|a| a.trim().to_ascii_uppercase());
    let tolerance = match super::flag(args, "--tolerance") {
        None => COVERAGE_TOLERANCE_M2,
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite() && *t >= 0.0)
            .ok_or(format!("--tolerance expects square metres, got {v}"))?,
    };
    let settings = server::Settings::from_env()?;
    let state = server::state(&settings).await?;
    let atlas = state.atlas();
    let started = Instant::now();
    let report = atlas
        .coverage(area.as_deref(), tolerance)
        .ok_or(format!("no area has the code {}", area.unwrap_or_default()))?;
    let took = started.elapsed();
    let scope = if report.scope.is_empty() {
        "the whole geography".to_string()
    } else {
        format!("{} ({})", report.scope_name, report.scope)
    };
    println!(
        "Coverage of {scope}: {} grids, tolerance {tolerance} m², checked in {took:.1?}",
        report.grids_checked
    );
    print(&report);
    let (gaps, overlaps) = (
        report.count(CoverageKind::Gap),
        report.count(CoverageKind::Overlap),
    );
    if gaps + overlaps == 0 {
        println!("No gaps and no overlaps. 无盲区、无重叠。");
        Ok(())
    } else {
        Err(format!("{gaps} gap(s) and {overlaps} overlap(s) found"))
    }
}

/// Times the check of a generated city: once whole, then each of `samples`
/// communities spread over it (p50, p99).
pub fn bench(grids: usize, samples: usize) -> Result<(), String> {
    let t = Instant::now();
    let atlas = Atlas::from_regions(&demo::city(grids));
    println!(
        "generated {} grids and built the atlas in {:.2?}",
        atlas.grid_count(),
        t.elapsed()
    );
    let t = Instant::now();
    let whole = atlas
        .coverage(None, COVERAGE_TOLERANCE_M2)
        .ok_or("no geography")?;
    println!(
        "whole city ({} grids): {:.2?}, {} findings (budget 10 s)",
        whole.grids_checked,
        t.elapsed(),
        whole.findings.len()
    );
    print(&whole);
    let communities = atlas.communities();
    let step = (communities.len() / samples.max(1)).max(1);
    let mut lat = Vec::new();
    for c in communities.iter().step_by(step).take(samples.max(1)) {
        let t = Instant::now();
        let r = atlas
            .coverage(Some(&c.code), COVERAGE_TOLERANCE_M2)
            .ok_or("community vanished")?;
        lat.push(t.elapsed());
        if !r.findings.is_empty() {
            return Err(format!("the generated community {} has findings", c.code));
        }
    }
    if lat.is_empty() {
        return Err("the generated city has no communities".into());
    }
    lat.sort();
    let at = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    println!(
        "one community: p50 {:.2?}  p99 {:.2?}  ({} communities; budget 50 ms)",
        at(0.5),
        at(0.99),
        lat.len()
    );
    if !whole.findings.is_empty() {
        return Err("the generated city should have no gaps or overlaps".into());
    }
    Ok(())
}
