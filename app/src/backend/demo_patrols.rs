//! Sixty days of patrols and visits for the demo grids' workers, a few key
//! issues, and a whistle for every case with a department, each in one of
//! the four steps — so the dashboard and the assessment are alive on a first
//! `make run`.

use super::demo_cases::DemoGrid;
use super::store::whistles::{PartRow, SeedWhistle};
use super::store::{cases, geography, patrols, Txn};
use crate::domain::auth::Place;
use crate::domain::case::CaseStatus;
use crate::domain::deadline::{china, china_date, Calendar};
use crate::domain::error::AppError;
use crate::domain::patrol::{TrackPoint, VisitKind};
use crate::domain::policy;
use crate::domain::whistle::{PartState, WhistleState};
use chrono::{Duration, NaiveTime, TimeZone, Utc};

fn pick(seed: u64, salt: u64) -> f64 {
    super::demo::noise(seed, salt, 91)
}

const SUBJECTS: [&str; 8] = [
    "3号楼2单元",
    "惠民超市",
    "独居老人王奶奶家",
    "小区东门",
    "5号楼地下车库",
    "社区卫生服务站",
    "幸福里早餐店",
    "电动车充电棚",
];

const NOTES: [&str; 8] = [
    "楼道整洁，消防通道畅通",
    "提醒店主规范摆放商品，不占用人行道",
    "老人身体状况良好，已帮助联系送餐",
    "门岗登记正常",
    "发现顶部渗水，已告知物业",
    "宣传防诈骗知识",
    "油烟净化设施运行正常",
    "充电棚插座老化，建议更换",
];

/// The grids whose workers get a patrol history: enough to fill the
/// dashboard, few enough that a first start stays quick.
const PATROLLED_GRIDS: usize = 12;

/// Patrols of the last 60 days for every worker on the first demo grids' rosters.
pub async fn seed(txn: &Txn, grids: &[DemoGrid], street_admin: i64) -> Result<(), AppError> {
    let now = Utc::now();
    let today = china_date(now);
    let calendar = Calendar::default();
    let staff = geography::all_staff(txn).await?;
    let subs: Vec<i64> = cases::categories(txn)
        .await?
        .into_iter()
        .filter(|c| c.parent_id.is_some())
        .map(|c| c.id)
        .collect();
    let mut n: u64 = 0;
    for (gi, g) in grids.iter().take(PATROLLED_GRIDS).enumerate() {
        let Some(grid_id) = geography::region_id(txn, &g.code).await? else {
            continue;
        };
        let place = Place {
            grid: Some(g.code.clone()),
            community: Some(g.community.clone()),
            street: Some(g.street.clone()),
        };
        let workers: Vec<i64> = staff
            .iter()
            .filter(|s| s.grid_id == grid_id && s.active && policy::may_own(s.position))
            .map(|s| s.user_id)
            .collect();
        for &user in &workers {
            for back in 1..=60 {
                let day = today - Duration::days(back);
                if !calendar.is_working_day(day) {
                    continue;
                }
                n += 1;
                // Most days two patrols, some days one, now and then none.
                let times = match pick(n, 1) {
                    x if x < 0.8 => 2,
                    x if x < 0.95 => 1,
                    _ => 0,
                };
                for t in 0..times {
                    let seed = n * 3 + t;
                    let hour = if t == 0 { 9 } else { 15 };
                    let start = china()
                        .from_local_datetime(
                            &day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("a time")),
                        )
                        .single()
                        .expect("fixed offset")
                        .with_timezone(&Utc)
                        + Duration::minutes((pick(seed, 2) * 50.0) as i64);
                    let minutes = 20 + (pick(seed, 3) * 40.0) as i64;
                    let Some(p) = patrols::start(txn, user, &place, &g.code, start).await? else {
                        continue;
                    };
                    // A walk around the grid: eight points, a few minutes apart.
                    let pts: Vec<TrackPoint> = (0..8)
                        .map(|k| {
                            let a = k as f64 / 8.0 * std::f64::consts::TAU + gi as f64;
                            TrackPoint {
                                lat: g.at.0 + 0.0012 * a.sin(),
                                lng: g.at.1 + 0.0015 * a.cos(),
                                at: start + Duration::minutes(minutes * k / 8 + 1),
                                accuracy: Some(10.0),
                            }
                        })
                        .collect();
                    let (len, last) = crate::domain::patrol::track_length(None, &pts);
                    patrols::add_points(txn, p.id, None, &pts, len, last.as_ref()).await?;
                    if pick(seed, 4) < 0.7 {
                        let k = (pick(seed, 5) * SUBJECTS.len() as f64) as usize % SUBJECTS.len();
                        patrols::insert_visit(
                            txn,
                            &patrols::VisitRow {
                                id: 0,
                                patrol_id: p.id,
                                user_id: user,
                                grid_code: g.code.clone(),
                                kind: if k.is_multiple_of(2) {
                                    VisitKind::Household
                                } else {
                                    VisitKind::Place
                                }
                                .as_str()
                                .into(),
                                subject: SUBJECTS[k].into(),
                                note: NOTES[k].into(),
                                lat: g.at.0,
                                lng: g.at.1,
                                at: start + Duration::minutes(minutes / 2),
                                case_id: None,
                                household_id: None,
                            },
                        )
                        .await?;
                    }
                    patrols::end(txn, p.id, start + Duration::minutes(minutes)).await?;
                }
            }
        }
        // The first grids keep a couple of key issues each.
        if gi < 4 && subs.len() > 2 {
            for (k, (title, risk)) in [
                ("8号楼外墙瓷砖脱落", "high"),
                ("地下车库雨季渗水", "medium"),
            ]
            .into_iter()
            .enumerate()
            {
                patrols::insert_issue(
                    txn,
                    &patrols::KeyIssueRow {
                        id: 0,
                        grid_code: g.code.clone(),
                        category_id: subs[k],
                        title: title.into(),
                        risk: risk.into(),
                        status: "open".into(),
                        owner_id: workers.first().copied(),
                        created_by: workers.first().copied().unwrap_or(street_admin),
                        created_at: now - Duration::days(20 + k as i64),
                    },
                )
                .await?;
            }
        }
    }
    whistles(txn, street_admin).await
}

