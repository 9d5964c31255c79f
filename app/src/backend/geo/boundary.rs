//! GeoJSON Polygon / MultiPolygon boundaries, checked before they are stored.

use crate::domain::error::ImportProblem;
use crate::domain::geography::valid_lat_lng;
use geo::algorithm::validation::{InvalidPolygon, Validation};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value;

/// Parses and checks a GeoJSON geometry object: Polygon or MultiPolygon,
/// closed rings of at least four positions, WGS-84 ranges, no
/// self-intersection, holes inside their shell.
pub fn parse(geometry: &Value) -> Result<MultiPolygon<f64>, ImportProblem> {
    let obj = geometry.as_object().ok_or(ImportProblem::MissingGeometry)?;
    let coords = obj.get("coordinates").ok_or(ImportProblem::NotAPolygon)?;
    let polygons: Vec<&Value> = match obj.get("type").and_then(Value::as_str) {
        Some("Polygon") => vec![coords],
        Some("MultiPolygon") => coords
            .as_array()
            .ok_or(ImportProblem::NotAPolygon)?
            .iter()
            .collect(),
        _ => return Err(ImportProblem::NotAPolygon),
    };
    if polygons.is_empty() {
        return Err(ImportProblem::TooFewPoints);
    }
    let mut parts = Vec::with_capacity(polygons.len());
    for p in polygons {
        let poly = polygon(p)?;
        check(&poly)?;
        parts.push(poly);
    }
    overlapping_parts(&parts)?;
    Ok(MultiPolygon(parts))
}

fn polygon(v: &Value) -> Result<Polygon<f64>, ImportProblem> {
    let rings = v.as_array().ok_or(ImportProblem::NotAPolygon)?;
    let mut rings = rings.iter().map(ring);
    let shell = rings.next().ok_or(ImportProblem::TooFewPoints)??;
    let holes = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(shell, holes))
}

fn ring(v: &Value) -> Result<LineString<f64>, ImportProblem> {
    let positions = v.as_array().ok_or(ImportProblem::NotAPolygon)?;
    let mut coords = Vec::with_capacity(positions.len());
    for p in positions {
        let pair = p
            .as_array()
            .filter(|a| a.len() >= 2)
            .ok_or(ImportProblem::NotAPolygon)?;
        let (Some(lng), Some(lat)) = (pair[0].as_f64(), pair[1].as_f64()) else {
            return Err(ImportProblem::NotAPolygon);
        };
        if !valid_lat_lng(lat, lng) {
            return Err(ImportProblem::CoordinateOutOfRange { lng, lat });
        }
        coords.push(Coord { x: lng, y: lat });
    }
    if coords.len() < 4 {
        return Err(ImportProblem::TooFewPoints);
    }
    if coords.first() != coords.last() {
        return Err(ImportProblem::UnclosedRing);
    }
    Ok(LineString(coords))
}

/// Parts of one MultiPolygon may touch but not overlap: boolean operations
/// read a doubly covered area as a hole, which would hide real overlaps.
fn overlapping_parts(parts: &[Polygon<f64>]) -> Result<(), ImportProblem> {
    use geo::{Area, BooleanOps, BoundingRect, Intersects};
    for (i, a) in parts.iter().enumerate() {
        for b in &parts[i + 1..] {
            let boxes_meet = match (a.bounding_rect(), b.bounding_rect()) {
                (Some(x), Some(y)) => x.intersects(&y),
                _ => false,
            };
            // ~0.01 m² in square degrees: shared edges give nothing at all.
            if boxes_meet && a.intersection(b).unsigned_area() > 1e-12 {
                return Err(ImportProblem::SelfIntersection);
            }
        }
    }
    Ok(())
}

fn check(p: &Polygon<f64>) -> Result<(), ImportProblem> {
    p.check_validation().map_err(|e| match e {
        InvalidPolygon::TooFewPointsInRing(_) => ImportProblem::TooFewPoints,
        InvalidPolygon::SelfIntersection(_) => ImportProblem::SelfIntersection,
        InvalidPolygon::NonFiniteCoord(..) => ImportProblem::NotAPolygon,
        InvalidPolygon::InteriorRingNotContainedInExteriorRing(_)
        | InvalidPolygon::IntersectingRingsOnALine(..)
        | InvalidPolygon::IntersectingRingsOnAnArea(..) => ImportProblem::HoleOutsideShell,
    })
}

