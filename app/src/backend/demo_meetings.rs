//! Joint meetings in the demo district (issue 11): the first community's
//! last 物业联席会 with its attendance, agenda (one of its open cases and the
//! matters the seeds name: fire lanes, garage leaks, EV charging), minutes
//! and resolutions in every state — one overdue, one under way, one done,
//! one not yet started — and the next meeting on the calendar, so a first
//! `make run` shows the whole loop.

use super::store::meetings::{self as db, MeetingWrite, ResolutionWrite};
use super::store::Txn;
use crate::domain::error::AppError;
use crate::domain::meeting::{
    AgendaItem, ItemKind, MeetingForm, Owner, OwnerKind, ResolutionStatus,
};
use chrono::{Duration, Utc};

const COMMUNITY: &str = "370103-001-001";
const STREET: &str = "370103-001";

/// A demo resolution: its words, owner, due date (days from today) and
/// the progress reports on it.
type DemoResolution = (&'static str, Owner, i64, &'static [(u8, &'static str)]);

fn free(title: &str) -> AgendaItem {
    AgendaItem {
        kind: ItemKind::Free,
        ref_id: None,
        title: title.to_string(),
    }
}

fn owner(kind: OwnerKind, reference: &str) -> Owner {
    Owner {
        kind,
        reference: reference.to_string(),
    }
}

/// `companies`: the demo companies managing the community's compounds.
pub async fn seed(db: &Txn, admin: i64, companies: &[i64]) -> Result<(), AppError> {
    let now = Utc::now();
    let today = crate::domain::deadline::china_date(now);
    let mut agenda = Vec::new();
    if let Some((case, _)) = db::open_cases_in(db, COMMUNITY, 1)
        .await?
        .into_iter()
        .next()
    {
        let title = db::case_titles(db, COMMUNITY, &[case])
            .await?
            .remove(&case)
            .unwrap_or_default();
        agenda.push(AgendaItem {
            kind: ItemKind::Case,
            ref_id: Some(case),
            title,
        });
    }
    agenda.extend(["消防通道占用整治", "地下车库渗漏维修", "电动车充电棚增容"].map(free));
    let held = MeetingForm {
        id: None,
        version: 0,
        community_code: COMMUNITY.into(),
        title: "第三季度红色物业联席会".into(),
        starts_at: now - Duration::days(20),
        place: "兴隆社区党群服务中心".into(),
        compounds: Vec::new(),
        companies: companies.to_vec(),
        committee: "兴隆小区业委会".into(),
        representatives: "楼栋长及居民代表".into(),
        agenda: agenda.clone(),
        minutes: "社区党委书记主持。物业公司通报本季度工单办理情况；业委会和居民代表反映消防通道被占用、\
                  地下车库雨后渗水、充电棚容量不足等问题。经协商形成四项决议，明确责任单位和完成时限，\
                  由社区跟踪督办，下次联席会通报落实情况。"
            .into(),
        present: companies.to_vec(),
        committee_present: true,
        representatives_present: 8,
    };
    let write = |form| MeetingWrite {
        form,
        street_code: Some(STREET.into()),
        by: admin,
        at: now,
    };
    let meeting = db::insert_meeting(db, &write(&held)).await?;
    let first = companies.first().copied().unwrap_or(1).to_string();
    let second = companies.get(1).copied().unwrap_or(1).to_string();
    let resolutions: [DemoResolution; 4] = [
        (
            "清理3号楼、5号楼楼道堆物，重新划设消防通道标线",
            owner(OwnerKind::Company, &first),
            -3,
            &[(60, "3号楼已清理，5号楼标线待施工")],
        ),
        (
            "排查地下车库渗漏点，出具维修方案并公示",
            owner(OwnerKind::Company, &second),
            10,
            &[(30, "已排查出6处渗漏点，维修方案编制中")],
        ),
        (
            "协调供电部门为电动车充电棚增容",
            owner(OwnerKind::Community, COMMUNITY),
            20,
            &[],
        ),
        (
            "清理北门外占道经营摊点",
            owner(OwnerKind::Department, "CG"),
            -5,
            &[(50, "已约谈摊主"), (100, "摊点已清理，设置便民疏导点")],
        ),
    ];
    for (text, who, due, reports) in resolutions {
        let id = db::insert_resolution(
            db,
            &ResolutionWrite {
                meeting_id: meeting,
                community_code: COMMUNITY.into(),
                street_code: Some(STREET.into()),
                body: text.into(),
                owner: who,
                due_on: today + Duration::days(due),
                case_id: None,
                at: now - Duration::days(20),
            },
        )
        .await?;
        for (n, (progress, note)) in reports.iter().enumerate() {
            let at = now - Duration::days(10 - n as i64 * 3);
            let status = ResolutionStatus::after_progress(*progress);
            // A new resolution is version 1; each report adds one.
            let version = 1 + n as i64;
            db::report_progress(db, id, version, *progress, status, note, admin, at).await?;
        }
    }
    let next = MeetingForm {
        title: "第四季度红色物业联席会".into(),
        starts_at: now + Duration::days(5),
        agenda: ["5G基站选址征求意见", "装修噪音管理公约", "快递柜进小区"]
            .map(free)
            .to_vec(),
        minutes: String::new(),
        present: Vec::new(),
        committee_present: false,
        representatives_present: 0,
        ..held.clone()
    };
    db::insert_meeting(db, &write(&next)).await?;
    Ok(())
}
