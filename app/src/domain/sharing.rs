//! 置换-分享 (issue 11): the community's 共享小屋 — a shed of things to
//! borrow (ladders, drills, wheelchairs, folding tables) with an inventory
//! the community keeps; residents borrow online and the community records
//! the return; a loan past its date is reminded once. Plain Rust, for the
//! server and the browser alike.

use super::error::{text_problem, Field, InputProblem, Problems};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_NAME: usize = 40;
pub const MAX_NOTE: usize = 200;
/// Pieces of one thing a shed may hold.
pub const MAX_STOCK: u32 = 999;
pub const MAX_LOAN_DAYS: u32 = 90;
/// Pieces one loan may take.
pub const MAX_BORROW: u32 = 5;
/// Loans one person may have out at once.
pub const MAX_OPEN_LOANS: u64 = 5;
/// Items and loans a page lists.
pub const LISTED: u64 = 200;

/// A thing in the shed as the community keeps it; `id` none adds one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShedItemForm {
    pub id: Option<i64>,
    pub community_code: String,
    pub name: String,
    pub note: String,
    /// Pieces the shed owns (those out on loan included).
    pub total: u32,
    /// How long a loan runs.
    pub loan_days: u32,
}

impl ShedItemForm {
    pub fn problems(&self) -> Problems {
        let mut p = Problems::new();
        if self.community_code.trim().is_empty() {
            p.push((Field::Community, InputProblem::Required));
        }
        if let Some(x) = text_problem(&self.name, MAX_NAME, true) {
            p.push((Field::Item, x));
        }
        if let Some(x) = text_problem(&self.note, MAX_NOTE, false) {
            p.push((Field::Note, x));
        }
        if self.total > MAX_STOCK {
            p.push((Field::Stock, InputProblem::OutOfRange));
        }
        if !(1..=MAX_LOAN_DAYS).contains(&self.loan_days) {
            p.push((Field::LoanDays, InputProblem::OutOfRange));
        }
        p
    }
}

/// A thing in the shed, as anyone sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShedItem {
    pub id: i64,
    pub community_code: String,
    pub community: String,
    pub name: String,
    pub note: String,
    pub total: u32,
    /// Pieces in the shed now.
    pub available: u32,
    pub loan_days: u32,
}

/// A loan: to its borrower, and with the borrower's name to the community.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Loan {
    pub id: i64,
    pub item_id: i64,
    pub item: String,
    pub community: String,
    pub quantity: u32,
    pub borrowed_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    pub returned_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    /// For the community only (it hands the thing over and takes it back).
    pub borrower: Option<String>,
}

/// Out and past its date (due the whole due day, China time).
pub fn loan_overdue(returned: bool, due_on: NaiveDate, today: NaiveDate) -> bool {
    !returned && due_on < today
}

/// The sharing page: one shed's things, the reader's loans, and for the
/// community the loans out of the sheds it keeps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharingView {
    /// The community whose shed is shown (code), and every community with
    /// a shed or kept by the reader (code, name) to pick another.
    pub community: Option<String>,
    pub sheds: Vec<(String, String)>,
    pub items: Vec<ShedItem>,
    pub my_loans: Vec<Loan>,
    /// Loans still out of the sheds the reader keeps, overdue first.
    pub kept_loans: Vec<Loan>,
    /// Communities whose shed the reader keeps (code, name).
    pub communities: Vec<(String, String)>,
}

/// Sorts loans still out: overdue first, then the soonest due.
pub fn order_loans(list: &mut [Loan]) {
    list.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(a.due_on.cmp(&b.due_on))
            .then(a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shed_item_needs_a_name_a_sane_stock_and_a_loan_period() {
        let mut f = ShedItemForm {
            id: None,
            community_code: "370103-001-001".into(),
            name: "折叠梯".into(),
            note: "2米铝合金折叠梯".into(),
            total: 2,
            loan_days: 3,
        };
        assert!(f.problems().is_empty());
        f.name = " ".into();
        f.total = MAX_STOCK + 1;
        f.loan_days = 0;
        let fields: Vec<Field> = f.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::Item, Field::Stock, Field::LoanDays]);
    }

    #[test]
    fn overdue_loans_come_first() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert!(loan_overdue(false, day, day.succ_opt().unwrap()));
        assert!(!loan_overdue(true, day, day.succ_opt().unwrap()));
        assert!(!loan_overdue(false, day, day));
        let loan = |id: i64, due: NaiveDate, overdue: bool| Loan {
            id,
            item_id: 1,
            item: String::new(),
            community: String::new(),
            quantity: 1,
            borrowed_at: Utc::now(),
            due_on: due,
            returned_at: None,
            overdue,
            borrower: None,
        };
        let later = day + chrono::Duration::days(5);
        let mut list = vec![
            loan(1, later, false),
            loan(2, day, true),
            loan(3, day, false),
        ];
        order_loans(&mut list);
        let ids: Vec<i64> = list.iter().map(|l| l.id).collect();
        assert_eq!(ids, vec![2, 3, 1]);
    }
}
