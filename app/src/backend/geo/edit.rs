//! Boundary edits worked on shapes: the editor's rings in and out, cutting a
//! grid along a line, joining two neighbours. Every result goes through the
//! same check as an imported boundary before it is stored.

use super::boundary;
use super::coverage::area_m2;
use crate::domain::boundary::{BoundaryProblem, Ring, MAX_PARTS, MAX_VERTICES};
use crate::domain::geography::COVERAGE_TOLERANCE_M2;
use geo::algorithm::bool_ops::BooleanOps;
use geo::algorithm::validation::Validation;
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, Coord, GeodesicArea, Intersects, LineString, MultiPolygon, Polygon};
use serde_json::{json, Value};

/// The editor's parts (`[lat, lng]` rings, not closed) as a GeoJSON geometry.
pub fn geometry_of(parts: &[Vec<Ring>]) -> Value {
    let ring = |r: &Ring| -> Value {
        let mut pts: Vec<Value> = r.iter().map(|p| json!([p[1], p[0]])).collect();
        if let Some(first) = pts.first().cloned() {
            pts.push(first);
        }
        Value::Array(pts)
    };
    let polys: Vec<Value> = parts
        .iter()
        .map(|rings| Value::Array(rings.iter().map(ring).collect()))
        .collect();
    json!({"type": "MultiPolygon", "coordinates": polys})
}

/// A stored shape as the editor's parts.
pub fn parts_of(shape: &MultiPolygon<f64>) -> Vec<Vec<Ring>> {
    let ring = |l: &LineString<f64>| -> Ring {
        let n = l.0.len().saturating_sub(1);
        l.0[..n].iter().map(|c| [c.y, c.x]).collect()
    };
    shape
        .0
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(ring)
                .collect()
        })
        .collect()
}

/// Checks an outline the editor sent (or an edit produced) exactly as an
/// imported one, and answers it as it will be stored.
pub fn checked(geometry: &Value) -> Result<(MultiPolygon<f64>, String), BoundaryProblem> {
    let vertices = geometry["coordinates"]
        .as_array()
        .map(|polys| {
            polys
                .iter()
                .flat_map(|p| p.as_array().into_iter().flatten())
                .map(|r| r.as_array().map_or(0, Vec::len))
                .sum::<usize>()
        })
        .unwrap_or(0);
    // Parts are compared pairwise and rings checked against each other: cap
    // them as well as the vertices.
    let polys = geometry["coordinates"].as_array().map_or(0, Vec::len);
    let rings = geometry["coordinates"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| p.as_array().map_or(0, Vec::len))
        .max()
        .unwrap_or(0);
    if vertices > MAX_VERTICES || polys > MAX_PARTS || rings > MAX_PARTS {
        return Err(BoundaryProblem::TooManyPoints);
    }
    let shape = boundary::parse(geometry).map_err(BoundaryProblem::Shape)?;
    // Stored rounded to ~1 cm: check what will be read back, not the input.
    let rounded = boundary::to_geojson_fine(&shape);
    let stored = boundary::parse(&rounded).map_err(BoundaryProblem::Shape)?;
    Ok((stored, rounded.to_string()))
}

/// Drops parts and holes under the coverage tolerance: slivers a boolean
/// operation leaves along edges that were meant to be shared.
fn without_slivers(shape: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let big = |r: &LineString<f64>| {
        Polygon::new(r.clone(), Vec::new()).geodesic_area_unsigned() >= COVERAGE_TOLERANCE_M2
    };
    MultiPolygon(
        shape
            .0
            .into_iter()
            .filter(|p| big(p.exterior()))
            .map(|p| {
                let holes = p.interiors().iter().filter(|h| big(h)).cloned().collect();
                Polygon::new(p.exterior().clone(), holes)
            })
            .collect(),
    )
}

