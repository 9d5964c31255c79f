//! The 共享小屋: things to borrow with their stock, and the loans. A loan
//! takes its pieces in one conditional write (`available >= quantity`), so
//! loans at once never take more than the shed holds.

use super::entities::{shed_item, shed_loan};
use crate::domain::policy::TopicStaffScope;
use crate::domain::sharing::ShedItemForm;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

#[derive(Clone, Debug)]
pub struct ItemRow {
    pub id: i64,
    pub community_code: String,
    pub name: String,
    pub note: String,
    pub total: u32,
    pub available: u32,
    pub loan_days: u32,
}

fn item_row(m: shed_item::Model) -> ItemRow {
    ItemRow {
        id: m.id,
        community_code: m.community_code,
        name: m.name,
        note: m.note.unwrap_or_default(),
        total: u32::try_from(m.total).unwrap_or(0),
        available: u32::try_from(m.available).unwrap_or(0),
        loan_days: Ord::max(u32::try_from(m.loan_days).unwrap_or(1), 1),
    }
}

/// The things of one community's shed, in the order they were added.
pub async fn items_in(
    db: &impl ConnectionTrait,
    community: &str,
    limit: u64,
) -> Result<Vec<ItemRow>, DbErr> {
    Ok(shed_item::Entity::find()
        .filter(shed_item::Column::CommunityCode.eq(community))
        .order_by_asc(shed_item::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(item_row)
        .collect())
}

/// The communities that have a shed, by code.
pub async fn shed_communities(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    shed_item::Entity::find()
        .select_only()
        .column(shed_item::Column::CommunityCode)
        .distinct()
        .order_by_asc(shed_item::Column::CommunityCode)
        .into_tuple()
        .all(db)
        .await
}

/// Names of things by id (a person's loans may be from any shed).
pub async fn item_names(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, String)> = shed_item::Entity::find()
        .select_only()
        .columns([shed_item::Column::Id, shed_item::Column::Name])
        .filter(shed_item::Column::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

pub async fn item(db: &impl ConnectionTrait, id: i64) -> Result<Option<ItemRow>, DbErr> {
    Ok(shed_item::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(item_row))
}

fn blank_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

pub async fn insert_item(
    db: &impl ConnectionTrait,
    f: &ShedItemForm,
    street: Option<String>,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    Ok(shed_item::ActiveModel {
        community_code: Set(f.community_code.clone()),
        street_code: Set(street),
        name: Set(f.name.trim().to_string()),
        note: Set(blank_none(&f.note)),
        total: Set(f.total as i32),
        available: Set(f.total as i32),
        loan_days: Set(f.loan_days as i32),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Rewrites a thing; a new total moves the pieces in the shed by as much.
/// Lands only over the total read (`was`) and while the pieces out on loan
/// fit in the new total: false otherwise.
pub async fn update_item(
    db: &impl ConnectionTrait,
    id: i64,
    was: u32,
    f: &ShedItemForm,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let delta = f.total as i32 - was as i32;
    use shed_item::Column as C;
    Ok(shed_item::Entity::update_many()
        .col_expr(C::Name, Expr::value(f.name.trim()))
        .col_expr(C::Note, Expr::value(blank_none(&f.note)))
        .col_expr(C::LoanDays, Expr::value(f.loan_days as i32))
        .col_expr(C::Total, Expr::value(f.total as i32))
        .col_expr(C::Available, Expr::col(C::Available).add(delta))
        .col_expr(C::UpdatedAt, Expr::value(at))
        .filter(C::Id.eq(id))
        .filter(C::Total.eq(was as i32))
        .filter(C::Available.gte(-delta))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

#[derive(Clone, Debug)]
pub struct LoanRow {
    pub id: i64,
    pub item_id: i64,
    pub community_code: String,
    pub street_code: Option<String>,
    pub borrower_id: i64,
    pub quantity: u32,
    pub due_on: NaiveDate,
    pub borrowed_at: DateTime<Utc>,
    pub returned_at: Option<DateTime<Utc>>,
}

fn loan_row(m: shed_loan::Model) -> LoanRow {
    LoanRow {
        id: m.id,
        item_id: m.item_id,
        community_code: m.community_code,
        street_code: m.street_code,
        borrower_id: m.borrower_id,
        quantity: u32::try_from(m.quantity).unwrap_or(0),
        due_on: m.due_on,
        borrowed_at: m.borrowed_at,
        returned_at: m.returned_at,
    }
}

/// A new loan as the service made it.
pub struct NewLoan {
    pub item_id: i64,
    pub community_code: String,
    pub street_code: Option<String>,
    pub borrower_id: i64,
    pub quantity: u32,
    pub due_on: NaiveDate,
    pub at: DateTime<Utc>,
}

/// Why a loan was not made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The person has `max_open` loans out already.
    TooManyOut,
    /// The shed has fewer pieces left than asked for.
    NotEnough,
}

/// Takes the pieces and writes the loan in one transaction. It starts by
/// locking the borrower (`lock_person`), so one person's loans at once are
/// counted one after another against `max_open`; then the conditional take.
pub async fn borrow<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    loan: &NewLoan,
    max_open: u64,
) -> Result<Result<i64, Refused>, DbErr> {
    use shed_item::Column as I;
    let txn = db.begin().await?;
    super::lock_person(&txn, loan.borrower_id).await?;
    if open_loans_of(&txn, loan.borrower_id).await? >= max_open {
        return Ok(Err(Refused::TooManyOut));
    }
    let taken = shed_item::Entity::update_many()
        .col_expr(
            I::Available,
            Expr::col(I::Available).sub(loan.quantity as i32),
        )
        .filter(I::Id.eq(loan.item_id))
        .filter(I::Available.gte(loan.quantity as i32))
        .exec(&txn)
        .await?
        .rows_affected;
    if taken == 0 {
        return Ok(Err(Refused::NotEnough));
    }
    let id = shed_loan::ActiveModel {
        item_id: Set(loan.item_id),
        community_code: Set(loan.community_code.clone()),
        street_code: Set(loan.street_code.clone()),
        borrower_id: Set(loan.borrower_id),
        quantity: Set(loan.quantity as i32),
        due_on: Set(loan.due_on),
        borrowed_at: Set(loan.at),
        returned_at: Set(None),
        returned_by: Set(None),
        overdue_noticed: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?
    .id;
    txn.commit().await?;
    Ok(Ok(id))
}

pub async fn loan(db: &impl ConnectionTrait, id: i64) -> Result<Option<LoanRow>, DbErr> {
    Ok(shed_loan::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(loan_row))
}

/// Records a loan's return and puts its pieces back, in one transaction
/// whose first statement marks the loan: false when it was back already.
pub async fn give_back<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    loan: &LoanRow,
    by: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use shed_loan::Column as L;
    let txn = db.begin().await?;
    let marked = shed_loan::Entity::update_many()
        .col_expr(L::ReturnedAt, Expr::value(Some(at)))
        .col_expr(L::ReturnedBy, Expr::value(Some(by)))
        .filter(L::Id.eq(loan.id))
        .filter(L::ReturnedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if marked == 0 {
        return Ok(false);
    }
    use shed_item::Column as I;
    shed_item::Entity::update_many()
        .col_expr(
            I::Available,
            Expr::col(I::Available).add(loan.quantity as i32),
        )
        .filter(I::Id.eq(loan.item_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// A person's loans, those still out first, then the latest.
pub async fn loans_of(
    db: &impl ConnectionTrait,
    borrower: i64,
    limit: u64,
) -> Result<Vec<LoanRow>, DbErr> {
    Ok(shed_loan::Entity::find()
        .filter(shed_loan::Column::BorrowerId.eq(borrower))
        .order_by_desc(shed_loan::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(loan_row)
        .collect())
}

/// Loans a person has out now.
pub async fn open_loans_of(db: &impl ConnectionTrait, borrower: i64) -> Result<u64, DbErr> {
    shed_loan::Entity::find()
        .filter(shed_loan::Column::BorrowerId.eq(borrower))
        .filter(shed_loan::Column::ReturnedAt.is_null())
        .count(db)
        .await
}

/// Loans still out of the sheds a keeper keeps (`policy::may_keep_shed` as
/// a filter), the soonest due first.
pub async fn open_loans_in(
    db: &impl ConnectionTrait,
    scope: &TopicStaffScope,
    limit: u64,
) -> Result<Vec<LoanRow>, DbErr> {
    let mut q = shed_loan::Entity::find().filter(shed_loan::Column::ReturnedAt.is_null());
    if !scope.all {
        let any = super::in_area(
            scope,
            shed_loan::Column::StreetCode,
            shed_loan::Column::CommunityCode,
        );
        if any.is_empty() {
            return Ok(Vec::new());
        }
        q = q.filter(any);
    }
    Ok(q.order_by_asc(shed_loan::Column::DueOn)
        .order_by_asc(shed_loan::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(loan_row)
        .collect())
}

/// Marks loans still out past their date as reminded, each on its own
/// terms, and returns those this call marked: each is reminded once.
pub async fn take_new_overdue(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<LoanRow>, DbErr> {
    use shed_loan::Column as L;
    let due = || {
        Condition::all()
            .add(L::OverdueNoticed.eq(false))
            .add(L::DueOn.lt(today))
            .add(L::ReturnedAt.is_null())
    };
    let ids: Vec<i64> = shed_loan::Entity::find()
        .select_only()
        .column(L::Id)
        .filter(due())
        .order_by_asc(L::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut marked = Vec::new();
    for id in ids {
        let res = shed_loan::Entity::update_many()
            .col_expr(L::OverdueNoticed, Expr::value(true))
            .filter(L::Id.eq(id))
            .filter(due())
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            marked.push(id);
        }
    }
    if marked.is_empty() {
        return Ok(Vec::new());
    }
    Ok(shed_loan::Entity::find()
        .filter(L::Id.is_in(marked))
        .order_by_asc(L::Id)
        .all(db)
        .await?
        .into_iter()
        .map(loan_row)
        .collect())
}
