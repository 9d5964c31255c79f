//! The first community's 共享小屋 in the demo district (issue 11): the
//! things the seeds name (ladders, drills, wheelchairs, folding tables and
//! chairs, umbrellas), some out on loan — one of them overdue — so a first
//! `make run` shows the shed at work.

use super::store::sharing::{self as db, NewLoan};
use super::store::Txn;
use crate::domain::error::AppError;
use crate::domain::sharing::ShedItemForm;
use chrono::{Duration, Utc};

const COMMUNITY: &str = "370103-001-001";
const STREET: &str = "370103-001";

/// (name, note, stock, loan days)
const THINGS: [(&str, &str, u32, u32); 6] = [
    ("铝合金折叠梯", "2米，可承重150公斤", 2, 3),
    ("电钻工具箱", "含钻头、螺丝刀套装", 2, 3),
    ("轮椅", "折叠式，适合短期康复使用", 2, 14),
    ("折叠桌椅", "一套一桌四椅，红白事、聚会可借", 10, 2),
    ("爱心雨伞", "雨天借用，晴天归还", 30, 3),
    ("血压计", "电子血压计", 1, 7),
];

/// `residents`: demo residents who have borrowed something.
pub async fn seed(db: &Txn, residents: &[i64]) -> Result<(), AppError> {
    let now = Utc::now();
    let today = crate::domain::deadline::china_date(now);
    let mut ids = Vec::new();
    for (name, note, total, loan_days) in THINGS {
        let form = ShedItemForm {
            id: None,
            community_code: COMMUNITY.into(),
            name: name.into(),
            note: note.into(),
            total,
            loan_days,
        };
        ids.push(db::insert_item(db, &form, Some(STREET.into()), now).await?);
    }
    // (thing, borrower, days ago, loan days): the ladder is two days late.
    let loans = [(0, 0, 5, 3), (2, 1, 4, 14), (3, 2, 1, 2), (4, 3, 0, 3)];
    for (thing, who, ago, days) in loans {
        let Some(&borrower) = residents.get(who) else {
            continue;
        };
        // The demo's borrowers have fewer than five out: each is made.
        let _ = db::borrow(
            db,
            &NewLoan {
                item_id: ids[thing],
                community_code: COMMUNITY.into(),
                street_code: Some(STREET.into()),
                borrower_id: borrower,
                quantity: 1,
                due_on: today - Duration::days(ago) + Duration::days(days),
                at: now - Duration::days(ago),
            },
            u64::MAX,
        )
        .await?;
    }
    Ok(())
}