/// Cuts `shape` along `line` (`[lat, lng]` points): the side with more area
/// first. The line must cross the shape so that both sides keep more than
/// the tolerance.
pub fn split(
    shape: &MultiPolygon<f64>,
    line: &[[f64; 2]],
) -> Result<(MultiPolygon<f64>, MultiPolygon<f64>), BoundaryProblem> {
    let pts: Vec<Coord<f64>> =
        line.iter()
            .map(|p| Coord { x: p[1], y: p[0] })
            .fold(Vec::new(), |mut acc, c| {
                if acc.last() != Some(&c) {
                    acc.push(c);
                }
                acc
            });
    let bbox = shape
        .bounding_rect()
        .ok_or(BoundaryProblem::LineMissesGrid)?;
    // The drawn line must reach the grid; its ends are then carried on
    // straight, so a line stopping just short of the edge still cuts.
    if pts.len() < 2 || !LineString(pts.clone()).intersects(shape) {
        return Err(BoundaryProblem::LineMissesGrid);
    }
    // Far enough that the extended line leaves the grid on both ends and the
    // side polygon holds everything of the grid on its left.
    let reach = (bbox.width() + bbox.height()) * 10.0 + 0.01;
    let unit = |a: Coord<f64>, b: Coord<f64>| {
        let d = b - a;
        let len = d.x.hypot(d.y);
        Coord {
            x: d.x / len,
            y: d.y / len,
        }
    };
    let left = |d: Coord<f64>| Coord { x: -d.y, y: d.x };
    let (first, last) = (pts[0], pts[pts.len() - 1]);
    let d0 = unit(first, pts[1]);
    let dn = unit(pts[pts.len() - 2], last);
    let start = first - d0 * reach;
    let end = last + dn * reach;
    let mut ring = vec![start];
    ring.extend(pts.iter().copied());
    ring.extend([
        end,
        end + left(dn) * (2.0 * reach),
        start + left(d0) * (2.0 * reach),
        start,
    ]);
    let side = Polygon::new(LineString(ring), Vec::new());
    // A line that doubles back or crosses itself has no left side.
    if !side.is_valid() {
        return Err(BoundaryProblem::LineMissesGrid);
    }
    let side = MultiPolygon(vec![side]).orient(Direction::Default);
    let shape = shape.orient(Direction::Default);
    let a = without_slivers(shape.intersection(&side));
    let b = without_slivers(shape.difference(&side));
    if a.0.is_empty() || b.0.is_empty() {
        return Err(BoundaryProblem::LineMissesGrid);
    }
    Ok(if area_m2(&a) >= area_m2(&b) {
        (a, b)
    } else {
        (b, a)
    })
}

/// Joins two neighbouring shapes into one.
pub fn merge(
    a: &MultiPolygon<f64>,
    b: &MultiPolygon<f64>,
    codes: (&str, &str),
) -> Result<MultiPolygon<f64>, BoundaryProblem> {
    if !a.intersects(b) {
        return Err(BoundaryProblem::NotNeighbours {
            grid: codes.0.to_string(),
            other: codes.1.to_string(),
        });
    }
    Ok(without_slivers(
        a.orient(Direction::Default)
            .union(&b.orient(Direction::Default)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A square of `d` degrees with its south-west corner at (lat, lng).
    fn square(lat: f64, lng: f64, d: f64) -> Vec<Ring> {
        vec![vec![
            [lat, lng],
            [lat, lng + d],
            [lat + d, lng + d],
            [lat + d, lng],
        ]]
    }

    fn shape(parts: &[Vec<Ring>]) -> MultiPolygon<f64> {
        checked(&geometry_of(parts)).unwrap().0
    }

    #[test]
    fn rings_go_out_and_come_back_the_same() {
        let parts = vec![square(36.6, 117.0, 0.01)];
        assert_eq!(parts_of(&shape(&parts)), parts);
    }

    #[test]
    fn a_line_across_a_grid_cuts_it_in_two_that_cover_it_exactly() {
        let grid = shape(&[square(36.6, 117.0, 0.01)]);
        // North to south, a quarter of the way in from the west side.
        let line = [[36.615, 117.0025], [36.595, 117.0025]];
        let (big, small) = split(&grid, &line).unwrap();
        let (whole, b, s) = (area_m2(&grid), area_m2(&big), area_m2(&small));
        assert!((b + s - whole).abs() < 1.0, "{b} + {s} vs {whole}");
        assert!(
            (s / whole - 0.25).abs() < 0.01,
            "the small side is a quarter"
        );
        // The two sides share an edge and nothing more.
        assert!(area_m2(&big.intersection(&small)) < 1.0);
        let back = merge(&big, &small, ("A", "B")).unwrap();
        assert!((area_m2(&back) - whole).abs() < 1.0);
    }

    #[test]
    fn a_line_that_does_not_cross_the_grid_is_refused() {
        let grid = shape(&[square(36.6, 117.0, 0.01)]);
        for line in [
            vec![[36.7, 117.1], [36.8, 117.1]],
            vec![[36.605, 117.005]],
            // Aimed at the grid but stopping short of it.
            vec![[36.63, 117.005], [36.62, 117.005]],
        ] {
            assert_eq!(
                split(&grid, &line).unwrap_err(),
                BoundaryProblem::LineMissesGrid,
                "{line:?}"
            );
        }
    }

    #[test]
    fn only_neighbours_merge() {
        let a = shape(&[square(36.6, 117.0, 0.01)]);
        let far = shape(&[square(36.7, 117.0, 0.01)]);
        assert!(matches!(
            merge(&a, &far, ("A", "C")),
            Err(BoundaryProblem::NotNeighbours { .. })
        ));
    }

    #[test]
    fn a_crossed_outline_is_refused_like_an_import() {
        let bow = vec![vec![
            [36.6, 117.0],
            [36.7, 117.1],
            [36.6, 117.1],
            [36.7, 117.0],
        ]];
        assert!(matches!(
            checked(&geometry_of(&[bow])),
            Err(BoundaryProblem::Shape(_))
        ));
    }
}
