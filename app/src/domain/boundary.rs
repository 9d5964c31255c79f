//! Boundary editing (网格边界调整, issue 12): what an admin asks for, how
//! each change is kept (a version with the boundaries before and after, so
//! any change can be undone by restoring them), and why an edit is refused.
//! The geometry itself is worked on the server (`backend::geo::edit`).

use super::error::ImportProblem;
use super::geography::GridKind;
use super::lang::Lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The most vertices one edited boundary may have (a drawn grid has tens;
/// imported outlines with thousands are reshaped by importing a file).
pub const MAX_VERTICES: usize = 5_000;
/// The most parts of an outline, and rings (outer ring and holes) of a part.
pub const MAX_PARTS: usize = 100;
/// The most points of a split line.
pub const MAX_LINE_POINTS: usize = 200;
/// The longest grid name.
pub const MAX_NAME: usize = 40;

/// A ring of `[lat, lng]` points as the map edits it (not closed: the last
/// point does not repeat the first).
pub type Ring = Vec<[f64; 2]>;

/// One edit, as the editor sends it, in `[lat, lng]` points as the map
/// gives them; outlines are parts, each its outer ring then its holes
/// (as [`GridOutline::parts`]). `stamp` is the
/// one [`GridOutline`] carried when the editor loaded the grid: a boundary
/// changed meanwhile is not overwritten.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BoundaryEdit {
    /// Moved, added or removed vertices of one grid.
    Reshape {
        grid: String,
        parts: Vec<Vec<Ring>>,
        stamp: String,
    },
    /// A new grid in a community (or a retired code brought back).
    Draw {
        grid: String,
        name: String,
        kind: GridKind,
        community: String,
        ring: Ring,
    },
    /// One grid cut along a line: the larger side keeps the grid, the other
    /// becomes a new grid of the same community.
    Split {
        grid: String,
        line: Vec<[f64; 2]>,
        new_grid: String,
        new_name: String,
        stamp: String,
    },
    /// Two neighbours of one community become one: `grid` takes `other`'s
    /// area and `other` is retired.
    Merge {
        grid: String,
        other: String,
        stamp: String,
        other_stamp: String,
    },
}

impl BoundaryEdit {
    /// The grid the edit starts from (for a draw, the new one).
    pub fn grid(&self) -> &str {
        match self {
            BoundaryEdit::Reshape { grid, .. }
            | BoundaryEdit::Draw { grid, .. }
            | BoundaryEdit::Split { grid, .. }
            | BoundaryEdit::Merge { grid, .. } => grid,
        }
    }

    pub fn kind(&self) -> ChangeKind {
        match self {
            BoundaryEdit::Reshape { .. } => ChangeKind::Reshape,
            BoundaryEdit::Draw { .. } => ChangeKind::Draw,
            BoundaryEdit::Split { .. } => ChangeKind::Split,
            BoundaryEdit::Merge { .. } => ChangeKind::Merge,
        }
    }
}

/// What a kept change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    Draw,
    Reshape,
    Split,
    Merge,
    /// An earlier change undone (its boundaries before put back).
    Restore,
}

names!(ChangeKind {
    Draw => "draw", "新建网格", "Grid drawn";
    Reshape => "reshape", "调整边界", "Boundary reshaped";
    Split => "split", "拆分网格", "Grid split";
    Merge => "merge", "合并网格", "Grids merged";
    Restore => "restore", "撤销修改", "Change undone";
});

/// One change in the history list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundaryChangeView {
    pub id: i64,
    pub kind: ChangeKind,
    /// The grids it touched, in the order it wrote them.
    pub grids: Vec<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// The restore that undid it, if one did.
    pub undone_by: Option<i64>,
    /// For a restore: the change it undid.
    pub restores: Option<i64>,
}

/// One grid's outline before and after a change, as `[lat, lng]` rings for
/// the map (empty: the grid had no area then, i.e. it was new or retired).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionView {
    pub grid: String,
    pub before: Vec<Vec<[f64; 2]>>,
    pub after: Vec<Vec<[f64; 2]>>,
}

/// A change with its outlines (the history's "before and after").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeDetail {
    pub change: BoundaryChangeView,
    pub versions: Vec<VersionView>,
}

/// The editor's page: the areas the caller may edit, the communities of
/// the chosen one (where a new grid may go) and its latest changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundaryDesk {
    /// The street (or, for a system admin, any area) being edited.
    pub area: String,
    pub choices: Vec<(String, String)>,
    pub communities: Vec<(String, String)>,
    pub changes: Vec<BoundaryChangeView>,
}

