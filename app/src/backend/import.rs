//! Importing boundaries from one GeoJSON FeatureCollection: every feature is
//! checked before anything is written, then all are written in one transaction.

use super::atlas::Atlas;
use super::geo::boundary;
use super::store::geography::{NewCompound, NewRegion};
use crate::domain::code::RegionCode;
use crate::domain::error::{ImportError, ImportProblem};
use crate::domain::geography::{GridKind, ImportSummary, Level};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};

fn text<'a>(props: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    props
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn int(props: &Map<String, Value>, key: &str) -> i32 {
    props
        .get(key)
        .and_then(Value::as_i64)
        .map(|n| n.clamp(0, i32::MAX as i64) as i32)
        .unwrap_or(0)
}

/// [`plan_all`] for files of regions only.
pub fn plan(
    text_in: &str,
    existing: &HashMap<String, Level>,
) -> Result<(Vec<NewRegion>, ImportSummary), ImportError> {
    plan_all(text_in, existing, &HashSet::new()).map(|(r, _, s)| (r, s))
}

/// Checks a whole file against the codes already stored (regions, and the
/// property companies' codes) and returns the regions to write, parents
/// first, and the compounds. The first problem found is returned, naming
/// its feature.
pub fn plan_all(
    text_in: &str,
    existing: &HashMap<String, Level>,
    companies: &HashSet<String>,
) -> Result<(Vec<NewRegion>, Vec<NewCompound>, ImportSummary), ImportError> {
    let doc: Value = serde_json::from_str(text_in)
        .map_err(|e| ImportError::file(ImportProblem::InvalidJson(e.to_string())))?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(ImportError::file(ImportProblem::NotFeatureCollection));
    }
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or(ImportError::file(ImportProblem::NotFeatureCollection))?;
    if features.is_empty() {
        return Err(ImportError::file(ImportProblem::Empty));
    }
    let file_districts: Vec<String> = features
        .iter()
        .filter_map(|f| {
            let p = f.get("properties")?.as_object()?;
            (text(p, "level")? == "district").then(|| RegionCode::parse(text(p, "code")?).ok())?
        })
        .map(|c| c.to_string())
        .collect();
    let mut districts: HashSet<String> = existing
        .iter()
        .filter(|(_, l)| **l == Level::District)
        .map(|(c, _)| c.clone())
        .collect();
    districts.extend(file_districts);
    let only_district = (districts.len() == 1)
        .then(|| districts.iter().next().cloned())
        .flatten();

    let mut seen: HashMap<String, Level> = HashMap::new();
    let mut out = Vec::with_capacity(features.len());
    let mut compounds = Vec::new();
    let mut summary = ImportSummary::default();
    let empty = Map::new();
    for (n, feature) in features.iter().enumerate() {
        let n = n + 1;
        let props = feature
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let raw_code = text(props, "code");
        let fail = |problem| ImportError::at(n, raw_code, problem);
        let level_raw = text(props, "level").unwrap_or_default();
        if level_raw == "compound" {
            compounds.push(compound(n, feature, props, &seen, existing, companies)?);
            continue;
        }
        let level = Level::parse(level_raw)
            .ok_or_else(|| fail(ImportProblem::UnknownLevel(level_raw.into())))?;
        let code = RegionCode::parse(raw_code.ok_or_else(|| fail(ImportProblem::MissingCode))?)
            .map_err(|_| fail(ImportProblem::BadCode(raw_code.unwrap_or_default().into())))?
            .to_string();
        let fail = |problem| ImportError::at(n, Some(&code), problem);
        if seen.contains_key(&code) || existing.get(&code).is_some_and(|l| *l != level) {
            return Err(fail(ImportProblem::DuplicateCode(code.clone())));
        }
        let name = text(props, "name")
            .ok_or_else(|| fail(ImportProblem::MissingName))?
            .to_string();
        let parent_code = match level.parent() {
            None => None,
            Some(parent_level) => {
                let given = text(props, "parent").map(|p| {
                    RegionCode::parse(p)
                        .map(|c| c.to_string())
                        .unwrap_or(p.to_string())
                });
                let parent = match (given, level) {
                    (Some(p), _) => p,
                    (None, Level::Street) => only_district
                        .clone()
                        .ok_or_else(|| fail(ImportProblem::NoDistrictForStreet))?,
                    (None, _) => return Err(fail(ImportProblem::UnknownParent("—".into()))),
                };
                match seen.get(&parent).or_else(|| existing.get(&parent)) {
                    None => return Err(fail(ImportProblem::UnknownParent(parent))),
                    Some(l) if *l != parent_level => {
                        return Err(fail(ImportProblem::WrongParentLevel { parent }))
                    }
                    Some(_) => Some(parent),
                }
            }
        };
        let kind = if level == Level::Grid {
            let raw = text(props, "kind").unwrap_or_default();
            Some(GridKind::parse(raw).ok_or_else(|| fail(ImportProblem::UnknownKind(raw.into())))?)
        } else {
            None
        };
        let geometry = feature
            .get("geometry")
            .filter(|g| !g.is_null())
            .ok_or_else(|| fail(ImportProblem::MissingGeometry))?;
        boundary::parse(geometry).map_err(fail)?;
        seen.insert(code.clone(), level);
        summary.count(level);
        out.push(NewRegion {
            level,
            code,
            name,
            parent_code,
            kind,
            category: text(props, "category").unwrap_or_default().to_string(),
            households: int(props, "households"),
            residents: int(props, "residents"),
            boundary: json!({"type": geometry["type"], "coordinates": geometry["coordinates"]})
                .to_string(),
        });
    }
    Ok((out, compounds, summary))
}

