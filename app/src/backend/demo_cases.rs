//! A few hundred generated cases for the demo district, spread over every
//! state, level and source, some overdue and some rated, so a first
//! `make run` looks like a street at work.

use super::store::cases::{self as db, CaseRow, NewEvent};
use super::store::{accounts, Txn};
use crate::domain::case::{CaseSource, CaseStatus, DispatchLevel};
use crate::domain::deadline::{Calendar, TimeLimits};
use crate::domain::error::AppError;
use crate::domain::policy;
use chrono::{Duration, Utc};

/// A grid to put cases in: its code, community, street, a point inside it
/// and the company managing its compound.
pub struct DemoGrid {
    pub code: String,
    pub community: String,
    pub street: String,
    pub at: (f64, f64),
    pub company: Option<i64>,
}

fn pick(seed: u64, salt: u64) -> f64 {
    super::demo::noise(seed, salt, 77)
}

const TEXTS: [&str; 12] = [
    "楼下堆放了很多杂物，堵住了消防通道",
    "小区门口的路灯已经坏了好几天，晚上很黑",
    "电动车在楼道里充电，存在安全隐患",
    "车库顶部漏水，雨天更严重",
    "楼上装修噪音很大，中午也不停",
    "垃圾桶满了没有及时清运，味道很大",
    "人行道上的井盖松动，老人容易绊倒",
    "独居老人家里的水管坏了，需要帮忙",
    "路边有商贩占道经营，影响通行",
    "电梯经常停运，希望物业尽快维修",
    "快递柜前乱停车，堵住了单元门",
    "绿化带被踩坏，希望补种",
];

