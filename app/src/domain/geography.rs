//! Geography: district 区 → street 街道 → community 社区 → grid 网格.

use serde::{Deserialize, Serialize};

/// A level of the hierarchy. Every level has codes, names and boundaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    District,
    Street,
    Community,
    Grid,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::District,
        Level::Street,
        Level::Community,
        Level::Grid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::District => "district",
            Level::Street => "street",
            Level::Community => "community",
            Level::Grid => "grid",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s.trim())
    }

    /// The level a parent must have; a district has none.
    pub fn parent(self) -> Option<Level> {
        match self {
            Level::District => None,
            Level::Street => Some(Level::District),
            Level::Community => Some(Level::Street),
            Level::Grid => Some(Level::Community),
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Level::District => "区",
            Level::Street => "街道",
            Level::Community => "社区",
            Level::Grid => "网格",
        }
    }
}

/// 基础网格 (a community's or village's residential grid) or 专属网格
/// (a building, company, market, school, hospital, park…).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridKind {
    Base,
    Dedicated,
}

impl GridKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GridKind::Base => "base",
            GridKind::Dedicated => "dedicated",
        }
    }

    pub fn parse(s: &str) -> Option<GridKind> {
        match s.trim() {
            "base" => Some(GridKind::Base),
            "dedicated" => Some(GridKind::Dedicated),
            _ => None,
        }
    }
}

/// A place in the grid staff roster "1+1+N+X": 1 leader 网格长, 1 full-time
/// worker 专职网格员, N part-time workers 兼职网格员, X instructors 网格指导员.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffPosition {
    Leader,
    FullTime,
    PartTime,
    Instructor,
}

impl StaffPosition {
    pub const ALL: [StaffPosition; 4] = [
        StaffPosition::Leader,
        StaffPosition::FullTime,
        StaffPosition::PartTime,
        StaffPosition::Instructor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffPosition::Leader => "leader",
            StaffPosition::FullTime => "full_time",
            StaffPosition::PartTime => "part_time",
            StaffPosition::Instructor => "instructor",
        }
    }

    pub fn parse(s: &str) -> Option<StaffPosition> {
        StaffPosition::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// What the public may see of one staff member: the phone only if they consented.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffPublic {
    pub name: String,
    pub position: StaffPosition,
    pub duties: String,
    pub phone: Option<String>,
}

/// A grid as the public sees it (上岗公示).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridPublic {
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    pub category: String,
    pub community_code: String,
    pub community_name: String,
    pub street_name: String,
    pub households: i32,
    pub residents: i32,
    pub staff: Vec<StaffPublic>,
    pub compounds: Vec<CompoundPublic>,
    /// [south, west, north, east] in WGS-84 degrees.
    pub bbox: [f64; 4],
}

/// The 上岗公示 poster of a grid: its public facts, its outline among its
/// neighbours and the QR code of its bound report form (both SVG made on
/// the server from our own numbers only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PosterSheet {
    pub grid: GridPublic,
    pub map_svg: String,
    pub qr_svg: String,
    /// What the QR code opens: `{public URL}/report?grid={code}`.
    pub report_url: String,
    /// What residents can bring to the grid: the first-level case categories.
    pub services: Vec<String>,
    /// False when the QR code's address came from the request (no
    /// `GRIDLINK_PUBLIC_URL`): the page warns before anyone prints it.
    #[serde(default)]
    pub public_url_configured: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompoundPublic {
    pub name: String,
    pub property_company: Option<String>,
}

/// One row of a search result or a community in the zoom list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceHit {
    pub level: Level,
    pub code: String,
    pub name: String,
    /// The community or street the place lies in, for telling namesakes apart.
    pub context: String,
    pub bbox: [f64; 4],
}

/// The answer to "which grid is this point in?".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocatedGrid {
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    pub community: String,
    pub street: String,
}

/// How many regions of each level a file holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub districts: usize,
    pub streets: usize,
    pub communities: usize,
    pub grids: usize,
    /// Areas the imported grids leave uncovered: a warning, not a refusal
    /// (a district is often imported community by community).
    #[serde(default)]
    pub gaps: Vec<GapWarning>,
}

/// An uncovered part of an area after an import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GapWarning {
    pub area: String,
    pub area_name: String,
    pub area_m2: f64,
}

impl ImportSummary {
    pub fn count(&mut self, level: Level) {
        match level {
            Level::District => self.districts += 1,
            Level::Street => self.streets += 1,
            Level::Community => self.communities += 1,
            Level::Grid => self.grids += 1,
        }
    }
}

/// Areas smaller than this are drawing noise, not gaps or overlaps
/// (the default tolerance of the coverage check, in m²).
pub const COVERAGE_TOLERANCE_M2: f64 = 1.0;

/// What the coverage check found: part of an area that none of its children
/// covers (不留盲区), or part that two grids share (避免重叠).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageKind {
    Overlap,
    Gap,
}

/// One gap or overlap, with what it touches and where it lies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverageFinding {
    pub kind: CoverageKind,
    /// A gap: the area its children leave uncovered. An overlap: the
    /// community of the first grid.
    pub area: String,
    pub area_name: String,
    pub area_level: Level,
    /// An overlap: the two grids. A gap: the children bordering it.
    pub grids: Vec<String>,
    pub area_m2: f64,
    /// The outer ring then any holes, as `[lat, lng]`, for drawing on the map.
    pub rings: Vec<Vec<[f64; 2]>>,
}

/// The coverage check of one area (or of everything).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageReport {
    /// The area checked; empty for the whole geography.
    pub scope: String,
    pub scope_name: String,
    pub grids_checked: usize,
    pub tolerance_m2: f64,
    pub findings: Vec<CoverageFinding>,
    /// The area's `[south, west, north, east]`, to frame the map.
    #[serde(default)]
    pub bbox: Option<[f64; 4]>,
    /// The areas the caller may check (code, name); empty code: everything.
    #[serde(default)]
    pub choices: Vec<(String, String)>,
}

impl CoverageReport {
    pub fn count(&self, kind: CoverageKind) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }
}

/// WGS-84 coordinates as entered by a user or a device.
pub fn valid_lat_lng(lat: f64, lng: f64) -> bool {
    lat.is_finite()
        && lng.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lng)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip_and_know_their_parent() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
        assert_eq!(Level::parse("city"), None);
        assert_eq!(Level::Grid.parent(), Some(Level::Community));
        assert_eq!(Level::District.parent(), None);
    }

    #[test]
    fn coordinates_outside_wgs84_are_refused() {
        assert!(valid_lat_lng(36.65, 117.03));
        assert!(!valid_lat_lng(91.0, 117.0));
        assert!(!valid_lat_lng(36.0, 181.0));
        assert!(!valid_lat_lng(f64::NAN, 117.0));
    }
}
