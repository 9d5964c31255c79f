//! Property companies' records, the compounds they manage, and their tasks'
//! sums (the red-property alliance).

use super::assessment::{int, query};
use super::entities::{compound, property_company};
use crate::domain::alliance::{CompanyFigures, CompanyForm};
use crate::domain::case::DispatchLevel;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionSession, TransactionTrait,
};

#[derive(Clone, Debug)]
pub struct CompanyRow {
    pub id: i64,
    pub name: String,
    pub alliance: bool,
    pub street_code: Option<String>,
    pub party_org: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

fn row(m: property_company::Model) -> CompanyRow {
    CompanyRow {
        id: m.id,
        name: m.name,
        alliance: m.alliance,
        street_code: m.street_code,
        party_org: m.party_org,
        contact_name: m.contact_name,
        contact_phone: m.contact_phone,
    }
}

pub async fn companies(db: &impl ConnectionTrait) -> Result<Vec<CompanyRow>, DbErr> {
    Ok(property_company::Entity::find()
        .order_by_desc(property_company::Column::Alliance)
        .order_by_asc(property_company::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

pub async fn company(db: &impl ConnectionTrait, id: i64) -> Result<Option<CompanyRow>, DbErr> {
    Ok(property_company::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(row))
}

fn blank_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Writes a company's record: a new one when `form.id` is none. `None`
/// when another company has the name already: the unique index decides,
/// so two admins cannot both take it.
pub async fn save_company(
    db: &impl ConnectionTrait,
    form: &CompanyForm,
) -> Result<Option<i64>, DbErr> {
    let mut am = property_company::ActiveModel {
        name: Set(form.name.trim().to_string()),
        alliance: Set(form.alliance),
        street_code: Set(blank_none(&form.street_code)),
        party_org: Set(blank_none(&form.party_org)),
        contact_name: Set(blank_none(&form.contact_name)),
        contact_phone: Set(blank_none(&form.contact_phone)),
        ..Default::default()
    };
    let written = match form.id {
        Some(id) => {
            am.id = Set(id);
            am.update(db).await.map(|m| m.id)
        }
        None => am.insert(db).await.map(|m| m.id),
    };
    match written {
        Ok(id) => Ok(Some(id)),
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A compound with its grid's id and the company managing it.
#[derive(Clone, Debug)]
pub struct CompoundRow {
    pub id: i64,
    pub name: String,
    pub grid_id: i64,
    pub company_id: Option<i64>,
}

pub async fn compound(db: &impl ConnectionTrait, id: i64) -> Result<Option<CompoundRow>, DbErr> {
    Ok(compound::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|c| CompoundRow {
            id: c.id,
            name: c.name,
            grid_id: c.grid_id,
            company_id: c.company_id,
        }))
}

/// Gives a compound to a company (or to none) if it is still `from`'s;
/// false when it is not (someone moved it meanwhile). The atlas reloads
/// from the geography's bumped stamp, so cases reported from then on go
/// to the new company.
pub async fn set_compound_company<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    compound_id: i64,
    from: Option<i64>,
    company: Option<i64>,
) -> Result<bool, DbErr> {
    let was = match from {
        Some(c) => compound::Column::CompanyId.eq(c),
        None => compound::Column::CompanyId.is_null(),
    };
    let txn = db.begin().await?;
    let changed = compound::Entity::update_many()
        .col_expr(
            compound::Column::CompanyId,
            sea_orm::sea_query::Expr::value(company),
        )
        .filter(compound::Column::Id.eq(compound_id))
        .filter(was)
        .exec(&txn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(false);
    }
    super::meta::bump(&txn, super::meta::GEOGRAPHY).await?;
    txn.commit().await?;
    Ok(true)
}

const OPEN: &str = "('reported', 'confirmed', 'dispatched', 'in_progress')";

/// The sums of a company's tasks: the cases dispatched to it (and still
/// with it), on `idx_cases_company_level`.
pub async fn figures(
    db: &impl ConnectionTrait,
    company: i64,
    now: DateTime<Utc>,
) -> Result<CompanyFigures, DbErr> {
    let text = format!(
        "SELECT COUNT(*) AS tasks, \
         CAST(SUM(CASE WHEN status IN {OPEN} THEN 1 ELSE 0 END) AS BIGINT) AS open, \
         CAST(SUM(CASE WHEN status IN {OPEN} AND due_at < ? THEN 1 ELSE 0 END) AS BIGINT) AS overdue, \
         CAST(SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS resolved, \
         CAST(SUM(CASE WHEN resolved_at IS NOT NULL AND on_time = TRUE THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
         CAST(SUM(CASE WHEN resolved_at IS NOT NULL THEN COALESCE(handled_minutes, 0) ELSE 0 END) AS BIGINT) AS minutes, \
         COUNT(rating) AS rated, CAST(SUM(COALESCE(rating, 0)) AS BIGINT) AS stars \
         FROM cases WHERE company_id = ? AND level = ? AND status NOT IN ('rejected', 'merged')"
    );
    let rows = query(
        db,
        &text,
        vec![
            now.into(),
            company.into(),
            DispatchLevel::Company.as_str().into(),
        ],
    )
    .await?;
    let Some(r) = rows.first() else {
        return Ok(CompanyFigures::default());
    };
    Ok(CompanyFigures {
        tasks: int(r, "tasks")?,
        open: int(r, "open")?,
        overdue: int(r, "overdue")?,
        resolved: int(r, "resolved")?,
        on_time: int(r, "on_time")?,
        handled_minutes: int(r, "minutes")? as i64,
        rated: int(r, "rated")?,
        rating_sum: int(r, "stars")? as i64,
    })
}

/// One open task of a company.
#[derive(Clone, Debug)]
pub struct TaskRow {
    pub case_id: i64,
    pub category: String,
    pub status: String,
    pub description: String,
    pub due_at: Option<DateTime<Utc>>,
    pub grid_code: Option<String>,
}

/// A company's open tasks, the soonest due first (those past due come
/// first with it), at most `limit`.
pub async fn open_tasks(
    db: &impl ConnectionTrait,
    company: i64,
    limit: u64,
) -> Result<Vec<TaskRow>, DbErr> {
    let text = format!(
        "SELECT c.id, c.status, c.description, c.due_at, c.grid_code, k.name AS category \
         FROM cases c JOIN case_categories k ON k.id = c.category_id \
         WHERE c.company_id = ? AND c.level = ? AND c.status IN {OPEN} \
         ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, c.id LIMIT ?"
    );
    let rows = query(
        db,
        &text,
        vec![
            company.into(),
            DispatchLevel::Company.as_str().into(),
            (limit as i64).into(),
        ],
    )
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(TaskRow {
                case_id: r.try_get("", "id")?,
                category: r.try_get("", "category")?,
                status: r.try_get("", "status")?,
                description: r.try_get("", "description")?,
                due_at: r.try_get("", "due_at")?,
                grid_code: r.try_get("", "grid_code")?,
            })
        })
        .collect()
}
