//! Coverage: "四至清晰、不留盲区、避免重叠". Gaps are the parts of an area
//! that none of its children covers; overlaps are the parts two grids share.
//! Boolean operations come from `geo` (i_overlay); areas are geodesic (WGS-84).

use crate::domain::geography::{CoverageFinding, CoverageKind, Level};
use geo::algorithm::bool_ops::{unary_union, BooleanOps};
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, GeodesicArea, Intersects, MultiPolygon, Polygon};
use rstar::{RTree, RTreeObject, AABB};
use std::collections::HashMap;

/// A region as the check sees it; `parent` is a position in the same slice.
pub struct Outline<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub level: Level,
    pub parent: Option<usize>,
    pub shape: &'a MultiPolygon<f64>,
}

/// The geodesic area of a shape in m².
pub fn area_m2(shape: &MultiPolygon<f64>) -> f64 {
    shape.0.iter().map(|p| p.geodesic_area_unsigned()).sum()
}

/// The parts of a boolean result at least `tolerance_m2` large, with their areas.
fn pieces(shape: MultiPolygon<f64>, tolerance_m2: f64) -> Vec<(Polygon<f64>, f64)> {
    shape
        .0
        .into_iter()
        .map(|p| {
            let a = p.geodesic_area_unsigned();
            (p, a)
        })
        .filter(|(_, a)| *a >= tolerance_m2)
        .collect()
}

/// Counter-clockwise shells, clockwise holes: `unary_union` picks its fill
/// rule from the first ring's winding, and GeoJSON files do not all agree.
fn oriented(shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    shape.orient(Direction::Default)
}

/// Part of `area` that none of `children` covers.
pub fn uncovered(area: &MultiPolygon<f64>, children: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    let area = oriented(area);
    if children.is_empty() {
        return area;
    }
    let children: Vec<MultiPolygon<f64>> = children.iter().map(|c| oriented(c)).collect();
    area.difference(&unary_union(&children))
}

struct Boxed {
    pos: usize,
    envelope: AABB<[f64; 2]>,
}