/// A grid's stored outline, for editing: GeoJSON and its stamp.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridOutline {
    pub code: String,
    pub name: String,
    pub community: String,
    /// The outline's parts, each a list of rings of `[lat, lng]` points,
    /// the last point not repeating the first (as the map edits them).
    pub parts: Vec<Vec<Ring>>,
    pub stamp: String,
}

/// What a saved edit or an undo did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundaryOutcome {
    pub change_id: i64,
    pub grids: Vec<String>,
    /// Open cases whose point now lies in another grid, moved there.
    pub moved_cases: usize,
}

/// Why an edit or an undo was refused. Nothing is written when it is. It
/// travels as a [`Refusal`], worded on the server.
#[derive(Clone, Debug, PartialEq)]
pub enum BoundaryProblem {
    /// The outline itself is wrong (too few points, crossing itself…) or
    /// it would overlap another grid.
    Shape(ImportProblem),
    TooManyPoints,
    /// The code or name of a new grid.
    BadCode(String),
    CodeTaken(String),
    BadName,
    /// A split line that does not cut the grid in two.
    LineMissesGrid,
    /// A merge of grids that do not touch, or of different communities.
    NotNeighbours {
        grid: String,
        other: String,
    },
    OtherCommunity {
        grid: String,
        other: String,
    },
    /// A merge would retire a grid that still has staff or household records.
    StillHolds {
        grid: String,
        staff: u64,
        households: u64,
    },
    /// Someone changed the grid's boundary after the editor loaded it.
    ChangedMeanwhile {
        grid: String,
    },
    /// An undo of a change whose grids changed again since.
    LaterChange {
        grid: String,
    },
    AlreadyUndone,
    /// Nothing would change.
    NoChange,
    /// The map kept changing while the edit was worked out (busy editors).
    MapChanged,
    /// A grid would be retired while open cases in it lie in no other grid.
    CasesLeft {
        grid: String,
        cases: u64,
    },
}

/// A refused edit (or boundary file, `AppError::Import`) as it travels: the
/// problem's stable name and its sentence in both languages, worded on the
/// server. The browser only shows it, so
/// the first download carries neither the wording of every refusal nor a
/// decoder for each of them (`AppError` is in every page).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    /// [`BoundaryProblem::code`] or [`ImportProblem::code`](super::error::ImportProblem::code).
    pub problem: String,
    pub zh: String,
    pub en: String,
    /// Answered 409 (what happened meanwhile) rather than 400.
    pub conflict: bool,
}

impl Refusal {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl From<BoundaryProblem> for Refusal {
    fn from(p: BoundaryProblem) -> Refusal {
        Refusal {
            problem: p.code().to_string(),
            zh: p.message(Lang::Zh),
            en: p.message(Lang::En),
            conflict: p.conflict(),
        }
    }
}

impl BoundaryProblem {
    /// The problem's stable name on the wire.
    pub fn code(&self) -> &'static str {
        use BoundaryProblem::*;
        match self {
            Shape(ImportProblem::Overlap { .. }) => "overlap",
            Shape(_) => "shape",
            TooManyPoints => "too_many_points",
            BadCode(_) => "bad_code",
            CodeTaken(_) => "code_taken",
            BadName => "bad_name",
            LineMissesGrid => "line_misses_grid",
            NotNeighbours { .. } => "not_neighbours",
            OtherCommunity { .. } => "other_community",
            StillHolds { .. } => "still_holds",
            ChangedMeanwhile { .. } => "changed_meanwhile",
            LaterChange { .. } => "later_change",
            AlreadyUndone => "already_undone",
            NoChange => "no_change",
            MapChanged => "map_changed",
            CasesLeft { .. } => "cases_left",
        }
    }

    /// 409 for the ones about what happened meanwhile, 400 for the rest.
    pub fn conflict(&self) -> bool {
        matches!(
            self,
            BoundaryProblem::ChangedMeanwhile { .. }
                | BoundaryProblem::LaterChange { .. }
                | BoundaryProblem::AlreadyUndone
                | BoundaryProblem::MapChanged
        )
    }

