//! The sums behind assessment and the dashboard, added up in the database
//! (an area's cases of a period through `idx_cases_*_created`), and the
//! rows the service counts itself (patrols, whistle parts).

use super::entities::{grid_staff, patrol, user, whistle_part};
use crate::domain::assessment::Counts;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryResult,
    QuerySelect, Statement, Value,
};
use std::collections::HashMap;

/// Which cases: those of an area (a grid, community or street; none: all),
/// reported in `[from, to)`, of one category if given, neither rejected nor merged.
#[derive(Clone, Debug)]
pub struct CaseSet {
    /// `grid_code`, `community_code` or `street_code`, and the code.
    pub area: Option<(&'static str, String)>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub category_id: Option<i64>,
}

/// `?` placeholders as the backend wants them.
pub(super) fn sql(backend: DbBackend, text: &str) -> String {
    if backend != DbBackend::Postgres {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut n = 0;
    for ch in text.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

impl CaseSet {
    fn filter(&self) -> (String, Vec<Value>) {
        let mut text = String::from(
            "created_at >= ? AND created_at < ? AND status NOT IN ('rejected', 'merged')",
        );
        let mut values: Vec<Value> = vec![self.from.into(), self.to.into()];
        if let Some((col, code)) = &self.area {
            text.push_str(&format!(" AND {col} = ?"));
            values.push(code.clone().into());
        }
        if let Some(c) = self.category_id {
            text.push_str(" AND category_id = ?");
            values.push(c.into());
        }
        (text, values)
    }
}

pub(super) async fn query(
    db: &impl ConnectionTrait,
    text: &str,
    values: Vec<Value>,
) -> Result<Vec<QueryResult>, DbErr> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_sql_and_values(
        backend,
        sql(backend, text),
        values,
    ))
    .await
}

pub(super) fn int(r: &QueryResult, col: &str) -> Result<u64, DbErr> {
    Ok(r.try_get::<Option<i64>>("", col)?.unwrap_or(0).max(0) as u64)
}

/// The counts of the cases of a set, by `key` (a column: `grid_code`,
/// `community_code`, `street_code` or `owner_id`; rows without one are left out).
pub async fn counts_by(
    db: &impl ConnectionTrait,
    set: &CaseSet,
    key: &'static str,
) -> Result<HashMap<String, Counts>, DbErr> {
    let (filter, values) = set.filter();
    let text = format!(
        "SELECT CAST({key} AS VARCHAR) AS k, COUNT(*) AS cases, \
         CAST(SUM(CASE WHEN source = 'patrol' THEN 1 ELSE 0 END) AS BIGINT) AS found, \
         CAST(SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS handled, \
         CAST(SUM(CASE WHEN on_time = TRUE THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
         CAST(SUM(COALESCE(handled_minutes, 0)) AS BIGINT) AS minutes, \
         COUNT(rating) AS rated, CAST(SUM(COALESCE(rating, 0)) AS BIGINT) AS stars, \
         CAST(SUM(CASE WHEN rating >= 4 THEN 1 ELSE 0 END) AS BIGINT) AS satisfied \
         FROM cases WHERE {filter} AND {key} IS NOT NULL GROUP BY {key}"
    );
    let mut out = HashMap::new();
    for r in query(db, &text, values).await? {
        let k: String = r.try_get("", "k")?;
        out.insert(
            k,
            Counts {
                cases: int(&r, "cases")?,
                found: int(&r, "found")?,
                handled: int(&r, "handled")?,
                on_time: int(&r, "on_time")?,
                handled_minutes: int(&r, "minutes")?,
                rated: int(&r, "rated")?,
                stars: int(&r, "stars")?,
                satisfied: int(&r, "satisfied")?,
                ..Counts::default()
            },
        );
    }
    Ok(out)
}

/// Cases of a set found on patrol, by who filed them.
pub async fn found_by(
    db: &impl ConnectionTrait,
    set: &CaseSet,
) -> Result<HashMap<i64, u64>, DbErr> {
    let (filter, values) = set.filter();
    let text = format!(
        "SELECT filed_by AS k, COUNT(*) AS n FROM cases \
         WHERE {filter} AND source = 'patrol' AND filed_by IS NOT NULL GROUP BY filed_by"
    );
    let mut out = HashMap::new();
    for r in query(db, &text, values).await? {
        out.insert(r.try_get::<i64>("", "k")?, int(&r, "n")?);
    }
    Ok(out)
}

/// How many cases of a set fall in each group of `expr` (a column, or the
/// day's expression [`day_expr`]).
pub async fn tally(
    db: &impl ConnectionTrait,
    set: &CaseSet,
    expr: &str,
) -> Result<Vec<(Option<String>, u64)>, DbErr> {
    let (filter, values) = set.filter();
    let text = format!(
        "SELECT CAST({expr} AS VARCHAR) AS k, COUNT(*) AS n FROM cases WHERE {filter} \
         GROUP BY {expr} ORDER BY n DESC"
    );
    let mut out = Vec::new();
    for r in query(db, &text, values).await? {
        out.push((r.try_get::<Option<String>>("", "k")?, int(&r, "n")?));
    }
    Ok(out)
}

/// A timestamp column's date in China (UTC+8), as `YYYY-MM-DD` text.
pub fn day_expr(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("to_char(({column} AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM-DD')")
        }
        _ => format!("date({column}, '+8 hours')"),
    }
}

