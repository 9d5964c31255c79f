//! Boundary changes and their versions (issue 12). A change, its grids'
//! outlines, the open cases it moves to another grid and the geography
//! version are written in one transaction: all of it lands or none.

use super::cases::{append, row as case_row, CaseRow, NewEvent};
use super::entities::{
    boundary_change, boundary_version, case_record, grid_staff, household, region, role_grant,
};
use crate::domain::boundary::stamp;
use crate::domain::case::CaseStatus;
use crate::domain::geography::{GridKind, Level};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

/// A change as stored, with the codes of the grids it touched.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeRow {
    pub id: i64,
    pub kind: String,
    pub street_code: Option<String>,
    pub actor_id: i64,
    pub actor_name: String,
    pub created_at: DateTime<Utc>,
    pub undone_by: Option<i64>,
    pub restores: Option<i64>,
    pub grids: Vec<String>,
}

/// One grid's outline before and after a change.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionRow {
    pub grid: String,
    pub before: String,
    pub after: String,
}

/// A new grid's facts (a drawn grid, the new side of a split).
#[derive(Clone, Debug, PartialEq)]
pub struct NewGrid {
    pub name: String,
    pub kind: GridKind,
    pub community: String,
}

/// One grid's new outline. `expect` is the stamp its stored outline must
/// still have (none: a new grid, whose code must be free or retired).
#[derive(Clone, Debug, PartialEq)]
pub struct GridWrite {
    pub code: String,
    pub boundary: String,
    pub expect: Option<String>,
    pub new: Option<NewGrid>,
}

/// An open case whose point now lies in another grid.
#[derive(Clone, Debug)]
pub struct CaseMove {
    pub id: i64,
    pub from: Option<String>,
    pub grid: String,
    pub community: Option<String>,
    pub street: Option<String>,
    pub owner: Option<i64>,
    pub company: Option<i64>,
    pub event: NewEvent,
}

/// Who made a change, and what it undoes.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeWrite {
    pub kind: String,
    pub street: Option<String>,
    pub actor_id: i64,
    pub actor_name: String,
    pub restores: Option<i64>,
}

/// How a write ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Saved {
    /// The change's id and the cases that moved.
    Done { change: i64, moved: Vec<i64> },
    /// This grid's outline is not the one expected (or its code is taken).
    Stale(String),
    /// The change to undo was undone meanwhile.
    Undone,
    /// The geography changed after `seen` was read (another edit, a roster
    /// change, another server): the checks ran against an older map.
    Moved,
}