    pub fn message(&self, lang: Lang) -> String {
        use BoundaryProblem::*;
        let zh = lang == Lang::Zh;
        let text = match (self, zh) {
            (Shape(p), _) => p.message(lang),
            (TooManyPoints, true) => format!("边界点数太多（最多 {MAX_VERTICES} 个）。"),
            (TooManyPoints, false) => format!("The outline has too many points (at most {MAX_VERTICES})."),
            (BadCode(c), true) => format!("编码“{c}”无效：2–40 位字母、数字、- 或 _。"),
            (BadCode(c), false) => format!("The code \"{c}\" is not valid: 2–40 letters, digits, - or _."),
            (CodeTaken(c), true) => format!("编码 {c} 已被使用，请换一个。"),
            (CodeTaken(c), false) => format!("The code {c} is already in use; choose another."),
            (BadName, true) => format!("请填写网格名称（不超过 {MAX_NAME} 字）。"),
            (BadName, false) => format!("Give the grid a name (at most {MAX_NAME} characters)."),
            (LineMissesGrid, true) => "分割线没有把网格分成两部分：请从网格外开始，穿过网格，到网格外结束。".into(),
            (LineMissesGrid, false) => "The line does not cut the grid in two: start outside it, cross it, and end outside it.".into(),
            (NotNeighbours { grid, other }, true) => format!("网格 {grid} 与 {other} 不相邻，只能合并相邻的网格。"),
            (NotNeighbours { grid, other }, false) => format!("Grids {grid} and {other} do not touch; only neighbours can be merged."),
            (OtherCommunity { grid, other }, true) => format!("网格 {grid} 与 {other} 不属于同一社区，不能合并。"),
            (OtherCommunity { grid, other }, false) => format!("Grids {grid} and {other} are in different communities and cannot be merged."),
            (StillHolds { grid, staff, households }, true) => format!(
                "网格 {grid} 还有 {staff} 名在岗人员、{households} 户人房信息，请先在“网格力量”和“人房信息”中调整后再合并。"
            ),
            (StillHolds { grid, staff, households }, false) => format!(
                "Grid {grid} still has {staff} staff and {households} household records; move them (Rosters, Households) before merging."
            ),
            (ChangedMeanwhile { grid }, true) => format!("网格 {grid} 的边界刚被他人修改，请重新载入后再编辑。"),
            (ChangedMeanwhile { grid }, false) => format!("Someone just changed grid {grid}'s boundary; reload it and edit again."),
            (LaterChange { grid }, true) => format!("网格 {grid} 此后又有修改，请先撤销之后的修改。"),
            (LaterChange { grid }, false) => format!("Grid {grid} changed again since; undo the later change first."),
            (AlreadyUndone, true) => "这次修改已经撤销过了。".into(),
            (AlreadyUndone, false) => "This change was already undone.".into(),
            (NoChange, true) => "边界没有变化。".into(),
            (NoChange, false) => "The boundary did not change.".into(),
            (MapChanged, true) => "地图刚有其他修改，请重新载入后再试。".into(),
            (MapChanged, false) => "The map changed meanwhile; reload and try again.".into(),
            (CasesLeft { grid, cases }, true) => format!(
                "网格 {grid} 还有 {cases} 件在办事件不在其他任何网格内，请先处理或改派后再调整。"
            ),
            (CasesLeft { grid, cases }, false) => format!(
                "Grid {grid} still has {cases} open case(s) that no other grid would hold; settle or move them first."
            ),
        };
        if zh {
            format!("{text}未保存。")
        } else {
            format!("{text} Nothing was saved.")
        }
    }
}

/// Checks a new grid's code and name; the code comes back in its stored form.
pub fn new_grid_problem(code: &str, name: &str) -> Result<String, BoundaryProblem> {
    let code = super::code::RegionCode::parse(code)
        .ok()
        .filter(|c| c.as_str().len() >= 2)
        .ok_or_else(|| BoundaryProblem::BadCode(code.trim().to_string()))?;
    if super::error::text_problem(name, MAX_NAME, true).is_some() {
        return Err(BoundaryProblem::BadName);
    }
    Ok(code.as_str().to_string())
}

/// The stamp of a stored outline: FNV-1a of its text, in hex. The same
/// text gives the same stamp on every server and in every version.
pub fn stamp(stored: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stored.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_tell_texts_apart_and_stay_put() {
        assert_eq!(stamp(""), "cbf29ce484222325");
        assert_ne!(stamp("{\"a\":1}"), stamp("{\"a\":2}"));
    }

    #[test]
    fn a_new_grid_needs_a_code_and_a_name() {
        assert_eq!(new_grid_problem(" g-09 ", "新网格").unwrap(), "G-09");
        assert_eq!(
            new_grid_problem("a b", "x"),
            Err(BoundaryProblem::BadCode("a b".into()))
        );
        assert_eq!(new_grid_problem("G-1", " "), Err(BoundaryProblem::BadName));
    }

    #[test]
    fn every_refusal_says_nothing_was_saved() {
        let p = BoundaryProblem::StillHolds {
            grid: "G".into(),
            staff: 2,
            households: 0,
        };
        assert!(p.message(Lang::Zh).ends_with("未保存。"));
        assert!(p.message(Lang::En).ends_with("Nothing was saved."));
        assert!(!p.conflict());
        assert!(BoundaryProblem::AlreadyUndone.conflict());
    }
}
