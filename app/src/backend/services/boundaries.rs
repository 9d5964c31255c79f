//! Boundary editing on the map (网格边界调整, issue 12): street and system
//! admins draw a grid, move its vertices, split it along a line or merge
//! two neighbours; each save is checked like an import (valid outline, no
//! overlap), kept as a version with the outlines before and after, and can
//! be undone by restoring them. Open cases whose point now lies in another
//! grid move there with a timeline entry, in the same transaction; the
//! atlas is rebuilt at once here and within seconds on every other server
//! (`watch_geography`).

use super::audit::{record, Target};
use super::auth::Viewer;
use super::cases::{acting_role, announce};
use super::owners::{candidates, tell_owner};
use crate::backend::atlas::Atlas;
use crate::backend::geo::{boundary, edit};
use crate::backend::import;
use crate::backend::state::AppState;
use crate::backend::store::boundaries::{
    self as db, CaseMove, ChangeRow, ChangeWrite, GridWrite, NewGrid, Saved,
};
use crate::backend::store::cases::{case_by_id, NewEvent};
use crate::backend::store::geography::NewRegion;
use crate::domain::audit::AuditAction;
use crate::domain::auth::{permits, Action, Place, Role, Scope};
use crate::domain::boundary::{
    new_grid_problem, stamp, BoundaryChangeView, BoundaryDesk, BoundaryEdit, BoundaryOutcome,
    BoundaryProblem, ChangeDetail, ChangeKind, GridOutline, VersionView, MAX_LINE_POINTS,
};
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::geography::StaffPosition;
use crate::domain::geography::{valid_lat_lng, Level};
use crate::domain::policy;
use chrono::Utc;
use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use std::collections::HashMap;
use std::sync::Arc;

/// Changes listed on the editor's page.
const HISTORY: u64 = 30;

fn refused(p: BoundaryProblem) -> AppError {
    AppError::Boundary(p.into())
}

/// Runs geometry work (boolean operations, validation) on the blocking
/// pool: an outline of thousands of vertices takes milliseconds to tens of
/// milliseconds, which must not stall the async workers.
async fn off<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!("boundary geometry: {e}");
        AppError::Internal
    })
}

