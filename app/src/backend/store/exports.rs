//! Pages of the rows an export writes, in id order (keyset: a page costs the
//! same at the millionth row as at the first).

use super::assessment::CaseSet;
use super::entities::{case_record, patrol, patrol_visit, user};
use super::patrols::PatrolRow;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

fn area_condition<C: ColumnTrait>(
    area: &Option<(&'static str, String)>,
    grid: C,
    community: C,
    street: C,
) -> Condition {
    match area {
        Some(("grid_code", c)) => Condition::all().add(grid.eq(c.clone())),
        Some(("community_code", c)) => Condition::all().add(community.eq(c.clone())),
        Some(("street_code", c)) => Condition::all().add(street.eq(c.clone())),
        _ => Condition::all(),
    }
}

/// Every case of the set's area, period and category (all statuses: the
/// export shows each case's).
fn cases(set: &CaseSet) -> sea_orm::Select<case_record::Entity> {
    use case_record::Column as C;
    let mut q = case_record::Entity::find()
        .filter(area_condition(
            &set.area,
            C::GridCode,
            C::CommunityCode,
            C::StreetCode,
        ))
        .filter(C::CreatedAt.gte(set.from))
        .filter(C::CreatedAt.lt(set.to));
    if let Some(c) = set.category_id {
        q = q.filter(C::CategoryId.eq(c));
    }
    q
}

pub async fn count_cases(db: &impl ConnectionTrait, set: &CaseSet) -> Result<u64, DbErr> {
    cases(set).count(db).await
}

pub async fn case_page(
    db: &impl ConnectionTrait,
    set: &CaseSet,
    after: i64,
    limit: u64,
) -> Result<Vec<super::cases::CaseRow>, DbErr> {
    let ids: Vec<i64> = cases(set)
        .filter(case_record::Column::Id.gt(after))
        .order_by_asc(case_record::Column::Id)
        .limit(limit)
        .select_only()
        .column(case_record::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            case_record::Entity::find()
                .filter(case_record::Column::Id.is_in(chunk.to_vec()))
                .order_by_asc(case_record::Column::Id)
                .all(db)
                .await?
                .into_iter()
                .map(super::cases::from_model),
        );
    }
    Ok(out)
}

fn patrols(
    area: &Option<(&'static str, String)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sea_orm::Select<patrol::Entity> {
    use patrol::Column as P;
    patrol::Entity::find()
        .filter(area_condition(
            area,
            P::GridCode,
            P::CommunityCode,
            P::StreetCode,
        ))
        .filter(P::StartedAt.gte(from))
        .filter(P::StartedAt.lt(to))
}

pub async fn count_patrols(
    db: &impl ConnectionTrait,
    area: &Option<(&'static str, String)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<u64, DbErr> {
    patrols(area, from, to).count(db).await
}

/// A page of patrols with their worker's name and how many visits each logged.
pub async fn patrol_page(
    db: &impl ConnectionTrait,
    area: &Option<(&'static str, String)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after: i64,
    limit: u64,
) -> Result<Vec<(PatrolRow, String, u64)>, DbErr> {
    let rows: Vec<PatrolRow> = patrols(area, from, to)
        .filter(patrol::Column::Id.gt(after))
        .order_by_asc(patrol::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(super::patrols::from_model)
        .collect();
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let users: Vec<i64> = rows.iter().map(|p| p.user_id).collect();
    let names: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(users))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let visits: Vec<(i64, i64)> = patrol_visit::Entity::find()
        .filter(patrol_visit::Column::PatrolId.is_in(ids))
        .select_only()
        .column(patrol_visit::Column::PatrolId)
        .column_as(patrol_visit::Column::Id.count(), "n")
        .group_by(patrol_visit::Column::PatrolId)
        .into_tuple()
        .all(db)
        .await?;
    let visits: HashMap<i64, i64> = visits.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|p| {
            let name = names.get(&p.user_id).cloned().unwrap_or_default();
            let n = visits.get(&p.id).copied().unwrap_or(0).max(0) as u64;
            (p, name, n)
        })
        .collect())
}