/// Writes a change. Nothing is written unless the geography is still at
/// version `seen` (the one the overlap check and the case moves were worked
/// out on) and every grid still has the outline it was edited from.
pub async fn save<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    seen: i64,
    change: &ChangeWrite,
    grids: &[GridWrite],
    moves: &[CaseMove],
    now: DateTime<Utc>,
) -> Result<Saved, DbErr> {
    let txn = db.begin().await?;
    // The version bump first: it is a write (SQLite takes its write lock
    // now, so a concurrent edit waits instead of failing to upgrade its
    // snapshot) and on PostgreSQL it locks the version row until commit, so
    // geography writes go one at a time and each sees the one before.
    super::meta::bump(&txn, super::meta::GEOGRAPHY).await?;
    if super::meta::version(&txn, super::meta::GEOGRAPHY).await? != seen + 1 {
        return Ok(Saved::Moved);
    }
    let id = boundary_change::ActiveModel {
        kind: Set(change.kind.clone()),
        street_code: Set(change.street.clone()),
        actor_id: Set(change.actor_id),
        actor_name: Set(change.actor_name.clone()),
        created_at: Set(now),
        undone_by: Set(None),
        restores: Set(change.restores),
        ..Default::default()
    }
    .insert(&txn)
    .await?
    .id;
    for g in grids {
        let found = region::Entity::find()
            .filter(region::Column::Code.eq(g.code.as_str()))
            .one(&txn)
            .await?;
        let before = match (&found, &g.expect, &g.new) {
            (Some(r), Some(want), None) if stamp(&r.boundary) == *want => r.boundary.clone(),
            // A new grid takes a code never used: an old code still names
            // the grants, cases and records of the grid it was.
            (None, None, Some(_)) => String::new(),
            _ => return Ok(Saved::Stale(g.code.clone())),
        };
        let mut am = match found {
            Some(r) => {
                let mut am: region::ActiveModel = r.into();
                am.boundary = Set(g.boundary.clone());
                am
            }
            None => region::ActiveModel {
                level: Set(Level::Grid.as_str().to_string()),
                code: Set(g.code.clone()),
                category: Set(String::new()),
                households: Set(0),
                residents: Set(0),
                boundary: Set(g.boundary.clone()),
                ..Default::default()
            },
        };
        if let Some(n) = &g.new {
            let parent = region::Entity::find()
                .filter(region::Column::Code.eq(n.community.as_str()))
                .one(&txn)
                .await?
                .ok_or_else(|| DbErr::Custom(format!("unknown community {}", n.community)))?;
            am.name = Set(n.name.clone());
            am.kind = Set(Some(n.kind.as_str().to_string()));
            am.parent_id = Set(Some(parent.id));
        }
        am.save(&txn).await?;
        boundary_version::ActiveModel {
            change_id: Set(id),
            region_code: Set(g.code.clone()),
            before: Set(before),
            after: Set(g.boundary.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    if let Some(undone) = change.restores {
        let res = boundary_change::Entity::update_many()
            .col_expr(boundary_change::Column::UndoneBy, Expr::value(id))
            .filter(boundary_change::Column::Id.eq(undone))
            .filter(boundary_change::Column::UndoneBy.is_null())
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Ok(Saved::Undone);
        }
    }
    let open = open_statuses();
    let mut moved = Vec::new();
    for m in moves {
        // Still open and still where it was read: a case closed or moved
        // meanwhile stays as it is.
        let res = case_record::Entity::update_many()
            .col_expr(case_record::Column::GridCode, Expr::value(m.grid.clone()))
            .col_expr(
                case_record::Column::CommunityCode,
                Expr::value(m.community.clone()),
            )
            .col_expr(
                case_record::Column::StreetCode,
                Expr::value(m.street.clone()),
            )
            .col_expr(case_record::Column::OwnerId, Expr::value(m.owner))
            .col_expr(case_record::Column::CompanyId, Expr::value(m.company))
            .col_expr(
                case_record::Column::Version,
                Expr::col(case_record::Column::Version).add(1),
            )
            .col_expr(case_record::Column::UpdatedAt, Expr::value(now))
            .filter(case_record::Column::Id.eq(m.id))
            .filter(case_record::Column::Status.is_in(open.clone()))
            .filter(match &m.from {
                Some(g) => case_record::Column::GridCode.eq(g.as_str()),
                None => case_record::Column::GridCode.is_null(),
            })
            .exec(&txn)
            .await?;
        if res.rows_affected == 1 {
            append(&txn, m.id, &m.event, now).await?;
            moved.push(m.id);
        }
    }
    txn.commit().await?;
    Ok(Saved::Done { change: id, moved })
}

fn open_statuses() -> Vec<&'static str> {
    CaseStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(CaseStatus::as_str)
        .collect()
}

/// Open cases in these grids or inside this box (`[south, west, north,
/// east]`): the ones an edit may move.
pub async fn open_cases_near(
    db: &impl ConnectionTrait,
    grids: &[String],
    bbox: [f64; 4],
) -> Result<Vec<CaseRow>, DbErr> {
    let inside = Condition::all()
        .add(case_record::Column::Lat.between(bbox[0], bbox[2]))
        .add(case_record::Column::Lng.between(bbox[1], bbox[3]));
    Ok(case_record::Entity::find()
        .filter(case_record::Column::Status.is_in(open_statuses()))
        .filter(
            Condition::any()
                .add(case_record::Column::GridCode.is_in(grids.iter().map(String::as_str)))
                .add(inside),
        )
        .order_by_asc(case_record::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(case_row)
        .collect())
}

/// What still hangs on a grid: people on its roster or holding a role
/// scoped to it, household records.
pub async fn holdings(
    db: &impl ConnectionTrait,
    grid_id: i64,
    grid: &str,
) -> Result<(u64, u64), DbErr> {
    let rostered = grid_staff::Entity::find()
        .filter(grid_staff::Column::GridId.eq(grid_id))
        .count(db)
        .await?;
    let granted = role_grant::Entity::find()
        .filter(role_grant::Column::ScopeKind.eq("grid"))
        .filter(role_grant::Column::ScopeRef.eq(grid))
        .count(db)
        .await?;
    let staff = std::cmp::max(rostered, granted);
    let households = household::Entity::find()
        .filter(household::Column::GridCode.eq(grid))
        .count(db)
        .await?;
    Ok((staff, households))
}

/// A grid's outline as stored (empty: retired), if the code is a region.
pub async fn stored_outline(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<String>, DbErr> {
    Ok(region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await?
        .map(|r| r.boundary))
}

async fn with_grids(
    db: &impl ConnectionTrait,
    changes: Vec<boundary_change::Model>,
) -> Result<Vec<ChangeRow>, DbErr> {
    let versions = boundary_version::Entity::find()
        .filter(boundary_version::Column::ChangeId.is_in(changes.iter().map(|c| c.id)))
        .order_by_asc(boundary_version::Column::Id)
        .all(db)
        .await?;
    Ok(changes
        .into_iter()
        .map(|c| ChangeRow {
            grids: versions
                .iter()
                .filter(|v| v.change_id == c.id)
                .map(|v| v.region_code.clone())
                .collect(),
            id: c.id,
            kind: c.kind,
            street_code: c.street_code,
            actor_id: c.actor_id,
            actor_name: c.actor_name,
            created_at: c.created_at,
            undone_by: c.undone_by,
            restores: c.restores,
        })
        .collect())
}

/// The latest changes, newest first: of one street, or (`None`) all.
pub async fn changes(
    db: &impl ConnectionTrait,
    street: Option<&str>,
    limit: u64,
) -> Result<Vec<ChangeRow>, DbErr> {
    let mut q = boundary_change::Entity::find();
    if let Some(s) = street {
        q = q.filter(boundary_change::Column::StreetCode.eq(s));
    }
    let found = q
        .order_by_desc(boundary_change::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    with_grids(db, found).await
}

/// One change with its versions.
pub async fn change(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(ChangeRow, Vec<VersionRow>)>, DbErr> {
    let Some(found) = boundary_change::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let versions = boundary_version::Entity::find()
        .filter(boundary_version::Column::ChangeId.eq(id))
        .order_by_asc(boundary_version::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|v| VersionRow {
            grid: v.region_code,
            before: v.before,
            after: v.after,
        })
        .collect();
    let row = with_grids(db, vec![found]).await?.pop();
    Ok(row.map(|r| (r, versions)))
}