/// Parses a boundary that was checked when stored.
pub fn parse_stored(text: &str) -> Option<MultiPolygon<f64>> {
    let v: Value = serde_json::from_str(text).ok()?;
    let obj = v.as_object()?;
    let coords = obj.get("coordinates")?;
    let polys: Vec<&Value> = match obj.get("type")?.as_str()? {
        "Polygon" => vec![coords],
        "MultiPolygon" => coords.as_array()?.iter().collect(),
        _ => return None,
    };
    polys
        .into_iter()
        .map(|p| polygon(p).ok())
        .collect::<Option<Vec<_>>>()
        .map(MultiPolygon)
}

/// Writes a multipolygon as the smallest GeoJSON geometry: a Polygon when it
/// has one part.
pub fn to_geojson(mp: &MultiPolygon<f64>) -> Value {
    geojson_rounded(mp, round6)
}

/// As [`to_geojson`] to seven decimals (~1 cm): an edited grid keeps the
/// vertices it shares with its neighbours exactly as they were stored
/// (boundary files and the demo carry seven), so the edit leaves no sliver.
pub fn to_geojson_fine(mp: &MultiPolygon<f64>) -> Value {
    geojson_rounded(mp, |x| (x * 1e7).round() / 1e7)
}

fn geojson_rounded(mp: &MultiPolygon<f64>, round: fn(f64) -> f64) -> Value {
    let poly = |p: &Polygon<f64>| -> Value {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| {
                r.0.iter()
                    .map(|c| serde_json::json!([round(c.x), round(c.y)]))
                    .collect::<Value>()
            })
            .collect()
    };
    if mp.0.len() == 1 {
        serde_json::json!({"type": "Polygon", "coordinates": poly(&mp.0[0])})
    } else {
        serde_json::json!({"type": "MultiPolygon", "coordinates": mp.0.iter().map(poly).collect::<Vec<_>>()})
    }
}

/// Six decimals is ~0.1 m: enough for grid boundaries, and it keeps the map layer small.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square(x: f64, y: f64, d: f64) -> Value {
        json!([[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]])
    }

    #[test]
    fn polygons_with_holes_and_multipolygons_are_accepted() {
        let with_hole = json!({"type": "Polygon", "coordinates": [square(117.0, 36.6, 0.01), square(117.003, 36.603, 0.002)]});
        let mp = parse(&with_hole).unwrap();
        assert_eq!(mp.0[0].interiors().len(), 1);
        let multi = json!({"type": "MultiPolygon", "coordinates": [[square(117.0, 36.6, 0.01)], [square(117.02, 36.6, 0.01)]]});
        assert_eq!(parse(&multi).unwrap().0.len(), 2);
    }

    #[test]
    fn each_bad_boundary_has_its_reason() {
        let cases = [
            (
                json!({"type": "Point", "coordinates": [117.0, 36.6]}),
                ImportProblem::NotAPolygon,
            ),
            (json!(null), ImportProblem::MissingGeometry),
            (
                json!({"type": "Polygon", "coordinates": [[[117.0, 36.6], [117.1, 36.6], [117.1, 36.7], [117.0, 36.7]]]}),
                ImportProblem::UnclosedRing,
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[117.0, 36.6], [117.1, 36.6], [117.0, 36.6]]]}),
                ImportProblem::TooFewPoints,
            ),
            (
                json!({"type": "Polygon", "coordinates": [square(200.0, 36.6, 0.01)]}),
                ImportProblem::CoordinateOutOfRange {
                    lng: 200.0,
                    lat: 36.6,
                },
            ),
            (
                // A bow tie crosses itself.
                json!({"type": "Polygon", "coordinates": [[[117.0, 36.6], [117.1, 36.7], [117.1, 36.6], [117.0, 36.7], [117.0, 36.6]]]}),
                ImportProblem::SelfIntersection,
            ),
            (
                json!({"type": "Polygon", "coordinates": [square(117.0, 36.6, 0.01), square(117.5, 36.6, 0.01)]}),
                ImportProblem::HoleOutsideShell,
            ),
            (
                // Two parts of one grid covering the same ground.
                json!({"type": "MultiPolygon", "coordinates": [[square(117.0, 36.6, 0.01)], [square(117.005, 36.6, 0.01)]]}),
                ImportProblem::SelfIntersection,
            ),
        ];
        for (geometry, expected) in cases {
            assert_eq!(parse(&geometry).unwrap_err(), expected, "{geometry}");
        }
    }

    #[test]
    fn stored_boundaries_round_trip() {
        let g = json!({"type": "Polygon", "coordinates": [square(117.0, 36.6, 0.01)]});
        let mp = parse(&g).unwrap();
        assert_eq!(parse_stored(&to_geojson(&mp).to_string()).unwrap(), mp);
    }
}
