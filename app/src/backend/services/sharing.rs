//! 置换-分享 (issue 11): each community's 共享小屋. Anyone sees what the
//! sheds hold and how many are in; a signed-in resident borrows (at most
//! `MAX_BORROW` pieces a loan and `MAX_OPEN_LOANS` loans at once); the
//! community keeps the inventory, sees who has what, and records returns.
//! The rule is `policy::may_keep_shed`; borrowers' names are the keepers'.

use super::audit::{record, Target};
use super::auth::Viewer;
use super::notices::{notify, reviewers_of};
use super::{community_place, first_problem};
use crate::backend::state::AppState;
use crate::backend::store::sharing::{self as db, ItemRow, LoanRow, NewLoan, Refused};
use crate::backend::store::units;
use crate::domain::audit::AuditAction;
use crate::domain::deadline::china_date;
use crate::domain::error::{AppError, Field, InputProblem};
use crate::domain::notice::NoticeKind;
use crate::domain::policy;
use crate::domain::sharing::{
    loan_overdue, order_loans, Loan, SharingView, ShedItem, ShedItemForm, LISTED, MAX_BORROW,
    MAX_OPEN_LOANS,
};
use chrono::{Duration, NaiveDate, Utc};
use std::collections::HashMap;

fn today() -> NaiveDate {
    china_date(Utc::now())
}

fn community_name(state: &AppState, code: &str) -> String {
    state.atlas().name_of(code).unwrap_or_default().to_string()
}

fn item_view(state: &AppState, i: &ItemRow) -> ShedItem {
    ShedItem {
        id: i.id,
        community_code: i.community_code.clone(),
        community: community_name(state, &i.community_code),
        name: i.name.clone(),
        note: i.note.clone(),
        total: i.total,
        available: i.available,
        loan_days: i.loan_days,
    }
}

/// Loans as their readers see them; `names` only for keepers.
fn loan_views(
    state: &AppState,
    rows: Vec<LoanRow>,
    items: &HashMap<i64, String>,
    names: Option<&HashMap<i64, String>>,
) -> Vec<Loan> {
    let today = today();
    rows.into_iter()
        .map(|l| Loan {
            id: l.id,
            item_id: l.item_id,
            item: items.get(&l.item_id).cloned().unwrap_or_default(),
            community: community_name(state, &l.community_code),
            quantity: l.quantity,
            borrowed_at: l.borrowed_at,
            due_on: l.due_on,
            returned_at: l.returned_at,
            overdue: loan_overdue(l.returned_at.is_some(), l.due_on, today),
            borrower: names.map(|n| n.get(&l.borrower_id).cloned().unwrap_or_default()),
        })
        .collect()
}

/// The sharing page: one community's shed (`community`, else the first
/// the reader keeps, else the first there is); the reader's loans; for
/// keepers the loans out of their sheds with the borrowers' names.
pub async fn view(
    state: &AppState,
    viewer: Option<&Viewer>,
    community: Option<String>,
) -> Result<SharingView, AppError> {
    let grants = viewer.map(|v| v.grants.as_slice()).unwrap_or(&[]);
    let kept: Vec<(String, String)> = {
        let atlas = state.atlas();
        atlas
            .communities()
            .into_iter()
            .filter(|c| {
                !grants.is_empty()
                    && atlas
                        .place_of(&c.code)
                        .is_some_and(|p| policy::may_keep_shed(grants, &p))
            })
            .map(|c| (c.code, c.name))
            .collect()
    };
    let mut codes = db::shed_communities(&state.db).await?;
    for (c, _) in &kept {
        if !codes.contains(c) {
            codes.push(c.clone());
        }
    }
    codes.sort();
    let sheds: Vec<(String, String)> = codes
        .iter()
        .map(|c| (c.clone(), community_name(state, c)))
        .collect();
    let shown = community
        .filter(|c| codes.contains(c))
        .or_else(|| kept.first().map(|k| k.0.clone()))
        .or_else(|| codes.first().cloned());
    let rows = match &shown {
        Some(c) => db::items_in(&state.db, c, LISTED).await?,
        None => Vec::new(),
    };
    let items = rows.iter().map(|i| item_view(state, i)).collect();
    let Some(viewer) = viewer else {
        return Ok(SharingView {
            community: shown,
            sheds,
            items,
            my_loans: Vec::new(),
            kept_loans: Vec::new(),
            communities: Vec::new(),
        });
    };
    let mine = db::loans_of(&state.db, viewer.id, LISTED).await?;
    // The community side, as one filter: the same admins run its meetings
    // and deliberation.
    let scope = policy::topic_staff_scope(&viewer.grants);
    let out: Vec<LoanRow> = db::open_loans_in(&state.db, &scope, LISTED)
        .await?
        .into_iter()
        .filter(|l| {
            community_place(state, &l.community_code)
                .is_some_and(|p| policy::may_keep_shed(&viewer.grants, &p))
        })
        .collect();
    let things: Vec<i64> = mine.iter().chain(out.iter()).map(|l| l.item_id).collect();
    let names = db::item_names(&state.db, &things).await?;
    let mut my_loans = loan_views(state, mine, &names, None);
    my_loans.sort_by_key(|l| (l.returned_at.is_some(), !l.overdue, l.due_on));
    let borrowers: Vec<i64> = out.iter().map(|l| l.borrower_id).collect();
    let who = units::user_names(&state.db, &borrowers).await?;
    let mut kept_loans = loan_views(state, out, &names, Some(&who));
    order_loans(&mut kept_loans);
    Ok(SharingView {
        community: shown,
        sheds,
        items,
        my_loans,
        kept_loans,
        communities: kept,
    })
}

