//! Deliberation in the demo district (issue 11): topics of the first
//! community in every step of 四步议事 — one awaiting review, one collecting
//! seconds, one on the agenda, one being voted on, and decided ones being
//! carried out or done — with seconds from the demo's residents and votes
//! from its household records (一户一票), so a first `make run` shows the
//! whole path.

use super::store::topics::{self as db, NewTopicRow, StepWrite};
use super::store::{households, Txn};
use crate::domain::error::AppError;
use crate::domain::topic::{MeetingKind, Stage, VoteMode};
use chrono::{Duration, Utc};

const COMMUNITY: &str = "370103-001-001";
const STREET: &str = "370103-001";
/// The community's seconding threshold.
const THRESHOLD: i32 = 5;

struct DemoTopic {
    title: &'static str,
    body: &'static str,
    stage: Stage,
    /// Votes for each option, when the topic reached the vote.
    votes: &'static [u32],
    progress: &'static [(i32, &'static str)],
}

const TOPICS: [DemoTopic; 7] = [
    DemoTopic {
        title: "建设电动车集中充电棚",
        body:
            "不少居民把电动车推进楼道充电，存在火灾隐患。建议在小区空地建设集中充电棚，统一管理。",
        stage: Stage::Done,
        votes: &[38, 9],
        progress: &[
            (40, "物业完成选址和报价，经联席会确认"),
            (100, "充电棚已建成投用，设 40 个充电位"),
        ],
    },
    DemoTopic {
        title: "清理楼道堆物，划设消防通道",
        body: "3号楼、5号楼楼道堆放杂物较多，消防车道常被占用，建议集中清理并重新划线。",
        stage: Stage::Implementing,
        votes: &[41, 4],
        progress: &[(60, "3号楼已清理完毕，5号楼本周清理，消防通道划线已报物业")],
    },
    DemoTopic {
        title: "增设智能快递柜",
        body: "快递多堆放在门卫室，取件不便也易丢失，建议在小区北门增设智能快递柜。",
        stage: Stage::Decided,
        votes: &[29, 12, 6],
        progress: &[],
    },
    DemoTopic {
        title: "老旧电梯维保费用分摊方案",
        body: "2号楼、4号楼电梯运行二十年，故障频繁，需要大修。维修资金如何分摊请大家议一议。",
        stage: Stage::Voting,
        votes: &[14, 9],
        progress: &[],
    },
    DemoTopic {
        title: "装修施工时间公约",
        body: "近期多户装修，周末早上噪音扰民，建议制定装修施工时间公约。",
        stage: Stage::Agenda,
        votes: &[],
        progress: &[],
    },
    DemoTopic {
        title: "地下车库渗水维修",
        body: "雨后地下车库东侧渗水严重，墙面起皮，请物业和业委会尽快商议维修方案。",
        stage: Stage::Seconding,
        votes: &[],
        progress: &[],
    },
    DemoTopic {
        title: "5G基站选址意见征集",
        body: "运营商计划在小区内建设5G基站，部分居民对选址有顾虑，希望公开讨论。",
        stage: Stage::Proposed,
        votes: &[],
        progress: &[],
    },
];

const OPTIONS: [&[&str]; 4] = [
    &["同意在3号楼东侧空地建设", "不同意"],
    &["同意集中清理并划线", "不同意"],
    &["北门西侧", "南门东侧", "暂不增设"],
    &["按楼层分摊", "按户均摊"],
];

fn rank(s: Stage) -> u8 {
    match s {
        Stage::Proposed => 0,
        Stage::Seconding => 1,
        Stage::Agenda => 2,
        Stage::Voting => 3,
        Stage::Decided => 4,
        Stage::Implementing => 5,
        Stage::Done => 6,
    }
}

/// Seeds the topics inside the demo's transaction. `residents` propose and
/// second; `admin` (the community admin) takes the community's steps.
pub async fn seed(db: &Txn, residents: &[i64], admin: i64) -> Result<(), AppError> {
    let now = Utc::now();
    db::set_threshold(db, COMMUNITY, THRESHOLD).await?;
    let homes = households::ids_in_community(db, COMMUNITY, 80).await?;
    for (i, t) in TOPICS.iter().enumerate() {
        let at = now - Duration::days(60 - 8 * i as i64);
        let id = db::insert(
            db,
            &NewTopicRow {
                community_code: COMMUNITY,
                street_code: Some(STREET.to_string()),
                proposer_id: residents[i % residents.len()],
                title: t.title,
                body: t.body,
                stage: Stage::Proposed.as_str(),
            },
            at,
        )
        .await?;
        let r = rank(t.stage);
        if r == 0 {
            continue;
        }
        db::step(
            db,
            id,
            Stage::Proposed.as_str(),
            Stage::Seconding.as_str(),
            &StepWrite::Approve,
            at,
        )
        .await?;
        // Seconds: enough for the agenda from the agenda on, two before.
        let seconds = if r >= 2 { 7 } else { 2 };
        for who in residents
            .iter()
            .filter(|u| **u != residents[i % residents.len()])
            .take(seconds)
        {
            db::second(
                db,
                id,
                *who,
                THRESHOLD,
                (Stage::Seconding.as_str(), Stage::Agenda.as_str()),
                at,
            )
            .await?;
        }
        if r < 3 {
            continue;
        }
        let options: Vec<String> = OPTIONS[i].iter().map(|o| o.to_string()).collect();
        let (opens, closes) = if t.stage == Stage::Voting {
            (now - Duration::days(2), now + Duration::days(5))
        } else {
            (at + Duration::days(3), at + Duration::days(7))
        };
        db::step(
            db,
            id,
            Stage::Agenda.as_str(),
            Stage::Voting.as_str(),
            &StepWrite::Discuss {
                kind: if i % 2 == 0 { MeetingKind::HalfMonth } else { MeetingKind::Council }.as_str(),
                held_at: opens,
                place: "社区党群服务中心议事厅",
                minutes: "居民代表、党员代表、物业和业委会参加。各方陈述意见后形成表决方案，提交居民投票。",
                options: &options,
                mode: VoteMode::Household.as_str(),
                opens_at: opens,
                closes_at: closes,
            },
            opens,
        )
        .await?;
        let ids: Vec<i64> = db::options_of(db, id)
            .await?
            .into_iter()
            .map(|o| o.0)
            .collect();
        let mut voters = homes.iter();
        for (option, n) in ids.iter().zip(t.votes) {
            for h in voters.by_ref().take(*n as usize) {
                db::vote(db, id, *option, &format!("h:{h}"), None, opens).await?;
            }
        }
        if r < 4 {
            continue;
        }
        let decided = closes + Duration::hours(2);
        db::step(
            db,
            id,
            Stage::Voting.as_str(),
            Stage::Decided.as_str(),
            &StepWrite::Publish {
                decision: "经投票，多数住户同意第一方案，由物业牵头、社区监督实施，进展在此公示。",
            },
            decided,
        )
        .await?;
        let mut from = Stage::Decided;
        for (n, (progress, note)) in t.progress.iter().enumerate() {
            let to = if *progress >= 100 {
                Stage::Done
            } else {
                Stage::Implementing
            };
            db::step(
                db,
                id,
                from.as_str(),
                to.as_str(),
                &StepWrite::Progress {
                    progress: *progress,
                    note,
                    author: admin,
                    case_id: None,
                    project_id: None,
                },
                decided + Duration::days(3 + 5 * n as i64),
            )
            .await?;
            from = to;
        }
    }
    Ok(())
}
