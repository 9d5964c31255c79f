//! The first community's 共享小屋 in the demo district (issue 11): the
//! things the seeds name (ladders, drills, wheelchairs, folding tables and
//! chairs, umbrellas), some out on loan — one of them overdue — so a first
//! `make run` shows the shed at work; and residents' and a unit's offers
//! and asks (置换-分享), one of them agreed.

use super::store::exchange;
use super::store::sharing::{self as db, NewLoan};
use super::store::Txn;
use crate::domain::error::AppError;
use crate::domain::exchange::{Deal, MatchStep, PostForm, PostKind, Thing};
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

/// (kind, deal, thing, title, detail, author: index into the residents or
/// none for the demo unit's admin posting for the unit)
type Offer = (
    PostKind,
    Deal,
    Thing,
    &'static str,
    &'static str,
    Option<usize>,
);

const OFFERS: [Offer; 7] = [
    (
        PostKind::Offer,
        Deal::Lend,
        Thing::Item,
        "儿童自行车（16寸）",
        "孩子长大了，闲置的自行车可借给邻居家孩子学车。",
        Some(1),
    ),
    (
        PostKind::Offer,
        Deal::Give,
        Thing::Item,
        "初中教辅书一套",
        "七到九年级数学、英语，九成新，免费送给需要的同学。",
        Some(2),
    ),
    (
        PostKind::Ask,
        Deal::Lend,
        Thing::Item,
        "想借一辆婴儿推车",
        "外孙女来住两周，想借一辆婴儿推车，用完洗净归还。",
        Some(3),
    ),
    (
        PostKind::Offer,
        Deal::Give,
        Thing::Skill,
        "党员志愿理发",
        "每月第一个周六上午在社区活动室，老人和残疾人可预约上门。",
        None,
    ),
    (
        PostKind::Ask,
        Deal::Give,
        Thing::Skill,
        "请人帮忙调试老人智能手机",
        "想学用手机挂号和视频通话，哪位邻居有空教一教？",
        Some(4),
    ),
    (
        PostKind::Offer,
        Deal::Swap,
        Thing::Item,
        "绿萝、吊兰盆栽",
        "家里养多了，想换几盆多肉。",
        Some(5),
    ),
    (
        PostKind::Offer,
        Deal::Lend,
        Thing::Item,
        "电动缝纫机",
        "会用的邻居可借，改裤脚、缝窗帘都行。",
        Some(0),
    ),
];

/// 置换-分享 offers and asks in the first community. `residents[0]` is
/// the demo resident: they agreed to borrow the bicycle (both sides see
/// each other's contact) and a neighbour has answered their sewing
/// machine (theirs to agree to).
pub async fn seed_exchange(
    db: &Txn,
    residents: &[i64],
    unit_admin: i64,
    unit: i64,
) -> Result<(), AppError> {
    let now = Utc::now();
    let no_limit = exchange::PostLimits {
        open: u64::MAX,
        a_day: u64::MAX,
    };
    let mut ids = Vec::new();
    for (i, (kind, deal, thing, title, detail, author)) in OFFERS.into_iter().enumerate() {
        let (author, unit) = match author {
            Some(r) => match residents.get(r) {
                Some(&id) => (id, None),
                None => continue,
            },
            None => (unit_admin, Some(unit)),
        };
        let form = PostForm {
            kind,
            deal,
            thing,
            community_code: COMMUNITY.into(),
            title: title.into(),
            detail: detail.into(),
            for_unit: unit.is_some(),
        };
        let at = now - Duration::hours(6 * (OFFERS.len() - i) as i64);
        if let Ok(id) =
            exchange::insert_post(db, &form, author, unit, Some(STREET.into()), no_limit, at)
                .await?
        {
            ids.push((i, id));
        }
    }
    let post = |i: usize| ids.iter().find(|(n, _)| *n == i).map(|(_, id)| *id);
    // (post, who answers, what they say, agreed)
    let answers = [
        (0, 0, "孩子正在学车，周末想借两天，用完擦干净送回。", true),
        (6, 1, "想借来改两条裤脚，一个下午就还。", false),
    ];
    for (p, who, message, agreed) in answers {
        let (Some(post), Some(&by)) = (post(p), residents.get(who)) else {
            continue;
        };
        if let Ok(m) = exchange::insert_answer(db, post, by, message, u64::MAX, now).await? {
            if agreed {
                exchange::move_answer(db, m, MatchStep::Asked, MatchStep::Agreed, now).await?;
            }
        }
    }
    Ok(())
}
