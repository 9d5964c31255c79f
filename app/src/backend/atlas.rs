//! The atlas: an in-memory snapshot of the geography (regions, boundaries,
//! the spatial index, public staff and the ready-made public map layer).
//! Rebuilt from the store whenever boundaries or rosters change; readers
//! never wait for the database.

use super::geo::{boundary, coverage, index::GridIndex};
use super::store::{self, Db, StoreError};
use crate::domain::auth::Place;
use crate::domain::geography::{
    CompoundPublic, CoverageReport, GridKind, GridPublic, Level, LocatedGrid, PlaceHit, StaffPublic,
};
use geo::{BoundingRect, InteriorPoint, MultiPolygon};
use serde_json::{json, Value};
use std::collections::HashMap;

struct Region {
    id: i64,
    level: Level,
    code: String,
    name: String,
    parent: Option<usize>,
    kind: Option<GridKind>,
    category: String,
    households: i32,
    residents: i32,
    shape: Option<MultiPolygon<f64>>,
    bbox: [f64; 4],
}

/// The most neighbours a poster's map draws around its grid.
pub const NEIGHBOURS: usize = 30;

/// How often a server checks whether the geography changed elsewhere
/// (`server::watch_geography`): another server's roster change reaches this
/// one's atlas within it.
pub const SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Atlas {
    regions: Vec<Region>,
    by_code: HashMap<String, usize>,
    staff: HashMap<usize, Vec<StaffPublic>>,
    /// Who may own each grid's cases (`policy::may_own`, active accounts),
    /// as (user, position): every report picks its owner here instead of
    /// reading the roster. Other servers see roster changes with the next
    /// geography version (rosters bump it), as they see the public staff.
    owners: HashMap<usize, Vec<(i64, crate::domain::geography::StaffPosition)>>,
    /// Point → community and street, for points in no grid.
    areas: [GridIndex; 2],
    /// Compound outlines with their managing company, by grid position.
    compound_shapes: HashMap<usize, Vec<(MultiPolygon<f64>, i64)>>,
    /// Point → grid answers, by region position.
    located: Vec<Option<LocatedGrid>>,
    compounds: HashMap<usize, Vec<CompoundPublic>>,
    index: GridIndex,
    layer: String,
    /// Street and community outlines for the public map (`/api/v1/areas.geojson`).
    areas_layer: String,
    version: i64,
}

impl Atlas {
    pub fn empty() -> Atlas {
        Atlas::build(Vec::new(), Vec::new(), Vec::new())
    }

    /// Reads the whole geography from the store; the CPU-heavy part (parsing
    /// boundaries, the index, the layer) runs off the async workers.
    pub async fn load(db: &Db) -> Result<Atlas, StoreError> {
        // Read the version first: a change landing mid-read leaves the atlas
        // looking older than it is, so the next check rebuilds it again.
        let version = store::meta::version(db, store::meta::GEOGRAPHY).await?;
        let regions = store::geography::all_regions(db).await?;
        let staff = store::geography::all_staff(db).await?;
        let compounds = store::geography::compounds(db).await?;
        let mut atlas =
            tokio::task::spawn_blocking(move || Atlas::build(regions, staff, compounds))
                .await
                .map_err(|e| StoreError::Custom(format!("atlas build: {e}")))?;
        atlas.version = version;
        Ok(atlas)
    }

    /// The geography version this atlas was built from.
    pub fn version(&self) -> i64 {
        self.version
    }

