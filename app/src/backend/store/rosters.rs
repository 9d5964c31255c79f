//! Grid rosters (网格力量) changed by admins. A place on a grid's roster and
//! the matching grid role go together, so each change writes both in one
//! transaction: nobody keeps a grid role for a grid they left, or sits on a
//! roster without the rights the position needs.

use super::entities::{grid_staff, role_grant};
use crate::domain::auth::Role;
use crate::domain::geography::StaffPosition;
use crate::domain::staff::role_for;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

/// A grid by its store id and its code (grants name grids by code).
#[derive(Clone, Copy, Debug)]
pub struct GridRef<'a> {
    pub id: i64,
    pub code: &'a str,
}

const GRID_ROLES: [Role; 3] = [Role::GridWorker, Role::GridLeader, Role::Instructor];

async fn drop_grid_roles(
    db: &impl ConnectionTrait,
    user_id: i64,
    grid: GridRef<'_>,
) -> Result<(), DbErr> {
    role_grant::Entity::delete_many()
        .filter(role_grant::Column::UserId.eq(user_id))
        .filter(role_grant::Column::ScopeKind.eq("grid"))
        .filter(role_grant::Column::ScopeRef.eq(grid.code))
        .filter(role_grant::Column::Role.is_in(GRID_ROLES.map(Role::as_str)))
        .exec(db)
        .await?;
    Ok(())
}

async fn put(
    db: &impl ConnectionTrait,
    user_id: i64,
    grid: GridRef<'_>,
    position: StaffPosition,
    duties: &str,
) -> Result<(), DbErr> {
    drop_grid_roles(db, user_id, grid).await?;
    role_grant::ActiveModel {
        user_id: Set(user_id),
        role: Set(role_for(position).as_str().to_string()),
        scope_kind: Set("grid".into()),
        scope_ref: Set(grid.code.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let rows = grid_staff::Entity::find()
        .filter(grid_staff::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    // Consent to a public phone is the person's, whichever grid they are on.
    let consented = rows.iter().any(|r| r.show_phone);
    match rows.into_iter().find(|r| r.grid_id == grid.id) {
        Some(row) => {
            let mut row: grid_staff::ActiveModel = row.into();
            row.position = Set(position.as_str().to_string());
            row.duties = Set(duties.to_string());
            row.update(db).await?;
        }
        None => {
            grid_staff::ActiveModel {
                grid_id: Set(grid.id),
                user_id: Set(user_id),
                position: Set(position.as_str().to_string()),
                duties: Set(duties.to_string()),
                show_phone: Set(consented),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

async fn take_off(
    db: &impl ConnectionTrait,
    user_id: i64,
    grid: GridRef<'_>,
) -> Result<Option<grid_staff::Model>, DbErr> {
    drop_grid_roles(db, user_id, grid).await?;
    let row = grid_staff::Entity::find()
        .filter(grid_staff::Column::UserId.eq(user_id))
        .filter(grid_staff::Column::GridId.eq(grid.id))
        .one(db)
        .await?;
    if let Some(r) = &row {
        grid_staff::Entity::delete_by_id(r.id).exec(db).await?;
    }
    Ok(row)
}

/// Puts a person on a grid in `position` (or changes their position and
/// duties there), with that position's role at the grid instead of any
/// other grid role they held there.
pub async fn set<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: i64,
    grid: GridRef<'_>,
    position: StaffPosition,
    duties: &str,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    put(&txn, user_id, grid, position, duties).await?;
    super::meta::bump(&txn, super::meta::GEOGRAPHY).await?;
    txn.commit().await
}

/// Takes a person off a grid with their grid roles there; false when they
/// were not on it.
pub async fn remove<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: i64,
    grid: GridRef<'_>,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let was = take_off(&txn, user_id, grid).await?.is_some();
    super::meta::bump(&txn, super::meta::GEOGRAPHY).await?;
    txn.commit().await?;
    Ok(was)
}

/// Moves a person, position and duties, from one grid to another; the
/// position they had, or `None` when they were not on `from`.
pub async fn relocate<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: i64,
    from: GridRef<'_>,
    to: GridRef<'_>,
) -> Result<Option<StaffPosition>, DbErr> {
    let txn = db.begin().await?;
    let Some(row) = take_off(&txn, user_id, from).await? else {
        return Ok(None);
    };
    let position = StaffPosition::parse(&row.position).unwrap_or(StaffPosition::PartTime);
    put(&txn, user_id, to, position, &row.duties).await?;
    super::meta::bump(&txn, super::meta::GEOGRAPHY).await?;
    txn.commit().await?;
    Ok(Some(position))
}
