//! Version counters shared by every server instance through the database.

use super::entities::meta;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};

/// The geography (boundaries and public rosters) the atlas is built from.
pub const GEOGRAPHY: &str = "geography";
/// 1 once the ID numbers stored before sealing began were sealed.
pub const IDS_SEALED: &str = "ids_sealed";

/// Increments a counter; call inside the transaction that made the change.
pub async fn bump(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    meta::Entity::insert(meta::ActiveModel {
        key: Set(key.to_string()),
        value: Set(1),
    })
    .on_conflict(
        OnConflict::column(meta::Column::Key)
            .value(
                meta::Column::Value,
                Expr::col((meta::Entity, meta::Column::Value)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn version(db: &impl ConnectionTrait, key: &str) -> Result<i64, DbErr> {
    Ok(meta::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
        .map(|m| m.value)
        .unwrap_or(0))
}

/// Sets a named number (e.g. a time limit).
pub async fn set(db: &impl ConnectionTrait, key: &str, value: i64) -> Result<(), DbErr> {
    meta::Entity::insert(meta::ActiveModel {
        key: Set(key.to_string()),
        value: Set(value),
    })
    .on_conflict(
        OnConflict::column(meta::Column::Key)
            .update_column(meta::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