/// Results given per day in China, for the cases of an area (by when the
/// result came, whatever the report's date).
pub async fn handled_per_day(
    db: &impl ConnectionTrait,
    set: &CaseSet,
) -> Result<Vec<(String, u64)>, DbErr> {
    let day = day_expr(db.get_database_backend(), "resolved_at");
    let mut text = format!(
        "SELECT {day} AS k, COUNT(*) AS n FROM cases WHERE resolved_at >= ? AND resolved_at < ?"
    );
    let mut values: Vec<Value> = vec![set.from.into(), set.to.into()];
    if let Some((col, code)) = &set.area {
        text.push_str(&format!(" AND {col} = ?"));
        values.push(code.clone().into());
    }
    if let Some(c) = set.category_id {
        text.push_str(" AND category_id = ?");
        values.push(c.into());
    }
    text.push_str(&format!(" GROUP BY {day}"));
    let mut out = Vec::new();
    for r in query(db, &text, values).await? {
        out.push((r.try_get::<String>("", "k")?, int(&r, "n")?));
    }
    Ok(out)
}

/// Cases of a set counted in cells of `1 / per_degree` degrees: the heat map.
pub async fn heat(
    db: &impl ConnectionTrait,
    set: &CaseSet,
    per_degree: u32,
    limit: u32,
) -> Result<Vec<(f64, f64, u64)>, DbErr> {
    let (filter, values) = set.filter();
    // The cell size is ours, never the caller's: written into the query, so
    // the grouping is the same expression as the selection.
    let text = format!(
        "SELECT ROUND(lat * {per_degree}) AS y, ROUND(lng * {per_degree}) AS x, COUNT(*) AS n \
         FROM cases WHERE {filter} GROUP BY ROUND(lat * {per_degree}), ROUND(lng * {per_degree}) \
         ORDER BY n DESC LIMIT {limit}"
    );
    let mut out = Vec::new();
    for r in query(db, &text, values).await? {
        let y: f64 = r.try_get("", "y")?;
        let x: f64 = r.try_get("", "x")?;
        out.push((y / per_degree as f64, x / per_degree as f64, int(&r, "n")?));
    }
    Ok(out)
}