fn may_edit(viewer: &Viewer, place: Place) -> Result<(), AppError> {
    if permits(&viewer.grants, &Action::EditBoundaries(place)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A grid the atlas knows, with its place.
fn grid_place(atlas: &Atlas, code: &str) -> Result<(String, Place), AppError> {
    let code = code.trim().to_ascii_uppercase();
    // A retired grid has no outline to edit; an undo brings it back.
    if atlas.level_of(&code) != Some(Level::Grid) || atlas.retired_grid(&code) {
        return Err(AppError::NotFound);
    }
    let place = atlas.place_of(&code).ok_or(AppError::NotFound)?;
    Ok((code, place))
}

fn view_of(c: ChangeRow) -> BoundaryChangeView {
    BoundaryChangeView {
        id: c.id,
        kind: ChangeKind::parse(&c.kind).unwrap_or(ChangeKind::Reshape),
        grids: c.grids,
        actor: c.actor_name,
        at: c.created_at,
        undone_by: c.undone_by,
        restores: c.restores,
    }
}

/// The editor's page: the streets the caller may edit (a system admin:
/// every street), the communities of the chosen one and its latest changes.
pub async fn desk(
    state: &AppState,
    viewer: &Viewer,
    area: Option<&str>,
) -> Result<BoundaryDesk, AppError> {
    let atlas = state.atlas();
    let sysadmin = viewer.grants.iter().any(|g| g.role == Role::SystemAdmin);
    let streets: Vec<String> = if sysadmin {
        atlas.streets()
    } else {
        viewer
            .grants
            .iter()
            .filter_map(|g| match (g.role, &g.scope) {
                (Role::StreetAdmin, Scope::Street(s)) => Some(s.clone()),
                _ => None,
            })
            .collect()
    };
    let choices: Vec<(String, String)> = streets
        .iter()
        .filter_map(|s| Some((s.clone(), atlas.name_of(s)?.to_string())))
        .collect();
    let area = match area.map(|a| a.trim().to_ascii_uppercase()) {
        Some(a) if !a.is_empty() => a,
        _ => choices
            .first()
            .map(|c| c.0.clone())
            .ok_or(AppError::Forbidden)?,
    };
    if atlas.level_of(&area) != Some(Level::Street) {
        return Err(AppError::NotFound);
    }
    may_edit(viewer, atlas.place_of(&area).unwrap_or_default())?;
    let communities = atlas
        .children(&area)
        .into_iter()
        .filter_map(|c| Some((c.clone(), atlas.name_of(&c)?.to_string())))
        .collect();
    let changes = db::changes(&state.db, Some(&area), HISTORY)
        .await?
        .into_iter()
        .map(view_of)
        .collect();
    Ok(BoundaryDesk {
        area,
        choices,
        communities,
        changes,
    })
}

/// A grid's stored outline and its stamp, for the editor.
pub async fn outline(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
) -> Result<GridOutline, AppError> {
    let atlas = state.atlas();
    let (code, place) = grid_place(&atlas, code)?;
    may_edit(viewer, place.clone())?;
    let text = db::stored_outline(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let parts = boundary::parse_stored(&text)
        .map(|s| edit::parts_of(&s))
        .unwrap_or_default();
    Ok(GridOutline {
        name: atlas.name_of(&code).unwrap_or_default().to_string(),
        community: place.community.unwrap_or_default(),
        code,
        parts,
        stamp: stamp(&text),
    })
}

/// One change with its outlines before and after.
pub async fn detail(state: &AppState, viewer: &Viewer, id: i64) -> Result<ChangeDetail, AppError> {
    let (change, versions) = db::change(&state.db, id).await?.ok_or(AppError::NotFound)?;
    may_edit(viewer, street_place(&change))?;
    let rings = |text: &str| -> Vec<Vec<[f64; 2]>> {
        boundary::parse_stored(text)
            .map(|s| edit::parts_of(&s).into_iter().flatten().collect())
            .unwrap_or_default()
    };
    Ok(ChangeDetail {
        versions: versions
            .iter()
            .map(|v| VersionView {
                grid: v.grid.clone(),
                before: rings(&v.before),
                after: rings(&v.after),
            })
            .collect(),
        change: view_of(change),
    })
}

fn street_place(change: &ChangeRow) -> Place {
    Place {
        street: change.street_code.clone(),
        ..Default::default()
    }
}

/// An outline the editor sent, checked like an imported one (off the async workers).
async fn checked_geometry(g: serde_json::Value) -> Result<(MultiPolygon<f64>, String), AppError> {
    off(move || edit::checked(&g)).await?.map_err(refused)
}

/// What an edit will write, before it is checked against the others.
struct Plan {
    kind: ChangeKind,
    street: Option<String>,
    writes: Vec<GridWrite>,
    /// The community of each new grid, for placing the cases it receives.
    new_grids: Vec<(String, String)>,
}

/// Saves one edit.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn save(
    state: &AppState,
    viewer: &Viewer,
    edit: BoundaryEdit,
) -> Result<BoundaryOutcome, AppError> {
    // Checked against this server's map; when the geography moved on
    // meanwhile (another edit, another server) the map is brought up to
    // date and the edit worked out again, once.
    for _ in 0..2 {
        let atlas = state.atlas();
        let plan = plan(state, &atlas, viewer, edit.clone()).await?;
        let change = ChangeWrite {
            kind: plan.kind.as_str().to_string(),
            street: plan.street.clone(),
            actor_id: viewer.id,
            actor_name: viewer.name.clone(),
            restores: None,
        };
        match write(state, &atlas, viewer, change, plan.writes, &plan.new_grids).await? {
            Ok(done) => return Ok(done),
            Err(Saved::Stale(grid)) => {
                return Err(refused(BoundaryProblem::ChangedMeanwhile { grid }))
            }
            Err(Saved::Moved) => {
                state.sync_atlas().await?;
            }
            Err(_) => return Err(refused(BoundaryProblem::AlreadyUndone)),
        }
    }
    Err(refused(BoundaryProblem::MapChanged))
}

/// Works out an edit's outlines: permission first, then the shapes.
async fn plan(
    state: &AppState,
    atlas: &Atlas,
    viewer: &Viewer,
    edit: BoundaryEdit,
) -> Result<Plan, AppError> {
    let kind = edit.kind();
    // The outline the editor loaded, still as stored (the store checks
    // again as it writes; this answers a stale editor before any work).
    let stored = |code: String, seen: String| async move {
        let text = db::stored_outline(&state.db, &code)
            .await?
            .ok_or(AppError::NotFound)?;
        if stamp(&text) != seen {
            return Err(refused(BoundaryProblem::ChangedMeanwhile { grid: code }));
        }
        let shape = boundary::parse_stored(&text).ok_or(AppError::WrongState)?;
        Ok::<_, AppError>((shape, text))
    };
    let checked = |shape: &MultiPolygon<f64>| {
        let g = boundary::to_geojson_fine(shape);
        async move { off(move || edit::checked(&g)).await?.map_err(refused) }
    };
    // A new grid's code must never have been used: a retired grid's code
    // still names its grants, cases and records.
    let free = |code: &str| {
        if atlas.level_of(code).is_some() {
            Err(refused(BoundaryProblem::CodeTaken(code.to_string())))
        } else {
            Ok(())
        }
    };
    match edit {
        BoundaryEdit::Reshape { grid, parts, stamp } => {
            let (grid, place) = grid_place(atlas, &grid)?;
            may_edit(viewer, place.clone())?;
            let (_, text) = checked_geometry(edit::geometry_of(&parts)).await?;
            if stored(grid.clone(), stamp.clone()).await?.1 == text {
                return Err(refused(BoundaryProblem::NoChange));
            }
            Ok(Plan {
                kind,
                street: place.street,
                writes: vec![GridWrite {
                    code: grid,
                    boundary: text,
                    expect: Some(stamp),
                    new: None,
                }],
                new_grids: Vec::new(),
            })
        }
        BoundaryEdit::Draw {
            grid,
            name,
            kind: grid_kind,
            community,
            ring,
        } => {
            let community = community.trim().to_ascii_uppercase();
            if atlas.level_of(&community) != Some(Level::Community) {
                return Err(AppError::NotFound);
            }
            let place = atlas.place_of(&community).unwrap_or_default();
            may_edit(viewer, place.clone())?;
            let code = new_grid_problem(&grid, &name).map_err(refused)?;
            free(&code)?;
            let (_, text) = checked_geometry(edit::geometry_of(&[vec![ring]])).await?;
            Ok(Plan {
                kind,
                street: place.street,
                writes: vec![GridWrite {
                    code: code.clone(),
                    boundary: text,
                    expect: None,
                    new: Some(NewGrid {
                        name: name.trim().to_string(),
                        kind: grid_kind,
                        community: community.clone(),
                    }),
                }],
                new_grids: vec![(code, community)],
            })
        }
        BoundaryEdit::Split {
            grid,
            line,
            new_grid,
            new_name,
            stamp,
        } => {
            let (grid, place) = grid_place(atlas, &grid)?;
            may_edit(viewer, place.clone())?;
            let code = new_grid_problem(&new_grid, &new_name).map_err(refused)?;
            free(&code)?;
            if line.len() > MAX_LINE_POINTS {
                return Err(refused(BoundaryProblem::TooManyPoints));
            }
            let (shape, _) = stored(grid.clone(), stamp.clone()).await?;
            if !line.iter().all(|p| valid_lat_lng(p[0], p[1])) {
                return Err(AppError::invalid(
                    Field::Coordinates,
                    InputProblem::OutOfRange,
                ));
            }
            let (keep, cut) = off(move || edit::split(&shape, &line))
                .await?
                .map_err(refused)?;
            let (_, keep) = checked(&keep).await?;
            let (_, cut) = checked(&cut).await?;
            let community = place.community.clone().unwrap_or_default();
            Ok(Plan {
                kind,
                street: place.street,
                writes: vec![
                    GridWrite {
                        code: grid.clone(),
                        boundary: keep,
                        expect: Some(stamp),
                        new: None,
                    },
                    GridWrite {
                        code: code.clone(),
                        boundary: cut,
                        expect: None,
                        new: Some(NewGrid {
                            name: new_name.trim().to_string(),
                            kind: atlas
                                .grid_kind(&grid)
                                .unwrap_or(crate::domain::geography::GridKind::Base),
                            community: community.clone(),
                        }),
                    },
                ],
                new_grids: vec![(code, community)],
            })
        }
        BoundaryEdit::Merge {
            grid,
            other,
            stamp,
            other_stamp,
        } => {
            let (grid, place) = grid_place(atlas, &grid)?;
            let (other, other_place) = grid_place(atlas, &other)?;
            may_edit(viewer, place.clone())?;
            may_edit(viewer, other_place.clone())?;
            if grid == other {
                return Err(refused(BoundaryProblem::NoChange));
            }
            if place.community != other_place.community {
                return Err(refused(BoundaryProblem::OtherCommunity { grid, other }));
            }
            let other_id = atlas.region_id(&other).ok_or(AppError::NotFound)?;
            let (staff, households) = db::holdings(&state.db, other_id, &other).await?;
            if staff + households > 0 {
                return Err(refused(BoundaryProblem::StillHolds {
                    grid: other,
                    staff,
                    households,
                }));
            }
            let (a, _) = stored(grid.clone(), stamp.clone()).await?;
            let (b, _) = stored(other.clone(), other_stamp.clone()).await?;
            let codes = (grid.clone(), other.clone());
            let joined = off(move || edit::merge(&a, &b, (&codes.0, &codes.1)))
                .await?
                .map_err(refused)?;
            let (_, text) = checked(&joined).await?;
            Ok(Plan {
                kind,
                street: place.street,
                writes: vec![
                    GridWrite {
                        code: grid,
                        boundary: text,
                        expect: Some(stamp),
                        new: None,
                    },
                    GridWrite {
                        code: other,
                        boundary: String::new(),
                        expect: Some(other_stamp),
                        new: None,
                    },
                ],
                new_grids: Vec::new(),
            })
        }
    }
}

/// Undoes a change by restoring the outlines it replaced. Refused when one
/// of its grids changed again since (undo the later change first).
#[tracing::instrument(skip_all, fields(user = viewer.id, change = id))]
pub async fn undo(state: &AppState, viewer: &Viewer, id: i64) -> Result<BoundaryOutcome, AppError> {
    let (change, versions) = db::change(&state.db, id).await?.ok_or(AppError::NotFound)?;
    may_edit(viewer, street_place(&change))?;
    let atlas = state.atlas();
    for v in &versions {
        may_edit(viewer, atlas.place_of(&v.grid).unwrap_or_default())?;
    }
    if change.undone_by.is_some() {
        return Err(refused(BoundaryProblem::AlreadyUndone));
    }
    let writes = versions
        .iter()
        .rev()
        .map(|v| GridWrite {
            code: v.grid.clone(),
            boundary: v.before.clone(),
            expect: Some(stamp(&v.after)),
            new: None,
        })
        .collect();
    let restore = ChangeWrite {
        kind: ChangeKind::Restore.as_str().to_string(),
        street: change.street_code.clone(),
        actor_id: viewer.id,
        actor_name: viewer.name.clone(),
        restores: Some(id),
    };
    match write(state, &atlas, viewer, restore, writes, &[]).await? {
        Ok(done) => Ok(done),
        Err(Saved::Stale(grid)) => Err(refused(BoundaryProblem::LaterChange { grid })),
        // Checked against an older map: the next try sees the new one.
        Err(Saved::Moved) => {
            state.sync_atlas().await?;
            Err(refused(BoundaryProblem::MapChanged))
        }
        Err(_) => Err(refused(BoundaryProblem::AlreadyUndone)),
    }
}

/// Checks the new outlines against every other grid, works out which open
/// cases change grid, writes it all, then rebuilds the atlas and tells the
/// cases' new owners. A grid left without an outline (merged away, an undone
/// draw or split) must hold nobody and nothing, and no open case that no
/// other grid would take.
async fn write(
    state: &AppState,
    atlas: &Arc<Atlas>,
    viewer: &Viewer,
    change: ChangeWrite,
    writes: Vec<GridWrite>,
    new_grids: &[(String, String)],
) -> Result<Result<BoundaryOutcome, Saved>, AppError> {
    for w in writes.iter().filter(|w| w.boundary.is_empty()) {
        let Some(id) = atlas.region_id(&w.code) else {
            continue;
        };
        let (staff, households) = db::holdings(&state.db, id, &w.code).await?;
        if staff + households > 0 {
            return Err(refused(BoundaryProblem::StillHolds {
                grid: w.code.clone(),
                staff,
                households,
            }));
        }
    }
    let shapes: Vec<(String, Option<MultiPolygon<f64>>)> = writes
        .iter()
        .map(|w| (w.code.clone(), boundary::parse_stored(&w.boundary)))
        .collect();
    let regions: Vec<NewRegion> = writes
        .iter()
        .map(|w| NewRegion {
            level: Level::Grid,
            code: w.code.clone(),
            name: String::new(),
            parent_code: None,
            kind: None,
            category: String::new(),
            households: 0,
            residents: 0,
            boundary: w.boundary.clone(),
        })
        .collect();
    let everyone = atlas.clone();
    off(move || import::refuse_overlaps(&regions, &everyone))
        .await?
        .map_err(|e| refused(BoundaryProblem::Shape(e.problem)))?;
    let (moves, stranded) = moves(state, atlas, viewer, &change, &shapes, new_grids).await?;
    let retiring: Vec<&str> = writes
        .iter()
        .filter(|w| w.boundary.is_empty())
        .map(|w| w.code.as_str())
        .collect();
    if let Some(grid) = retiring.iter().find(|g| stranded.iter().any(|s| s == *g)) {
        return Err(refused(BoundaryProblem::CasesLeft {
            grid: grid.to_string(),
            cases: stranded.iter().filter(|s| s == grid).count() as u64,
        }));
    }
    let saved = db::save(
        &state.db,
        atlas.version(),
        &change,
        &writes,
        &moves,
        Utc::now(),
    )
    .await?;
    let Saved::Done { change: id, moved } = saved else {
        return Ok(Err(saved));
    };
    // Written: what follows must not make a saved change look refused.
    if let Err(e) = state.refresh_atlas().await {
        tracing::error!(error = %e, "atlas rebuild after a boundary change (the 5 s watch retries)");
    }
    let grids: Vec<String> = writes.iter().map(|w| w.code.clone()).collect();
    if let Err(e) = record(
        state,
        viewer,
        AuditAction::BoundaryChanged,
        Target::new("boundary_change", id).in_street(change.street.clone()),
        format!(
            "{} {}; cases moved {}",
            change.kind,
            grids.join(","),
            moved.len()
        ),
    )
    .await
    {
        tracing::error!(error = ?e, change = id, "audit line of a saved boundary change");
    }
    for case in &moved {
        if let Ok(Some(row)) = case_by_id(&state.db, *case).await {
            announce(state, &row);
            tell_owner(state, viewer, &row).await;
        }
    }
    Ok(Ok(BoundaryOutcome {
        change_id: id,
        grids,
        moved_cases: moved.len(),
    }))
}

/// The open cases whose grid changes with these outlines: a point inside
/// a changed grid's new outline goes there; a point that was in a changed
/// grid and is now outside every new outline goes to whichever other grid
/// holds it. Only cases of the changed grids, of the change's street or of
/// no grid move: a case another street holds stays with it. Also answers the
/// grids of the changed cases that no grid would take (they stay put).
async fn moves(
    state: &AppState,
    atlas: &Atlas,
    viewer: &Viewer,
    change: &ChangeWrite,
    shapes: &[(String, Option<MultiPolygon<f64>>)],
    new_grids: &[(String, String)],
) -> Result<(Vec<CaseMove>, Vec<String>), AppError> {
    let codes: Vec<String> = shapes.iter().map(|(c, _)| c.clone()).collect();
    let mut bbox: Option<[f64; 4]> = None;
    let boxes = shapes
        .iter()
        .filter_map(|(_, s)| s.as_ref()?.bounding_rect())
        .map(|r| [r.min().y, r.min().x, r.max().y, r.max().x])
        .chain(codes.iter().filter_map(|c| atlas.bbox_of(c)))
        .filter(|b| *b != [0.0; 4]);
    for b in boxes {
        bbox = Some(match bbox {
            None => b,
            Some(a) => [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ],
        });
    }
    let Some(bbox) = bbox else {
        return Ok((Vec::new(), Vec::new()));
    };
    let nearby = db::open_cases_near(&state.db, &codes, bbox).await?;
    let (mut out, mut stranded) = (Vec::new(), Vec::new());
    let mut rosters: HashMap<String, Vec<(i64, StaffPosition)>> = HashMap::new();
    for case in nearby {
        let ours = match &case.grid_code {
            None => true,
            Some(g) => codes.contains(g) || case.street_code == change.street,
        };
        if !ours {
            continue;
        }
        let point = Point::new(case.lng, case.lat);
        let now_in = shapes
            .iter()
            .find(|(_, s)| s.as_ref().is_some_and(|s| s.intersects(&point)))
            .map(|(c, _)| c.clone())
            .or_else(|| {
                atlas
                    .locate(case.lat, case.lng)
                    .map(|g| g.code.clone())
                    .filter(|c| !codes.contains(c))
            });
        let Some(grid) = now_in else {
            stranded.extend(case.grid_code.clone());
            continue;
        };
        if case.grid_code.as_deref() == Some(grid.as_str()) {
            continue;
        }
        let place = match new_grids.iter().find(|(g, _)| *g == grid) {
            Some((_, community)) => Place {
                grid: Some(grid.clone()),
                community: Some(community.clone()),
                street: atlas.place_of(community).and_then(|p| p.street),
            },
            None => atlas.place_of(&grid).unwrap_or_default(),
        };
        // Each target grid's roster read once, however many cases go there.
        if !rosters.contains_key(&grid) {
            let roster: Vec<_> = candidates(state, &grid)
                .await?
                .into_iter()
                .map(|s| (s.user_id, s.position))
                .collect();
            rosters.insert(grid.clone(), roster);
        }
        let owner = policy::owner_among(&rosters[&grid], case.owner_id);
        let from = case.grid_code.clone().unwrap_or_default();
        out.push(CaseMove {
            id: case.id,
            from: case.grid_code.clone(),
            // The compounds stay with their grid: a case keeps the company
            // it was with unless the new grid has a compound around it.
            company: atlas
                .company_at(&grid, case.lat, case.lng)
                .or(case.company_id),
            community: place.community.clone(),
            street: place.street.clone(),
            owner,
            event: NewEvent {
                actor_id: Some(viewer.id),
                actor_name: viewer.name.clone(),
                actor_role: acting_role(viewer, &place).as_str().to_string(),
                action: "rehome".into(),
                from_status: Some(case.status),
                to_status: case.status,
                // Codes only: grids are public, and the timeline shows it.
                note: format!("{from} → {grid}"),
                public: true,
            },
            grid,
        });
    }
    Ok((out, stranded))
}