/// Adds a thing to a community's shed or rewrites one (the community).
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn keep_item(
    state: &AppState,
    viewer: &Viewer,
    mut form: ShedItemForm,
) -> Result<SharingView, AppError> {
    let before = match form.id {
        Some(id) => {
            let item = db::item(&state.db, id).await?.ok_or(AppError::NotFound)?;
            // A thing stays in the shed it was given to.
            form.community_code = item.community_code.clone();
            Some(item)
        }
        None => None,
    };
    form.community_code = form.community_code.trim().to_string();
    let place = community_place(state, &form.community_code);
    let keeps = place
        .as_ref()
        .is_some_and(|p| policy::may_keep_shed(&viewer.grants, p));
    if !keeps {
        // Someone else's shed is not there for them to probe.
        return Err(if before.is_some() {
            AppError::NotFound
        } else {
            AppError::Forbidden
        });
    }
    first_problem(form.problems())?;
    let now = Utc::now();
    let street = place.and_then(|p| p.street);
    let (id, what) = match &before {
        Some(b) => {
            if !db::update_item(&state.db, b.id, b.total, &form, now).await? {
                // Fewer than are out on loan, or changed meanwhile.
                let out = b.total.saturating_sub(b.available);
                return Err(if form.total < out {
                    AppError::invalid(Field::Stock, InputProblem::OutOfRange)
                } else {
                    AppError::WrongState
                });
            }
            (
                b.id,
                format!("item edited: total {} -> {}", b.total, form.total),
            )
        }
        None => (
            db::insert_item(&state.db, &form, street.clone(), now).await?,
            format!("item added: total {}", form.total),
        ),
    };
    record(
        state,
        viewer,
        AuditAction::SharingKept,
        Target::new("shed_item", id).in_street(street),
        what,
    )
    .await?;
    view(state, Some(viewer), Some(form.community_code)).await
}

/// A signed-in person borrows pieces of a thing for its loan period.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn borrow(
    state: &AppState,
    viewer: &Viewer,
    item_id: i64,
    quantity: u32,
) -> Result<SharingView, AppError> {
    let item = db::item(&state.db, item_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !(1..=MAX_BORROW).contains(&quantity) {
        return Err(AppError::invalid(Field::Quantity, InputProblem::OutOfRange));
    }
    let loan = NewLoan {
        item_id,
        community_code: item.community_code.clone(),
        street_code: community_place(state, &item.community_code).and_then(|p| p.street),
        borrower_id: viewer.id,
        quantity,
        due_on: today() + Duration::days(item.loan_days as i64),
        at: Utc::now(),
    };
    match db::borrow(&state.db, &loan, MAX_OPEN_LOANS).await? {
        Ok(_) => {}
        Err(Refused::TooManyOut) => {
            return Err(AppError::invalid(Field::Quantity, InputProblem::TooMany));
        }
        // Fewer left than asked for (someone borrowed meanwhile).
        Err(Refused::NotEnough) => {
            return Err(AppError::invalid(Field::Quantity, InputProblem::OutOfRange));
        }
    }
    view(state, Some(viewer), Some(item.community_code)).await
}

/// The community records that a loan came back; its pieces go back in.
#[tracing::instrument(skip_all, fields(user = viewer.id))]
pub async fn give_back(
    state: &AppState,
    viewer: &Viewer,
    loan_id: i64,
) -> Result<SharingView, AppError> {
    let loan = db::loan(&state.db, loan_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let keeps = community_place(state, &loan.community_code)
        .is_some_and(|p| policy::may_keep_shed(&viewer.grants, &p));
    if !keeps {
        // The borrower hands it back at the shed: the community records it.
        return Err(if loan.borrower_id == viewer.id {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    }
    if !db::give_back(&state.db, &loan, viewer.id, Utc::now()).await? {
        return Err(AppError::WrongState);
    }
    record(
        state,
        viewer,
        AuditAction::SharingKept,
        Target::new("shed_loan", loan.id).in_street(loan.street_code.clone()),
        format!("returned: item {} x{}", loan.item_id, loan.quantity),
    )
    .await?;
    view(state, Some(viewer), Some(loan.community_code)).await
}

/// Reminds the borrower and the community of each loan past its date, once.
pub async fn flag_overdue(state: &AppState, today: NaiveDate) -> Result<usize, AppError> {
    let rows = db::take_new_overdue(&state.db, today, 200).await?;
    for l in &rows {
        let name = db::item(&state.db, l.item_id)
            .await?
            .map(|i| i.name)
            .unwrap_or_default();
        notify(
            state,
            &[l.borrower_id],
            NoticeKind::Sharing,
            l.item_id,
            "loan_overdue",
            &name,
        )
        .await;
        let staff = reviewers_of(state, &l.community_code).await;
        notify(
            state,
            &staff,
            NoticeKind::Sharing,
            l.item_id,
            "loan_overdue_staff",
            &name,
        )
        .await;
    }
    Ok(rows.len())
}