/// Open cases of an area now, and those past their deadline.
pub async fn open_now(
    db: &impl ConnectionTrait,
    area: &Option<(&'static str, String)>,
    now: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    let mut text = String::from(
        "SELECT COUNT(*) AS open, CAST(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END) AS BIGINT) AS late \
         FROM cases WHERE status IN ('reported', 'confirmed', 'dispatched', 'in_progress')",
    );
    let mut values: Vec<Value> = vec![now.into()];
    if let Some((col, code)) = area {
        text.push_str(&format!(" AND {col} = ?"));
        values.push(code.clone().into());
    }
    let rows = query(db, &text, values).await?;
    let r = rows.first().ok_or(DbErr::RecordNotFound("count".into()))?;
    Ok((int(r, "open")?, int(r, "late")?))
}

/// A patrol, as the figures need it.
#[derive(Clone, Debug)]
pub struct PatrolSpan {
    pub user_id: i64,
    pub grid_code: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub points: i64,
}

/// Patrols of these grids started in `[from, to)`.
pub async fn patrols(
    db: &impl ConnectionTrait,
    grids: &[String],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<PatrolSpan>, DbErr> {
    let mut out = Vec::new();
    // A few hundred grids a query: an IN list stays well within limits.
    for chunk in grids.chunks(500) {
        type Span = (i64, String, DateTime<Utc>, Option<DateTime<Utc>>, i64);
        let rows: Vec<Span> = patrol::Entity::find()
            .filter(patrol::Column::GridCode.is_in(chunk.to_vec()))
            .filter(patrol::Column::StartedAt.gte(from))
            .filter(patrol::Column::StartedAt.lt(to))
            .select_only()
            .column(patrol::Column::UserId)
            .column(patrol::Column::GridCode)
            .column(patrol::Column::StartedAt)
            .column(patrol::Column::EndedAt)
            .column(patrol::Column::Points)
            .into_tuple()
            .all(db)
            .await?;
        out.extend(
            rows.into_iter().map(
                |(user_id, grid_code, started_at, ended_at, points)| PatrolSpan {
                    user_id,
                    grid_code,
                    started_at,
                    ended_at,
                    points,
                },
            ),
        );
    }
    Ok(out)
}

/// Who is on the rosters of these grids (by region id): the grid, the
/// person, their name and position, whether the account is active.
pub async fn rosters(
    db: &impl ConnectionTrait,
    grid_ids: &[i64],
) -> Result<Vec<(i64, i64, String, String, bool)>, DbErr> {
    let mut out = Vec::new();
    for chunk in grid_ids.chunks(500) {
        let entries = grid_staff::Entity::find()
            .filter(grid_staff::Column::GridId.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        let ids: Vec<i64> = entries.iter().map(|e| e.user_id).collect();
        let people: HashMap<i64, (String, bool)> = user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, (u.name, !u.disabled)))
            .collect();
        for e in entries {
            if let Some((name, active)) = people.get(&e.user_id) {
                out.push((e.grid_id, e.user_id, name.clone(), e.position, *active));
            }
        }
    }
    Ok(out)
}

/// A department's part, as the figures need it.
#[derive(Clone, Debug)]
pub struct PartSpan {
    pub department: String,
    pub state: String,
    pub called_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub reported_at: Option<DateTime<Utc>>,
    pub rating: Option<i32>,
}

/// Whistle parts called in `[from, to)`, of cases in an area if given.
pub async fn parts(
    db: &impl ConnectionTrait,
    area: &Option<(&'static str, String)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<PartSpan>, DbErr> {
    use whistle_part::Column as P;
    let mut q = whistle_part::Entity::find()
        .filter(P::CalledAt.gte(from))
        .filter(P::CalledAt.lt(to));
    if let Some((col, code)) = area {
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
        let sub = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("cases"))
            .and_where(Expr::col(Alias::new(*col)).eq(code.clone()))
            .to_owned();
        q = q.filter(P::CaseId.in_subquery(sub));
    }
    Ok(q.all(db)
        .await?
        .into_iter()
        .map(|p| PartSpan {
            department: p.department,
            state: p.state,
            called_at: p.called_at,
            due_at: p.due_at,
            answered_at: p.answered_at,
            reported_at: p.reported_at,
            rating: p.rating,
        })
        .collect())
}

/// The China date of a moment, for grouping patrols by day.
pub fn china_day(t: DateTime<Utc>) -> NaiveDate {
    crate::domain::deadline::china_date(t)
}
