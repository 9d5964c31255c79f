//! `server bench-locate`: point → grid lookups per second over a generated
//! city, against a bare rstar + geo loop over the same polygons. Build with
//! `--release` for meaningful figures (`make bench`).

use app::backend::atlas::Atlas;
use app::backend::demo;
use app::backend::geo::boundary;
use app::domain::geography::Level;
use geo::{BoundingRect, Intersects, Point, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Deterministic points spread over the city's bounding box.
fn points(n: usize, bbox: [f64; 4]) -> Vec<(f64, f64)> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            (
                bbox[0] + next() * (bbox[2] - bbox[0]),
                bbox[1] + next() * (bbox[3] - bbox[1]),
            )
        })
        .collect()
}

/// Runs `f` over the points repeatedly for about `secs`; lookups per second.
fn rate(secs: u64, pts: &[(f64, f64)], mut f: impl FnMut(f64, f64) -> bool) -> (f64, usize) {
    let start = Instant::now();
    let (mut n, mut hits) = (0usize, 0usize);
    while start.elapsed() < Duration::from_secs(secs) {
        for &(lat, lng) in pts {
            hits += f(lat, lng) as usize;
        }
        n += pts.len();
    }
    (n as f64 / start.elapsed().as_secs_f64(), hits)
}

pub fn run(grids: usize, secs: u64) -> Result<(), String> {
    let t = Instant::now();
    let regions = demo::city(grids);
    let atlas = Atlas::from_regions(&regions);
    println!(
        "generated {} grids and built the atlas in {:.2?}",
        atlas.grid_count(),
        t.elapsed()
    );

    let polygons: Vec<Polygon<f64>> = regions
        .iter()
        .filter(|r| r.level == Level::Grid)
        .filter_map(|r| boundary::parse_stored(&r.boundary))
        .flat_map(|mp| mp.0)
        .collect();
    let bare: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
        polygons
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = p.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect(),
    );
    let (mut s, mut w, mut n, mut e) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in &polygons {
        if let Some(r) = p.bounding_rect() {
            (s, w, n, e) = (
                s.min(r.min().y),
                w.min(r.min().x),
                n.max(r.max().y),
                e.max(r.max().x),
            );
        }
    }
    let pts = points(100_000, [s, w, n, e]);

    let (ours, hits_ours) = rate(secs, &pts, |lat, lng| {
        black_box(atlas.locate(lat, lng)).is_some()
    });
    let (bare_rate, hits_bare) = rate(secs, &pts, |lat, lng| {
        let pt = Point::new(lng, lat);
        black_box(
            bare.locate_in_envelope_intersecting(&AABB::from_point([lng, lat]))
                .find(|c| polygons[c.data].intersects(&pt))
                .map(|c| c.data),
        )
        .is_some()
    });
    println!(
        "grids: {}  polygon parts: {}  query points: {}",
        atlas.grid_count(),
        polygons.len(),
        pts.len()
    );
    println!(
        "GridLink atlas.locate (index + answer):  {:>12.0} lookups/s  (hits {hits_ours})",
        ours
    );
    println!(
        "bare rstar + geo loop:                   {:>12.0} lookups/s  (hits {hits_bare})",
        bare_rate
    );
    println!("ratio: {:.2}", ours / bare_rate);
    Ok(())
}
