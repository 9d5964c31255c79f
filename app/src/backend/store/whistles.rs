//! Whistles (吹哨报到) and each department's part. Written only inside a
//! case change (`cases::apply`), so a step and its timeline entry land
//! together or not at all, guarded by the case's version.

use super::entities::{whistle, whistle_part};
use crate::domain::whistle::{PartFacts, PartState, WhistleFacts, WhistleState};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

/// A whistle as stored, with its parts (lead first).
#[derive(Clone, Debug, PartialEq)]
pub struct WhistleRow {
    pub id: i64,
    pub case_id: i64,
    pub called_by: i64,
    pub called_at: DateTime<Utc>,
    pub required_by: NaiveDate,
    pub note: String,
    pub state: WhistleState,
    pub closed_at: Option<DateTime<Utc>>,
    pub result: Option<String>,
    pub parts: Vec<PartRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartRow {
    pub department: String,
    pub lead: bool,
    pub state: PartState,
    pub reason: Option<String>,
    pub report: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub reported_at: Option<DateTime<Utc>>,
    pub rating: Option<i32>,
}

impl WhistleRow {
    pub fn facts(&self) -> WhistleFacts {
        WhistleFacts {
            state: self.state,
            parts: self
                .parts
                .iter()
                .map(|p| PartFacts {
                    department: p.department.clone(),
                    lead: p.lead,
                    state: p.state,
                })
                .collect(),
        }
    }
}

/// What a case change writes to its whistle.
#[derive(Clone, Debug, PartialEq)]
pub enum WhistleWrite {
    /// 呼叫: a new whistle with the lead and the assisting departments.
    Call {
        called_by: i64,
        required_by: NaiveDate,
        due_at: DateTime<Utc>,
        note: String,
        lead: String,
        assisting: Vec<String>,
    },
    /// A department's answer or report (`text`: the reason or the report);
    /// the whistle's state with it (the lead sending it back returns it).
    Part {
        whistle_id: i64,
        department: String,
        state: PartState,
        text: Option<String>,
        whistle_state: WhistleState,
    },
    /// The street takes the whistle back.
    Recall { whistle_id: i64 },
    /// 销号: the result and each department's rating.
    Close {
        whistle_id: i64,
        by: i64,
        result: String,
        ratings: Vec<(String, i32)>,
    },
}

/// Writes a whistle change inside the case change's transaction.
pub(super) async fn write(
    db: &impl ConnectionTrait,
    case_id: i64,
    w: &WhistleWrite,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    match w {
        WhistleWrite::Call {
            called_by,
            required_by,
            due_at,
            note,
            lead,
            assisting,
        } => {
            let id = whistle::ActiveModel {
                case_id: Set(case_id),
                called_by: Set(*called_by),
                called_at: Set(now),
                required_by: Set(*required_by),
                note: Set(note.clone()),
                state: Set(WhistleState::Open.as_str().to_string()),
                closed_by: Set(None),
                closed_at: Set(None),
                result: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await?
            .id;
            let parts = std::iter::once((lead, true)).chain(assisting.iter().map(|d| (d, false)));
            for (department, lead) in parts {
                whistle_part::ActiveModel {
                    whistle_id: Set(id),
                    case_id: Set(case_id),
                    department: Set(department.clone()),
                    lead: Set(lead),
                    state: Set(PartState::Called.as_str().to_string()),
                    reason: Set(None),
                    report: Set(None),
                    answered_at: Set(None),
                    reported_at: Set(None),
                    rating: Set(None),
                    called_at: Set(now),
                    due_at: Set(*due_at),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
        }
        WhistleWrite::Part {
            whistle_id,
            department,
            state,
            text,
            whistle_state,
        } => {
            use whistle_part::Column as P;
            let mut update =
                whistle_part::Entity::update_many().col_expr(P::State, Expr::value(state.as_str()));
            update = match state {
                PartState::Reported => update
                    .col_expr(P::Report, Expr::value(text.clone()))
                    .col_expr(P::ReportedAt, Expr::value(now)),
                PartState::SentBack => update
                    .col_expr(P::Reason, Expr::value(text.clone()))
                    .col_expr(P::AnsweredAt, Expr::value(now)),
                PartState::Accepted | PartState::Called | PartState::Lapsed => {
                    update.col_expr(P::AnsweredAt, Expr::value(now))
                }
            };
            update
                .filter(P::WhistleId.eq(*whistle_id))
                .filter(P::Department.eq(department.clone()))
                .exec(db)
                .await?;
            set_state(db, *whistle_id, *whistle_state, None).await?;
        }
        WhistleWrite::Recall { whistle_id } => {
            set_state(db, *whistle_id, WhistleState::Returned, None).await?;
        }
        WhistleWrite::Close {
            whistle_id,
            by,
            result,
            ratings,
        } => {
            use whistle_part::Column as P;
            for (department, stars) in ratings {
                whistle_part::Entity::update_many()
                    .col_expr(P::Rating, Expr::value(*stars))
                    .filter(P::WhistleId.eq(*whistle_id))
                    .filter(P::Department.eq(department.clone()))
                    .exec(db)
                    .await?;
            }
            set_state(
                db,
                *whistle_id,
                WhistleState::Closed,
                Some((*by, now, result.clone())),
            )
            .await?;
        }
    }
    Ok(())
}

async fn set_state(
    db: &impl ConnectionTrait,
    id: i64,
    state: WhistleState,
    closed: Option<(i64, DateTime<Utc>, String)>,
) -> Result<(), DbErr> {
    use whistle::Column as W;
    if state != WhistleState::Open {
        // The parts still owing an answer or a report end with the whistle,
        // so no department is left reading 待签收 on a finished case (their
        // answer and report times stay empty: the figures count them unanswered).
        use whistle_part::Column as P;
        whistle_part::Entity::update_many()
            .col_expr(P::State, Expr::value(PartState::Lapsed.as_str()))
            .filter(P::WhistleId.eq(id))
            .filter(P::State.is_in([PartState::Called.as_str(), PartState::Accepted.as_str()]))
            .exec(db)
            .await?;
    }
    let mut update = whistle::Entity::update_many().col_expr(W::State, Expr::value(state.as_str()));
    if let Some((by, at, result)) = closed {
        update = update
            .col_expr(W::ClosedBy, Expr::value(by))
            .col_expr(W::ClosedAt, Expr::value(at))
            .col_expr(W::Result, Expr::value(result));
    }
    update.filter(W::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// The case's latest whistle, with its parts (lead first), if it has one.
pub async fn latest_of_case(
    db: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Option<WhistleRow>, DbErr> {
    let Some(w) = whistle::Entity::find()
        .filter(whistle::Column::CaseId.eq(case_id))
        .order_by_desc(whistle::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let parts = whistle_part::Entity::find()
        .filter(whistle_part::Column::WhistleId.eq(w.id))
        .order_by_desc(whistle_part::Column::Lead)
        .order_by_asc(whistle_part::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PartRow {
            state: PartState::parse(&p.state).unwrap_or(PartState::Called),
            department: p.department,
            lead: p.lead,
            reason: p.reason,
            report: p.report,
            answered_at: p.answered_at,
            reported_at: p.reported_at,
            rating: p.rating,
        })
        .collect();
    Ok(Some(WhistleRow {
        id: w.id,
        case_id: w.case_id,
        called_by: w.called_by,
        called_at: w.called_at,
        required_by: w.required_by,
        note: w.note,
        state: WhistleState::parse(&w.state).unwrap_or(WhistleState::Open),
        closed_at: w.closed_at,
        result: w.result,
        parts,
    }))
}

/// The cases a department has had an assisting part in (the index on
/// department and case): narrows the department scope before the case's
/// `assisting` column says whether the part still counts.
pub(super) fn assisted_by(department: &str) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(whistle_part::Column::CaseId)
        .from(whistle_part::Entity)
        .and_where(whistle_part::Column::Department.eq(department))
        .and_where(whistle_part::Column::Lead.eq(false))
        .to_owned()
}

/// The `assisting` column's form: each code between commas (codes are
/// letters and digits), so a match on `,CODE,` is exact.
pub fn assisting_column(codes: &[String]) -> Option<String> {
    (!codes.is_empty()).then(|| format!(",{},", codes.join(",")))
}

pub fn assisting_codes(column: Option<&str>) -> Vec<String> {
    column
        .unwrap_or_default()
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// A whistle as the demo writes it, with its parts in any step.
pub struct SeedWhistle {
    pub case_id: i64,
    pub called_by: i64,
    pub called_at: DateTime<Utc>,
    pub required_by: NaiveDate,
    pub due_at: DateTime<Utc>,
    pub state: WhistleState,
    pub closed_at: Option<DateTime<Utc>>,
    pub result: Option<String>,
    pub parts: Vec<PartRow>,
}

/// Writes a whistle and its parts as they stand (the demo district's).
pub async fn seed(db: &impl ConnectionTrait, w: &SeedWhistle) -> Result<(), DbErr> {
    let id = whistle::ActiveModel {
        case_id: Set(w.case_id),
        called_by: Set(w.called_by),
        called_at: Set(w.called_at),
        required_by: Set(w.required_by),
        note: Set("请牵头部门尽快处置，协办部门配合".into()),
        state: Set(w.state.as_str().to_string()),
        closed_by: Set(w.closed_at.map(|_| w.called_by)),
        closed_at: Set(w.closed_at),
        result: Set(w.result.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id;
    for p in &w.parts {
        whistle_part::ActiveModel {
            whistle_id: Set(id),
            case_id: Set(w.case_id),
            department: Set(p.department.clone()),
            lead: Set(p.lead),
            state: Set(p.state.as_str().to_string()),
            reason: Set(p.reason.clone()),
            report: Set(p.report.clone()),
            answered_at: Set(p.answered_at),
            reported_at: Set(p.reported_at),
            rating: Set(p.rating),
            called_at: Set(w.called_at),
            due_at: Set(w.due_at),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