    /// An atlas straight from generated regions, without a database (benchmarks).
    pub fn from_regions(regions: &[store::geography::NewRegion]) -> Atlas {
        let ids: HashMap<&str, i64> = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str(), i as i64 + 1))
            .collect();
        let rows = regions
            .iter()
            .enumerate()
            .map(|(i, r)| store::geography::RegionRow {
                id: i as i64 + 1,
                level: r.level,
                code: r.code.clone(),
                name: r.name.clone(),
                parent_id: r.parent_code.as_deref().and_then(|p| ids.get(p).copied()),
                kind: r.kind,
                category: r.category.clone(),
                households: r.households,
                residents: r.residents,
                boundary: r.boundary.clone(),
            })
            .collect();
        Atlas::build(rows, Vec::new(), Vec::new())
    }

    fn build(
        rows: Vec<store::geography::RegionRow>,
        staff_rows: Vec<store::geography::StaffRow>,
        compound_rows: Vec<store::geography::CompoundRow>,
    ) -> Atlas {
        let pos_by_id: HashMap<i64, usize> =
            rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let regions: Vec<Region> = rows
            .into_iter()
            .map(|r| {
                let shape = boundary::parse_stored(&r.boundary);
                let bbox = shape
                    .as_ref()
                    .and_then(|s| s.bounding_rect())
                    .map(|b| [b.min().y, b.min().x, b.max().y, b.max().x])
                    .unwrap_or([0.0; 4]);
                Region {
                    id: r.id,
                    level: r.level,
                    parent: r.parent_id.and_then(|p| pos_by_id.get(&p).copied()),
                    code: r.code,
                    name: r.name,
                    kind: r.kind,
                    category: r.category,
                    households: r.households,
                    residents: r.residents,
                    shape,
                    bbox,
                }
            })
            .collect();
        let by_code = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.clone(), i))
            .collect();
        let mut staff: HashMap<usize, Vec<StaffPublic>> = HashMap::new();
        let mut owners: HashMap<usize, Vec<_>> = HashMap::new();
        // A disabled account is nobody's contact: off the public pages (it
        // stays on the roster, where admins see and edit it).
        for s in staff_rows.into_iter().filter(|s| s.active) {
            if let Some(&g) = pos_by_id.get(&s.grid_id) {
                if crate::domain::policy::may_own(s.position) {
                    owners.entry(g).or_default().push((s.user_id, s.position));
                }
                staff.entry(g).or_default().push(StaffPublic {
                    phone: s.show_phone.then_some(s.phone),
                    name: s.name,
                    position: s.position,
                    duties: s.duties,
                });
            }
        }
        let mut compounds: HashMap<usize, Vec<CompoundPublic>> = HashMap::new();
        let mut compound_shapes: HashMap<usize, Vec<(MultiPolygon<f64>, i64)>> = HashMap::new();
        for c in compound_rows {
            if let Some(&g) = pos_by_id.get(&c.grid_id) {
                let shape = c.boundary.as_deref().and_then(boundary::parse_stored);
                if let (Some(company), Some(shape)) = (c.company_id, shape) {
                    compound_shapes.entry(g).or_default().push((shape, company));
                }
                compounds.entry(g).or_default().push(CompoundPublic {
                    name: c.name,
                    property_company: c.company,
                });
            }
        }
        let index = GridIndex::build(
            regions
                .iter()
                .enumerate()
                .filter(|(_, r)| r.level == Level::Grid)
                .filter_map(|(i, r)| Some((i, r.shape.as_ref()?))),
        );
        let area_index = |level: Level| {
            GridIndex::build(
                regions
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.level == level)
                    .filter_map(|(i, r)| Some((i, r.shape.as_ref()?))),
            )
        };
        let areas = [area_index(Level::Community), area_index(Level::Street)];
        let mut atlas = Atlas {
            areas,
            compound_shapes,
            regions,
            by_code,
            staff,
            owners,
            compounds,
            index,
            layer: String::new(),
            areas_layer: String::new(),
            version: 0,
            located: Vec::new(),
        };
        atlas.located = (0..atlas.regions.len())
            .map(|i| {
                let r = &atlas.regions[i];
                (r.level == Level::Grid).then(|| LocatedGrid {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    kind: r.kind.unwrap_or(GridKind::Base),
                    community: atlas.ancestor_name(i, Level::Community),
                    street: atlas.ancestor_name(i, Level::Street),
                })
            })
            .collect();
        atlas.layer = atlas.render_layer();
        atlas.areas_layer = atlas.render_areas();
        atlas
    }

    /// A grid without an outline: merged away, or a drawn grid undone. It
    /// keeps its code and history but is in no list of an area's grids.
    fn retired(&self, i: usize) -> bool {
        self.regions[i].level == Level::Grid && self.regions[i].shape.is_none()
    }

    /// Whether a code names a retired grid.
    pub fn retired_grid(&self, code: &str) -> bool {
        self.by_code.get(code).is_some_and(|&i| self.retired(i))
    }

    fn ancestor(&self, i: usize, level: Level) -> Option<usize> {
        let mut cur = Some(i);
        while let Some(c) = cur {
            if self.regions[c].level == level {
                return Some(c);
            }
            cur = self.regions[c].parent;
        }
        None
    }

    fn ancestor_code(&self, i: usize, level: Level) -> Option<String> {
        self.ancestor(i, level)
            .map(|a| self.regions[a].code.clone())
    }

    fn ancestor_name(&self, i: usize, level: Level) -> String {
        self.ancestor(i, level)
            .map(|a| self.regions[a].name.clone())
            .unwrap_or_default()
    }

    /// The public grid layer (`/api/v1/grids.geojson`), rendered once per rebuild.
    pub fn layer_json(&self) -> &str {
        &self.layer
    }

    /// The street and community outline layer, rendered once per rebuild:
    /// codes, names and outlines, nothing else.
    pub fn areas_json(&self) -> &str {
        &self.areas_layer
    }

    fn render_areas(&self) -> String {
        let features: Vec<Value> = self
            .regions
            .iter()
            .filter(|r| matches!(r.level, Level::Street | Level::Community))
            .filter_map(|r| {
                Some(json!({
                    "type": "Feature",
                    "geometry": boundary::to_geojson(r.shape.as_ref()?),
                    "properties": {"code": r.code, "name": r.name, "level": r.level.as_str()},
                }))
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features}).to_string()
    }

    fn render_layer(&self) -> String {
        let features: Vec<Value> = self
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.level == Level::Grid)
            .filter_map(|(i, r)| {
                let shape = r.shape.as_ref()?;
                let label = shape
                    .interior_point()
                    .map(|p| [boundary::round6(p.y()), boundary::round6(p.x())]);
                Some(json!({
                    "type": "Feature",
                    "geometry": boundary::to_geojson(shape),
                    "properties": {
                        "code": r.code,
                        "name": r.name,
                        "kind": r.kind.map(GridKind::as_str),
                        "category": r.category,
                        "community": self.ancestor_code(i, Level::Community),
                        "community_name": self.ancestor_name(i, Level::Community),
                        "street": self.ancestor_code(i, Level::Street),
                        "street_name": self.ancestor_name(i, Level::Street),
                        "district": self.ancestor_code(i, Level::District),
                        "staff": self.staff.get(&i).cloned().unwrap_or_default(),
                        "label": label,
                    }
                }))
            })
            .collect();
        json!({"type": "FeatureCollection", "features": features}).to_string()
    }

    /// Every region's outline for the coverage check; positions match the
    /// atlas's own, a region without a usable boundary gets an empty one.
    fn outlines<'a>(&'a self, empty: &'a MultiPolygon<f64>) -> Vec<coverage::Outline<'a>> {
        self.regions
            .iter()
            .map(|r| coverage::Outline {
                code: &r.code,
                name: &r.name,
                level: r.level,
                parent: r.parent,
                shape: r.shape.as_ref().unwrap_or(empty),
            })
            .collect()
    }

    /// The coverage check of one area (a district, street or community; a
    /// grid checks the grid's overlaps) or, with `None`, of everything.
    /// `None` back when the code is unknown.
    pub fn coverage(&self, code: Option<&str>, tolerance_m2: f64) -> Option<CoverageReport> {
        let scope: Vec<usize> = match code {
            None => (0..self.regions.len()).collect(),
            Some(c) => {
                let top = *self.by_code.get(c)?;
                (0..self.regions.len())
                    .filter(|&i| self.ancestor_or_self(i, top))
                    .collect()
            }
        };
        let empty = MultiPolygon(Vec::new());
        let findings = coverage::check(&self.outlines(&empty), &scope, tolerance_m2);
        Some(CoverageReport {
            scope: code.unwrap_or_default().to_string(),
            scope_name: code
                .and_then(|c| self.name_of(c))
                .unwrap_or_default()
                .to_string(),
            grids_checked: scope
                .iter()
                .filter(|&&i| self.regions[i].level == Level::Grid && !self.retired(i))
                .count(),
            tolerance_m2,
            findings,
            bbox: code.and_then(|c| self.bbox_of(c)),
            choices: Vec::new(),
        })
    }

    /// Stored grids' outlines by code, for checking an import against them.
    pub fn grid_outlines(&self) -> Vec<(&str, &MultiPolygon<f64>)> {
        self.regions
            .iter()
            .filter(|r| r.level == Level::Grid)
            .filter_map(|r| Some((r.code.as_str(), r.shape.as_ref()?)))
            .collect()
    }

    fn ancestor_or_self(&self, i: usize, top: usize) -> bool {
        let mut cur = Some(i);
        while let Some(c) = cur {
            if c == top {
                return true;
            }
            cur = self.regions[c].parent;
        }
        false
    }

    pub fn grid_count(&self) -> usize {
        (0..self.regions.len())
            .filter(|&i| self.regions[i].level == Level::Grid && !self.retired(i))
            .count()
    }

    /// Which grid holds this point (WGS-84).
    /// The answer is prepared at build time, so a lookup allocates nothing.
    pub fn locate(&self, lat: f64, lng: f64) -> Option<&LocatedGrid> {
        let i = self.index.locate(lng, lat)?;
        self.located.get(i)?.as_ref()
    }

    /// The grid, community and street at a point; a point in no grid still
    /// gets the community or street around it.
    pub fn place_at(&self, lat: f64, lng: f64) -> Place {
        let found = self
            .index
            .locate(lng, lat)
            .or_else(|| self.areas[0].locate(lng, lat))
            .or_else(|| self.areas[1].locate(lng, lat));
        found
            .and_then(|i| self.place_of(&self.regions[i].code))
            .unwrap_or_default()
    }

    /// The property company managing the compound a point lies in, if any.
    /// Only compounds with an outline count: a grid may hold compounds of
    /// several companies, and the grid alone says nothing about whose
    /// a point is.
    pub fn company_at(&self, grid_code: &str, lat: f64, lng: f64) -> Option<i64> {
        use geo::Contains;
        let point = geo::Point::new(lng, lat);
        self.compound_shapes
            .get(self.by_code.get(grid_code)?)?
            .iter()
            .find(|(shape, _)| shape.contains(&point))
            .map(|(_, company)| *company)
    }

    /// A point in the middle part of a region's bounding box, spread by `t`
    /// (two numbers in 0..1) so that many things in one region do not stack.
    pub fn spot_in(&self, code: &str, t: (f64, f64)) -> Option<(f64, f64)> {
        let b = self.regions[*self.by_code.get(code)?].bbox;
        Some((
            b[0] + (b[2] - b[0]) * (0.3 + 0.4 * t.0),
            b[1] + (b[3] - b[1]) * (0.3 + 0.4 * t.1),
        ))
    }

    /// The outer rings of a region's outline as `[lat, lng]` points, every
    /// `step`th point kept (a sketch for charts, not for locating).
    pub fn rings(&self, code: &str, step: usize) -> Vec<Vec<[f64; 2]>> {
        let Some(shape) = self
            .by_code
            .get(code)
            .and_then(|&i| self.regions[i].shape.as_ref())
        else {
            return Vec::new();
        };
        shape
            .0
            .iter()
            .map(|poly| {
                let pts: Vec<[f64; 2]> = poly.exterior().0.iter().map(|c| [c.y, c.x]).collect();
                pts.iter()
                    .enumerate()
                    .filter(|(i, _)| i % step.max(1) == 0 || *i + 1 == pts.len())
                    .map(|(_, p)| *p)
                    .collect()
            })
            .collect()
    }

    /// Who may own the grid's cases, as (user, position); none for a code
    /// that is no grid of ours.
    pub fn owner_candidates(
        &self,
        code: &str,
    ) -> &[(i64, crate::domain::geography::StaffPosition)] {
        self.by_code
            .get(code)
            .and_then(|i| self.owners.get(i))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The positions of a grid's active staff.
    pub fn staff_positions(&self, code: &str) -> Vec<crate::domain::geography::StaffPosition> {
        self.by_code
            .get(code)
            .and_then(|i| self.staff.get(i))
            .map(|s| s.iter().map(|p| p.position).collect())
            .unwrap_or_default()
    }

    pub fn grid_kind(&self, code: &str) -> Option<GridKind> {
        self.by_code.get(code).and_then(|&i| self.regions[i].kind)
    }

    /// Whether a grid's outline holds the point (its edge included).
    pub fn grid_holds(&self, code: &str, lat: f64, lng: f64) -> bool {
        use geo::Intersects;
        self.by_code
            .get(code)
            .map(|&i| &self.regions[i])
            .filter(|r| r.level == Level::Grid)
            .and_then(|r| r.shape.as_ref())
            .is_some_and(|s| s.intersects(&geo::Point::new(lng, lat)))
    }

    /// The grids around a grid (their boxes meet its box widened by half),
    /// with their outer rings as `[lat, lng]`, the grid itself first. At most
    /// [`NEIGHBOURS`] of them, thinned to about 200 points each (a sketch
    /// for the poster, whatever a boundary file holds).
    pub fn neighbourhood(&self, code: &str) -> Vec<(String, Vec<Vec<[f64; 2]>>)> {
        let Some(&i) = self.by_code.get(code) else {
            return Vec::new();
        };
        let b = self.regions[i].bbox;
        let (dy, dx) = ((b[2] - b[0]) * 0.5, (b[3] - b[1]) * 0.5);
        let near = |o: &[f64; 4]| {
            o[0] <= b[2] + dy && o[2] >= b[0] - dy && o[1] <= b[3] + dx && o[3] >= b[1] - dx
        };
        std::iter::once(i)
            .chain(
                (0..self.regions.len())
                    .filter(|&j| j != i && self.regions[j].level == Level::Grid)
                    .filter(|&j| near(&self.regions[j].bbox)),
            )
            .take(NEIGHBOURS + 1)
            .map(|j| {
                let code = &self.regions[j].code;
                let points: usize = self.regions[j]
                    .shape
                    .as_ref()
                    .map(|s| s.0.iter().map(|p| p.exterior().0.len()).sum())
                    .unwrap_or(0);
                (code.clone(), self.rings(code, points.div_ceil(200).max(1)))
            })
            .collect()
    }

    /// A region's bounding box: `[south, west, north, east]`.
    pub fn bbox_of(&self, code: &str) -> Option<[f64; 4]> {
        self.by_code.get(code).map(|&i| self.regions[i].bbox)
    }

    /// The codes of the regions directly below one, in code order.
    pub fn children(&self, code: &str) -> Vec<String> {
        let Some(&top) = self.by_code.get(code) else {
            return Vec::new();
        };
        let mut out: Vec<String> = (0..self.regions.len())
            .filter(|&i| self.regions[i].parent == Some(top) && !self.retired(i))
            .map(|i| self.regions[i].code.clone())
            .collect();
        out.sort();
        out
    }

    pub fn name_of(&self, code: &str) -> Option<&str> {
        self.by_code
            .get(code)
            .map(|&i| self.regions[i].name.as_str())
    }

    /// The grid, community and street codes at and above a region.
    pub fn place_of(&self, code: &str) -> Option<Place> {
        let i = *self.by_code.get(code)?;
        Some(Place {
            grid: self.ancestor_code(i, Level::Grid),
            community: self.ancestor_code(i, Level::Community),
            street: self.ancestor_code(i, Level::Street),
        })
    }

    pub fn level_of(&self, code: &str) -> Option<Level> {
        self.by_code.get(code).map(|&i| self.regions[i].level)
    }

    /// The code of a region by its store id.
    pub fn code_of_id(&self, id: i64) -> Option<String> {
        self.regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.code.clone())
    }

    /// The store id of a region.
    pub fn region_id(&self, code: &str) -> Option<i64> {
        self.by_code.get(code).map(|&i| self.regions[i].id)
    }

    /// Codes of a region and of every region below it (retired grids left out).
    pub fn codes_within(&self, code: &str) -> Vec<String> {
        let Some(&top) = self.by_code.get(code) else {
            return Vec::new();
        };
        (0..self.regions.len())
            .filter(|&i| self.ancestor_or_self(i, top) && (i == top || !self.retired(i)))
            .map(|i| self.regions[i].code.clone())
            .collect()
    }

    pub fn grid_public(&self, code: &str) -> Option<GridPublic> {
        let i = *self.by_code.get(code)?;
        let r = &self.regions[i];
        (r.level == Level::Grid).then(|| GridPublic {
            code: r.code.clone(),
            name: r.name.clone(),
            kind: r.kind.unwrap_or(GridKind::Base),
            category: r.category.clone(),
            community_code: self.ancestor_code(i, Level::Community).unwrap_or_default(),
            community_name: self.ancestor_name(i, Level::Community),
            street_name: self.ancestor_name(i, Level::Street),
            households: r.households,
            residents: r.residents,
            staff: self.staff.get(&i).cloned().unwrap_or_default(),
            compounds: self.compounds.get(&i).cloned().unwrap_or_default(),
            bbox: r.bbox,
        })
    }

    fn hit(&self, i: usize) -> PlaceHit {
        let r = &self.regions[i];
        let context = match r.level {
            Level::Grid => self.ancestor_name(i, Level::Community),
            Level::Community => self.ancestor_name(i, Level::Street),
            Level::Street => self.ancestor_name(i, Level::District),
            _ => String::new(),
        };
        PlaceHit {
            level: r.level,
            code: r.code.clone(),
            name: r.name.clone(),
            context,
            bbox: r.bbox,
        }
    }

    /// Communities for the "zoom to community" list, by street then name.
    /// Codes of every street, in code order.
    pub fn streets(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .regions
            .iter()
            .filter(|r| r.level == Level::Street)
            .map(|r| r.code.clone())
            .collect();
        out.sort();
        out
    }

    pub fn communities(&self) -> Vec<PlaceHit> {
        let mut out: Vec<PlaceHit> = (0..self.regions.len())
            .filter(|&i| self.regions[i].level == Level::Community)
            .map(|i| self.hit(i))
            .collect();
        out.sort_by(|a, b| (&a.context, &a.code).cmp(&(&b.context, &b.code)));
        out
    }

    /// Grids, communities and streets whose code or name contains the query
    /// (case-insensitive); exact code matches first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<PlaceHit> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(u8, usize)> = self
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.level, Level::Grid | Level::Community | Level::Street))
            .filter(|(i, _)| !self.retired(*i))
            .filter_map(|(i, r)| {
                let code = r.code.to_lowercase();
                let rank = if code == q {
                    0
                } else if code.starts_with(&q) || r.name.to_lowercase().starts_with(&q) {
                    1
                } else if code.contains(&q) || r.name.to_lowercase().contains(&q) {
                    2
                } else {
                    return None;
                };
                Some((rank, i))
            })
            .collect();
        hits.sort_by(|a, b| (a.0, &self.regions[a.1].code).cmp(&(b.0, &self.regions[b.1].code)));
        hits.into_iter()
            .take(limit)
            .map(|(_, i)| self.hit(i))
            .collect()
    }
}