/// A whistle for every case with a department, in the step its case stands at.
async fn whistles(txn: &Txn, street_admin: i64) -> Result<(), AppError> {
    let assists = ["SJ", "XF", "ZJ", "CG"];
    for (i, c) in cases::with_departments(txn).await?.into_iter().enumerate() {
        let Some(lead) = c.department.clone() else {
            continue;
        };
        let seed = c.id as u64;
        let called = c.started_at;
        let due = c.due_at.unwrap_or(called + Duration::days(5));
        let assist = assists
            .iter()
            .find(|a| **a != lead)
            .map(|a| a.to_string())
            .filter(|_| i.is_multiple_of(2));
        let answered = Some(called + Duration::hours(2 + (pick(seed, 6) * 20.0) as i64));
        let reported = Some(called + Duration::hours(24 + (pick(seed, 7) * 80.0) as i64));
        let closed = matches!(
            c.status,
            CaseStatus::Resolved | CaseStatus::FedBack | CaseStatus::Evaluated | CaseStatus::Closed
        );
        let (lead_state, whistle_state) = match c.status {
            CaseStatus::Dispatched => (PartState::Called, WhistleState::Open),
            CaseStatus::InProgress if i.is_multiple_of(3) => {
                (PartState::Reported, WhistleState::Open)
            }
            CaseStatus::InProgress => (PartState::Accepted, WhistleState::Open),
            _ => (PartState::Reported, WhistleState::Closed),
        };
        let stars = |salt| closed.then(|| 3 + (pick(seed, salt) * 3.0) as i32 % 3);
        let mut parts = vec![PartRow {
            department: lead,
            lead: true,
            state: lead_state,
            reason: None,
            report: (lead_state == PartState::Reported).then(|| "已到现场处置完毕".to_string()),
            answered_at: (lead_state != PartState::Called)
                .then_some(answered)
                .flatten(),
            reported_at: (lead_state == PartState::Reported)
                .then_some(reported)
                .flatten(),
            rating: stars(8),
        }];
        if let Some(a) = &assist {
            // Every fourth assisting department sent its part back.
            let back = i.is_multiple_of(4);
            let state = match (back, lead_state) {
                (true, _) => PartState::SentBack,
                (_, PartState::Called) => PartState::Called,
                _ => PartState::Reported,
            };
            parts.push(PartRow {
                department: a.clone(),
                lead: false,
                state,
                reason: back.then(|| "不属于本部门职责".to_string()),
                report: (state == PartState::Reported).then(|| "已配合完成".to_string()),
                answered_at: (state != PartState::Called).then_some(answered).flatten(),
                reported_at: (state == PartState::Reported).then_some(reported).flatten(),
                rating: stars(9),
            });
            if state != PartState::SentBack {
                cases::set_assisting(txn, c.id, std::slice::from_ref(a)).await?;
            }
        }
        super::store::whistles::seed(
            txn,
            &SeedWhistle {
                case_id: c.id,
                called_by: street_admin,
                called_at: called,
                required_by: china_date(due - Duration::seconds(1)),
                due_at: due,
                state: whistle_state,
                closed_at: closed.then_some(reported).flatten(),
                result: closed.then(|| "核查：已整改到位".to_string()),
                parts,
            },
        )
        .await?;
    }
    Ok(())
}