/// Refuses a file whose grids would overlap one another or a stored grid
/// they do not replace, naming both grids and the shared area.
pub fn refuse_overlaps(regions: &[NewRegion], atlas: &Atlas) -> Result<(), ImportError> {
    use super::geo::coverage;
    use crate::domain::geography::COVERAGE_TOLERANCE_M2;
    let file: Vec<(&str, geo::MultiPolygon<f64>)> = regions
        .iter()
        .filter(|r| r.level == Level::Grid)
        .filter_map(|r| Some((r.code.as_str(), boundary::parse_stored(&r.boundary)?)))
        .collect();
    if file.is_empty() {
        return Ok(());
    }
    // Every grid of the list is replaced, also one given no outline (a
    // grid an edit retires): its stored outline no longer counts.
    let replaced: HashSet<&str> = regions
        .iter()
        .filter(|r| r.level == Level::Grid)
        .map(|r| r.code.as_str())
        .collect();
    let stored: Vec<(&str, &geo::MultiPolygon<f64>)> = atlas
        .grid_outlines()
        .into_iter()
        .filter(|(c, _)| !replaced.contains(c))
        .collect();
    let codes: Vec<&str> = file
        .iter()
        .map(|(c, _)| *c)
        .chain(stored.iter().map(|(c, _)| *c))
        .collect();
    let shapes: Vec<&geo::MultiPolygon<f64>> = file
        .iter()
        .map(|(_, s)| s)
        .chain(stored.iter().map(|(_, s)| *s))
        .collect();
    let n = file.len();
    match coverage::overlaps(&shapes, |i| i < n, COVERAGE_TOLERANCE_M2).first() {
        None => Ok(()),
        Some(o) => Err(ImportError {
            feature: None,
            code: Some(codes[o.a].to_string()),
            problem: ImportProblem::Overlap {
                grid: codes[o.a].to_string(),
                other: codes[o.b].to_string(),
                area_m2: o.parts.iter().map(|(_, a)| a).sum(),
            },
        }),
    }
}