/// Writes `count` cases with their histories, reported by `residents`.
pub async fn seed(
    txn: &Txn,
    grids: &[DemoGrid],
    residents: &[i64],
    count: usize,
) -> Result<(), AppError> {
    let categories = db::categories(txn).await?;
    let subs: Vec<i64> = categories
        .iter()
        .filter(|c| c.parent_id.is_some())
        .map(|c| c.id)
        .collect();
    if subs.is_empty() || grids.is_empty() {
        return Ok(());
    }
    let calendar = Calendar::default();
    let limits = TimeLimits::default();
    let now = Utc::now();
    let departments = ["CG", "SJ", "XF", "GA", "ZJ"];
    // Each grid's owner of new cases (`policy::first_owner`), as a report names it.
    let staff = crate::backend::store::geography::all_staff(txn).await?;
    let mut owners = std::collections::HashMap::new();
    for g in grids {
        if let Some(id) = crate::backend::store::geography::region_id(txn, &g.code).await? {
            let roster: Vec<_> = staff
                .iter()
                .filter(|s| s.grid_id == id && s.active && policy::may_own(s.position))
                .map(|s| (s.user_id, s.position))
                .collect();
            owners.insert(g.code.clone(), policy::first_owner(&roster));
        }
    }
    for i in 0..count {
        let seed = i as u64 + 1;
        let g = &grids[i % grids.len()];
        let r = pick(seed, 1);
        let status = match r {
            x if x < 0.08 => CaseStatus::Reported,
            x if x < 0.14 => CaseStatus::Confirmed,
            x if x < 0.24 => CaseStatus::Dispatched,
            x if x < 0.40 => CaseStatus::InProgress,
            x if x < 0.46 => CaseStatus::Resolved,
            x if x < 0.54 => CaseStatus::FedBack,
            x if x < 0.64 => CaseStatus::Evaluated,
            x if x < 0.94 => CaseStatus::Closed,
            x if x < 0.98 => CaseStatus::Rejected,
            _ => CaseStatus::Merged,
        };
        let dispatched = !matches!(
            status,
            CaseStatus::Reported
                | CaseStatus::Confirmed
                | CaseStatus::Rejected
                | CaseStatus::Merged
        );
        let level = dispatched.then(|| match pick(seed, 2) {
            x if x < 0.6 => DispatchLevel::Grid,
            x if x < 0.75 => DispatchLevel::Community,
            x if x < 0.83 => DispatchLevel::Street,
            x if x < 0.93 => DispatchLevel::Department,
            _ => DispatchLevel::Company,
        });
        let level = match (level, g.company) {
            (Some(DispatchLevel::Company), None) => Some(DispatchLevel::Grid),
            (l, _) => l,
        };
        let source = match pick(seed, 3) {
            x if x < 0.7 => CaseSource::Resident,
            x if x < 0.9 => CaseSource::Patrol,
            _ => CaseSource::Hotline,
        };
        // Some open cases are old enough to be overdue for sure.
        let created = if status.is_open() && i % 7 == 0 {
            now - Duration::days(10 + (i % 5) as i64)
        } else {
            now - Duration::minutes((pick(seed, 4) * 30.0 * 24.0 * 60.0) as i64)
        };
        let started = created + Duration::hours(2);
        let due_level = level.unwrap_or(DispatchLevel::Grid);
        let due = calendar.add_working_days(started, limits.days(due_level));
        let reporter = (source == CaseSource::Resident && !residents.is_empty()).then(|| {
            residents[(pick(seed, 5) * residents.len() as f64) as usize % residents.len()]
        });
        let rated = matches!(status, CaseStatus::Evaluated | CaseStatus::Closed);
        let (alarm_stage, alarm_at) = demo_alarm(
            &calendar,
            status,
            if dispatched { started } else { created },
            due,
            now,
        );
        let row = CaseRow {
            id: 0,
            category_id: subs[(pick(seed, 6) * subs.len() as f64) as usize % subs.len()],
            description: TEXTS[i % TEXTS.len()].to_string(),
            lat: g.at.0 + (pick(seed, 7) - 0.5) * 0.0002,
            lng: g.at.1 + (pick(seed, 8) - 0.5) * 0.0002,
            grid_code: Some(g.code.clone()),
            community_code: Some(g.community.clone()),
            street_code: Some(g.street.clone()),
            company_id: g.company,
            source: source.as_str().into(),
            reporter_id: reporter,
            contact_phone: (source == CaseSource::Hotline).then(|| format!("137{:08}", 20_000 + i)),
            public: pick(seed, 9) < 0.7,
            status,
            level,
            department: (level == Some(DispatchLevel::Department))
                .then(|| departments[i % departments.len()].to_string()),
            started_at: if dispatched { started } else { created },
            due_at: (!matches!(status, CaseStatus::Rejected | CaseStatus::Merged)).then_some(due),
            result: matches!(
                status,
                CaseStatus::Resolved
                    | CaseStatus::FedBack
                    | CaseStatus::Evaluated
                    | CaseStatus::Closed
            )
            .then(|| "已现场处理完毕，并回访居民".to_string()),
            rating: rated.then(|| 3 + (pick(seed, 10) * 3.0) as i32 % 3),
            merged_into: None,
            owner_id: owners.get(&g.code).copied().flatten(),
            alarm_stage,
            alarm_at,
            assisting: Vec::new(),
            // The result came some hours after dispatch, mostly on time.
            resolution: matches!(
                status,
                CaseStatus::Resolved
                    | CaseStatus::FedBack
                    | CaseStatus::Evaluated
                    | CaseStatus::Closed
            )
            .then(|| {
                let at =
                    (started + Duration::minutes((pick(seed, 11) * 60.0 * 70.0) as i64)).min(now);
                let (minutes, on_time) =
                    crate::domain::assessment::resolution(created, Some(due), at);
                db::Resolution {
                    at,
                    minutes,
                    on_time,
                }
            }),
            version: 0,
            created_at: created,
            updated_at: started,
        };
        let event = |action: &str,
                     from: Option<CaseStatus>,
                     to: CaseStatus,
                     who: &str,
                     role: &str,
                     note: &str| NewEvent {
            actor_id: None,
            actor_name: who.to_string(),
            actor_role: role.to_string(),
            action: action.to_string(),
            from_status: from,
            to_status: to,
            note: note.to_string(),
            public: action != "progress",
        };
        let first = event("report", None, CaseStatus::Reported, "居民", "resident", "");
        let id = db::insert_case(txn, &row, &first).await?;
        // The history up to the case's status, one step an hour.
        use CaseStatus as S;
        let path: &[(&str, S, &str, &str, &str)] = &[
            ("confirm", S::Confirmed, "网格员", "grid_worker", ""),
            ("dispatch", S::Dispatched, "网格长", "grid_leader", ""),
            ("accept", S::InProgress, "承办人", "grid_worker", ""),
            (
                "progress",
                S::InProgress,
                "承办人",
                "grid_worker",
                "已到现场查看，正在协调处理",
            ),
            (
                "resolve",
                S::Resolved,
                "承办人",
                "grid_worker",
                "已现场处理完毕，并回访居民",
            ),
            ("feedback", S::FedBack, "网格员", "grid_worker", ""),
            (
                "evaluate",
                S::Evaluated,
                "居民",
                "resident",
                "处理及时，满意",
            ),
            ("close", S::Closed, "网格员", "grid_worker", ""),
        ];
        let end = match status {
            S::Reported => 0,
            S::Confirmed | S::Rejected | S::Merged => 1,
            S::Dispatched => 2,
            S::InProgress => 4,
            S::Resolved => 5,
            S::FedBack => 6,
            S::Evaluated => 7,
            S::Closed => 8,
        };
        let mut from = S::Reported;
        for (k, (action, to, who, role, note)) in path.iter().take(end).enumerate() {
            let at = created + Duration::hours(k as i64 + 1);
            db::append(
                txn,
                id,
                &event(action, Some(from), *to, who, role, note),
                at,
            )
            .await?;
            from = *to;
        }
        let last = match status {
            S::Rejected => Some(("reject", "经核实不属于网格事件")),
            S::Merged => Some(("merge", "与已有事件重复")),
            _ => None,
        };
        if let Some((action, note)) = last {
            let e = event(action, Some(from), status, "网格员", "grid_worker", note);
            db::append(txn, id, &e, created + Duration::hours(2)).await?;
        }
    }
    Ok(())
}

/// Demo residents who report cases (they cannot sign in).
pub async fn residents(txn: &Txn, n: usize) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let phone = format!("136{:08}", 30_000 + i);
        let name = format!("居民{}", i + 1);
        if let Some(id) = accounts::insert_user(txn, &phone, &name, None, &[]).await? {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Where the deadline sweep would stand with a demo case: open cases on time
/// or due soon run on as any case does; those already overdue count as
/// flagged history and are never escalated (a first `make run` should not
/// start by moving a seventh of the demo cases up a level).
fn demo_alarm(
    calendar: &Calendar,
    status: CaseStatus,
    start: chrono::DateTime<Utc>,
    due: chrono::DateTime<Utc>,
    now: chrono::DateTime<Utc>,
) -> (i16, Option<chrono::DateTime<Utc>>) {
    use crate::domain::alarm::{FLAGGED, WAITING, WARNED};
    let warn = calendar.warn_at(start, due);
    match () {
        _ if !status.is_open() => (WAITING, None),
        _ if now >= due => (FLAGGED, None),
        _ if now >= warn => (WARNED, Some(due)),
        _ => (WAITING, Some(warn)),
    }
}