impl RTreeObject for Boxed {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

fn envelope(shape: &MultiPolygon<f64>) -> Option<AABB<[f64; 2]>> {
    let r = shape.bounding_rect()?;
    Some(AABB::from_corners(
        [r.min().x, r.min().y],
        [r.max().x, r.max().y],
    ))
}

/// An overlap between the shapes at positions `a < b`.
pub struct Overlap {
    pub a: usize,
    pub b: usize,
    pub parts: Vec<(Polygon<f64>, f64)>,
}

/// Every pair of `shapes` sharing at least `tolerance_m2`, among the pairs
/// where `wanted` holds for one side or both. Only pairs whose bounding boxes
/// meet are intersected, so neighbours cost a few boolean operations each.
pub fn overlaps(
    shapes: &[&MultiPolygon<f64>],
    wanted: impl Fn(usize) -> bool,
    tolerance_m2: f64,
) -> Vec<Overlap> {
    let boxes: Vec<Boxed> = shapes
        .iter()
        .enumerate()
        .filter_map(|(pos, s)| {
            Some(Boxed {
                pos,
                envelope: envelope(s)?,
            })
        })
        .collect();
    let envelopes: HashMap<usize, AABB<[f64; 2]>> =
        boxes.iter().map(|b| (b.pos, b.envelope)).collect();
    let tree = RTree::bulk_load(boxes);
    let mut out = Vec::new();
    for a in (0..shapes.len()).filter(|&i| wanted(i)) {
        let Some(env) = envelopes.get(&a) else {
            continue;
        };
        for other in tree.locate_in_envelope_intersecting(env) {
            let b = other.pos;
            // Each pair once: from its smaller side when both are wanted.
            if b == a || (b < a && wanted(b)) {
                continue;
            }
            let (lo, hi) = (a.min(b), a.max(b));
            let shared = oriented(shapes[lo]).intersection(&oriented(shapes[hi]));
            let parts = pieces(shared, tolerance_m2);
            if !parts.is_empty() {
                out.push(Overlap {
                    a: lo,
                    b: hi,
                    parts,
                });
            }
        }
    }
    out.sort_by_key(|o| (o.a, o.b));
    out
}

/// The outer ring then the holes, as `[lat, lng]` (Leaflet draws the
/// later rings of a polygon as its holes).
fn rings(p: &Polygon<f64>) -> Vec<Vec<[f64; 2]>> {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(|r| {
            r.0.iter()
                .map(|c| [super::boundary::round6(c.y), super::boundary::round6(c.x)])
                .collect()
        })
        .collect()
}

/// The coverage check of the regions at `scope` (positions in `regions`,
/// areas and grids alike): a gap finding for every uncovered part of an
/// area in scope, an overlap finding for every part a grid in scope shares
/// with any grid (in scope or a neighbour outside it).
pub fn check(regions: &[Outline], scope: &[usize], tolerance_m2: f64) -> Vec<CoverageFinding> {
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, r) in regions.iter().enumerate() {
        if let Some(p) = r.parent {
            children.entry(p).or_default().push(i);
        }
    }
    let mut findings = Vec::new();
    for &a in scope {
        let area = &regions[a];
        if area.level == Level::Grid {
            continue;
        }
        let kids: Vec<usize> = children.get(&a).cloned().unwrap_or_default();
        let shapes: Vec<&MultiPolygon<f64>> = kids.iter().map(|&k| regions[k].shape).collect();
        for (piece, m2) in pieces(uncovered(area.shape, &shapes), tolerance_m2) {
            // Boolean results are rounded to i_overlay's integer grid, so a
            // neighbour may miss the gap by a hair: widen it by ~0.1 m.
            let near = piece.bounding_rect().map(|r| {
                let e = 1e-6;
                geo::Rect::new(
                    geo::coord! { x: r.min().x - e, y: r.min().y - e },
                    geo::coord! { x: r.max().x + e, y: r.max().y + e },
                )
            });
            let mut grids: Vec<String> = kids
                .iter()
                .filter(|&&k| near.is_some_and(|n| regions[k].shape.intersects(&n)))
                .map(|&k| regions[k].code.to_string())
                .collect();
            grids.sort();
            findings.push(CoverageFinding {
                kind: CoverageKind::Gap,
                area: area.code.into(),
                area_name: area.name.into(),
                area_level: area.level,
                grids,
                area_m2: m2,
                rings: rings(&piece),
            });
        }
    }
    let grid_pos: Vec<usize> = (0..regions.len())
        .filter(|&i| regions[i].level == Level::Grid)
        .collect();
    let in_scope: std::collections::HashSet<usize> = scope.iter().copied().collect();
    let shapes: Vec<&MultiPolygon<f64>> = grid_pos.iter().map(|&i| regions[i].shape).collect();
    for o in overlaps(&shapes, |k| in_scope.contains(&grid_pos[k]), tolerance_m2) {
        let (ga, gb) = (&regions[grid_pos[o.a]], &regions[grid_pos[o.b]]);
        let community = ga.parent.map(|p| &regions[p]).unwrap_or(ga);
        for (piece, m2) in o.parts {
            findings.push(CoverageFinding {
                kind: CoverageKind::Overlap,
                area: community.code.into(),
                area_name: community.name.into(),
                area_level: community.level,
                grids: vec![ga.code.into(), gb.code.into()],
                area_m2: m2,
                rings: rings(&piece),
            });
        }
    }
    findings.sort_by(|x, y| {
        (x.kind, &x.area)
            .cmp(&(y.kind, &y.area))
            .then(y.area_m2.total_cmp(&x.area_m2))
    });
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    /// A lng/lat rectangle.
    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![
            polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)],
        ])
    }

    /// The area of a lng/lat rectangle on a sphere of the WGS-84 authalic
    /// radius: an independent figure to hold the geodesic one against.
    fn sphere_m2(x0: f64, y0: f64, x1: f64, y1: f64) -> f64 {
        let r = 6_371_007.2_f64;
        r * r * (x1 - x0).to_radians() * (y1.to_radians().sin() - y0.to_radians().sin())
    }

    fn outline<'a>(
        code: &'a str,
        level: Level,
        parent: Option<usize>,
        shape: &'a MultiPolygon<f64>,
    ) -> Outline<'a> {
        Outline {
            code,
            name: code,
            level,
            parent,
            shape,
        }
    }

    #[test]
    fn a_planted_gap_and_overlap_are_found_with_their_areas() {
        let community = rect(117.0, 36.6, 117.01, 36.61);
        // Left half, and a right half that starts 0.001° late (a gap strip)
        // and a third grid overlapping the left one by a 0.001° square.
        let left = rect(117.0, 36.6, 117.005, 36.61);
        let right = rect(117.006, 36.6, 117.01, 36.61);
        let stray = rect(117.004, 36.6, 117.006, 36.601);
        let regions = [
            outline("C", Level::Community, None, &community),
            outline("G1", Level::Grid, Some(0), &left),
            outline("G2", Level::Grid, Some(0), &right),
            outline("G3", Level::Grid, Some(0), &stray),
        ];
        let found = check(&regions, &[0, 1, 2, 3], 1.0);
        let overlaps: Vec<_> = found
            .iter()
            .filter(|f| f.kind == CoverageKind::Overlap)
            .collect();
        assert_eq!(overlaps.len(), 1, "{found:?}");
        assert_eq!(overlaps[0].grids, ["G1", "G3"]);
        let expected = sphere_m2(117.004, 36.6, 117.005, 36.601);
        assert!((overlaps[0].area_m2 / expected - 1.0).abs() < 0.01);
        let gaps: Vec<_> = found
            .iter()
            .filter(|f| f.kind == CoverageKind::Gap)
            .collect();
        assert_eq!(gaps.len(), 1, "{found:?}");
        // The strip minus the part the stray grid fills.
        let expected =
            sphere_m2(117.005, 36.6, 117.006, 36.61) - sphere_m2(117.005, 36.6, 117.006, 36.601);
        assert!((gaps[0].area_m2 / expected - 1.0).abs() < 0.01, "{gaps:?}");
        assert_eq!(gaps[0].grids, ["G1", "G2", "G3"]);
    }

    #[test]
    fn neighbours_sharing_an_edge_and_holes_filled_by_a_grid_are_clean() {
        let community = rect(0.0, 0.0, 2.0, 1.0);
        let holed = MultiPolygon(vec![Polygon::new(
            rect(0.0, 0.0, 1.0, 1.0).0[0].exterior().clone(),
            vec![rect(0.4, 0.4, 0.6, 0.6).0[0].exterior().clone()],
        )]);
        let filler = rect(0.4, 0.4, 0.6, 0.6);
        // Clockwise, as some GeoJSON writers emit it.
        let mut right = rect(1.0, 0.0, 2.0, 1.0);
        right.0[0].exterior_mut(|r| r.0.reverse());
        let regions = [
            outline("C", Level::Community, None, &community),
            outline("A", Level::Grid, Some(0), &holed),
            outline("B", Level::Grid, Some(0), &filler),
            outline("D", Level::Grid, Some(0), &right),
        ];
        assert_eq!(check(&regions, &[0, 1, 2, 3], 1.0), vec![]);
    }

    #[test]
    fn an_area_without_children_is_one_gap_and_tiny_slivers_are_ignored() {
        let street = rect(117.0, 36.6, 117.01, 36.61);
        let community = rect(117.0, 36.6, 117.01, 36.6099999);
        let regions = [
            outline("S", Level::Street, None, &street),
            outline("C", Level::Community, Some(0), &community),
        ];
        let found = check(&regions, &[0, 1], 1.0);
        // The street's 0.0000001° strip (~0.011 m × 893 m ≈ 9.9 m²) is a gap; the
        // community has no grids at all, so all of it is.
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found
            .iter()
            .any(|f| f.area == "S" && f.area_m2 > 9.0 && f.area_m2 < 11.0));
        assert!(found.iter().any(|f| f.area == "C" && f.area_m2 > 9e5));
        let found = check(&regions, &[0, 1], 20.0);
        assert_eq!(found.len(), 1, "the strip is below a 20 m² tolerance");
    }
}