/// One compound feature, checked: a name, a known grid, a known company,
/// a valid polygon.
fn compound(
    n: usize,
    feature: &Value,
    props: &Map<String, Value>,
    seen: &HashMap<String, Level>,
    existing: &HashMap<String, Level>,
    companies: &HashSet<String>,
) -> Result<NewCompound, ImportError> {
    use geo::InteriorPoint;
    let name = text(props, "name");
    let fail = |problem| ImportError::at(n, name, problem);
    let name = name
        .ok_or_else(|| fail(ImportProblem::MissingName))?
        .to_string();
    let grid = text(props, "parent")
        .map(|p| {
            RegionCode::parse(p)
                .map(|c| c.to_string())
                .unwrap_or(p.to_string())
        })
        .ok_or_else(|| fail(ImportProblem::UnknownParent("—".into())))?;
    match seen.get(&grid).or_else(|| existing.get(&grid)) {
        None => return Err(fail(ImportProblem::UnknownParent(grid))),
        Some(l) if *l != Level::Grid => {
            return Err(fail(ImportProblem::WrongParentLevel { parent: grid }))
        }
        Some(_) => {}
    }
    let company = text(props, "company").unwrap_or_default().to_string();
    if !companies.contains(&company) {
        return Err(fail(ImportProblem::UnknownCompany(company)));
    }
    let geometry = feature
        .get("geometry")
        .filter(|g| !g.is_null())
        .ok_or_else(|| fail(ImportProblem::MissingGeometry))?;
    let shape = boundary::parse(geometry).map_err(fail)?;
    let inside = shape
        .interior_point()
        .ok_or_else(|| fail(ImportProblem::TooFewPoints))?;
    Ok(NewCompound {
        name,
        grid_code: grid,
        company_code: company,
        boundary: json!({"type": geometry["type"], "coordinates": geometry["coordinates"]})
            .to_string(),
        lat: inside.y(),
        lng: inside.x(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64) -> Value {
        json!({"type": "Polygon", "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]})
    }

    fn feature(level: &str, code: &str, parent: Option<&str>, geometry: Value) -> Value {
        let mut p =
            json!({"level": level, "code": code, "name": format!("{code}名"), "kind": "base"});
        if let Some(parent) = parent {
            p["parent"] = json!(parent);
        }
        json!({"type": "Feature", "properties": p, "geometry": geometry})
    }

    fn fc(features: Vec<Value>) -> String {
        json!({"type": "FeatureCollection", "features": features}).to_string()
    }

    #[test]
    fn a_street_without_parent_hangs_under_the_only_district() {
        let file = fc(vec![
            feature("district", "d1", None, square(117.0, 36.6)),
            feature("street", "S1", None, square(117.0, 36.6)),
            feature("community", "C1", Some("s1"), square(117.0, 36.6)),
            feature("grid", "G1", Some("C1"), square(117.0, 36.6)),
        ]);
        let (plan, summary) = plan(&file, &HashMap::new()).unwrap();
        assert_eq!(plan[1].parent_code.as_deref(), Some("D1"));
        assert_eq!(
            plan[2].parent_code.as_deref(),
            Some("S1"),
            "parent codes are normalised"
        );
        assert_eq!(
            summary,
            ImportSummary {
                districts: 1,
                streets: 1,
                communities: 1,
                grids: 1,
                gaps: Vec::new(),
            }
        );
    }

    #[test]
    fn compounds_name_their_grid_and_a_known_company() {
        let mut c = feature("compound", "", Some("G1"), square(117.0, 36.6));
        c["properties"]["company"] = json!("QC");
        let file = fc(vec![
            feature("community", "C1", Some("S1"), square(117.0, 36.6)),
            feature("grid", "G1", Some("C1"), square(117.0, 36.6)),
            c.clone(),
        ]);
        let existing = HashMap::from([("S1".to_string(), Level::Street)]);
        let known = HashSet::from(["QC".to_string()]);
        let (regions, compounds, _) = plan_all(&file, &existing, &known).unwrap();
        assert_eq!(regions.len(), 2);
        assert_eq!(compounds.len(), 1);
        assert_eq!(compounds[0].grid_code, "G1");
        let err = plan_all(&file, &existing, &HashSet::new()).unwrap_err();
        assert_eq!(err.problem, ImportProblem::UnknownCompany("QC".into()));
    }

    #[test]
    fn parents_may_already_be_stored() {
        let existing = HashMap::from([("C1".to_string(), Level::Community)]);
        let file = fc(vec![feature("grid", "G9", Some("C1"), square(117.0, 36.6))]);
        assert!(plan(&file, &existing).is_ok());
        let wrong = fc(vec![feature("grid", "G9", Some("C1"), square(117.0, 36.6))]);
        let existing = HashMap::from([("C1".to_string(), Level::Street)]);
        assert_eq!(
            plan(&wrong, &existing).unwrap_err().problem,
            ImportProblem::WrongParentLevel {
                parent: "C1".into()
            }
        );
    }
}
