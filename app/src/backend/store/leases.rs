//! Named leases: a job that must run on one server at a time (the deadline
//! sweep) is run by whoever holds its lease. Taking one is a single
//! conditional write, atomic on SQLite and PostgreSQL alike.

use super::entities::lease;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

/// Takes (or renews) the lease `name` for `holder` until `until`: true when
/// `holder` has it now. It is free when nobody ever took it, when its time
/// ran out, or when `holder` already has it.
pub async fn take(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let renewed = lease::Entity::update_many()
        .col_expr(lease::Column::Holder, Expr::value(holder))
        .col_expr(lease::Column::Until, Expr::value(until))
        .filter(lease::Column::Name.eq(name))
        .filter(
            Condition::any()
                .add(lease::Column::Holder.eq(holder))
                .add(lease::Column::Until.lt(now)),
        )
        .exec(db)
        .await?;
    if renewed.rows_affected == 1 {
        return Ok(true);
    }
    // Never taken: the first insert wins; a second one changes nothing.
    let inserted = lease::Entity::insert(lease::ActiveModel {
        name: Set(name.to_string()),
        holder: Set(holder.to_string()),
        until: Set(until),
    })
    .on_conflict(
        OnConflict::column(lease::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}
