//! 四步议事 (issue 11): a resident proposes a topic in their community and
//! others second it (居民群众征民意); at the community's threshold it goes onto
//! the agenda; the community discusses it at a meeting (议题半月谈 or
//! 红色议事会), records minutes and the options put to a vote (党员代表共提议、
//! 联盟成员齐商议); voting runs for a window, one vote per resident or per
//! household, with paper ballots entered by staff; the result is published
//! and its implementation followed to the end (分工协作同努力). [`decide`] is
//! the one rule for the community's steps.

use super::error::{text_problem, Field, InputProblem, Problems};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_TITLE: usize = 40;
pub const MAX_BODY: usize = 2000;
pub const MAX_MINUTES: usize = 5000;
pub const MAX_REASON: usize = 200;
pub const MAX_OPTION: usize = 40;
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 6;
/// Seconds (附议) a topic needs to go onto the agenda unless the community
/// set its own number.
pub const DEFAULT_THRESHOLD: u32 = 5;
pub const MAX_THRESHOLD: u32 = 500;
/// A vote runs at most this long.
pub const MAX_VOTING_DAYS: i64 = 30;
/// Topics one person may propose a day (a list to deliberate, not a wall).
pub const MAX_PROPOSALS_PER_DAY: u64 = 5;
/// Topics a list page shows.
pub const PAGE: u64 = 20;

/// Where a topic stands on its four steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 1 征集: proposed, waiting for the community's review.
    Proposed,
    /// 1 征集: public, collecting seconds.
    Seconding,
    /// Enough seconds: on the community's agenda.
    Agenda,
    /// 2–3 商议、表决: discussed at a meeting, the vote is open (or will open).
    Voting,
    /// 3 表决: the result is published.
    Decided,
    /// 4 落实: being carried out.
    Implementing,
    /// 4 落实: done and publicised.
    Done,
}

names!(Stage {
    Proposed => "proposed", "待审核", "Awaiting review";
    Seconding => "seconding", "征集附议", "Collecting seconds";
    Agenda => "agenda", "已列入议程", "On the agenda";
    Voting => "voting", "表决中", "Voting";
    Decided => "decided", "已表决", "Decided";
    Implementing => "implementing", "落实中", "Being carried out";
    Done => "done", "已办结", "Done";
});

/// How the votes of a topic count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteMode {
    /// 一人一票: one vote per resident.
    Resident,
    /// 一户一票: one vote per household (its household record).
    Household,
}

names!(VoteMode {
    Resident => "resident", "一人一票", "One vote per resident";
    Household => "household", "一户一票", "One vote per household";
});

/// The meeting a topic is discussed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// 议题半月谈: the fortnightly meeting.
    HalfMonth,
    /// 红色议事会
    Council,
}

names!(MeetingKind {
    HalfMonth => "half_month", "议题半月谈", "Fortnightly topic meeting";
    Council => "council", "红色议事会", "Red council";
});

/// A topic as a resident proposes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewTopic {
    pub community_code: String,
    pub title: String,
    pub body: String,
}

impl NewTopic {
    pub fn problems(&self) -> Problems {
        let mut p = Vec::new();
        text_problems(&mut p, Field::Title, &self.title, MAX_TITLE);
        text_problems(&mut p, Field::Description, &self.body, MAX_BODY);
        p
    }
}

fn text_problems(p: &mut Problems, field: Field, text: &str, max: usize) {
    if let Some(problem) = text_problem(text, max, true) {
        p.push((field, problem));
    }
}

/// A step the community takes on a topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffStep {
    /// The review passed: the topic is public and collects seconds.
    Approve,
    /// Hidden from everyone but its proposer (who sees the reason) and staff.
    Hide { reason: String },
    /// 商议: the meeting, its minutes and the options put to a vote, with the
    /// vote's mode and window.
    Discuss(Discussion),
    /// 表决结果: after the window closes, the decision is published.
    Publish { decision: String },
    /// 落实: progress with a note, and what carries it out (a case or a
    /// project of the three lists).
    Progress(ProgressUpdate),
}

impl StaffStep {
    pub fn as_str(&self) -> &'static str {
        match self {
            StaffStep::Approve => "approve",
            StaffStep::Hide { .. } => "hide",
            StaffStep::Discuss(_) => "discuss",
            StaffStep::Publish { .. } => "publish",
            StaffStep::Progress(_) => "progress",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Discussion {
    pub kind: MeetingKind,
    pub held_at: DateTime<Utc>,
    pub place: String,
    pub minutes: String,
    pub options: Vec<String>,
    pub mode: VoteMode,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl Discussion {
    pub fn problems(&self, now: DateTime<Utc>) -> Problems {
        let mut p = Vec::new();
        text_problems(&mut p, Field::Place, &self.place, MAX_OPTION * 2);
        text_problems(&mut p, Field::Minutes, &self.minutes, MAX_MINUTES);
        let options: Vec<&str> = self.options.iter().map(|o| o.trim()).collect();
        if options.len() < MIN_OPTIONS {
            p.push((Field::Options, InputProblem::Required));
        } else if options.len() > MAX_OPTIONS {
            p.push((Field::Options, InputProblem::TooMany));
        } else if options.iter().enumerate().any(|(i, o)| {
            o.is_empty() || o.chars().count() > MAX_OPTION || options[..i].contains(o)
        }) {
            p.push((Field::Options, InputProblem::Unknown));
        }
        // The meeting was held (today at the latest, within the year); the
        // vote opens within a month and lasts at most a month, so every
        // vote closes and its result can be published.
        if self.closes_at <= self.opens_at
            || self.closes_at <= now
            || self.opens_at > now + Duration::days(MAX_VOTING_DAYS)
            || self.closes_at - self.opens_at > Duration::days(MAX_VOTING_DAYS)
            || self.held_at > now + Duration::days(1)
            || self.held_at < now - Duration::days(365)
        {
            p.push((Field::Time, InputProblem::OutOfRange));
        }
        p
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressUpdate {
    pub progress: u8,
    pub note: String,
    /// A case that carries the decision out.
    #[serde(default)]
    pub case_id: Option<i64>,
    /// A project of the three lists that carries it out.
    #[serde(default)]
    pub project_id: Option<i64>,
}

/// A topic's facts as the rule needs them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Facts {
    pub stage: Stage,
    pub hidden: bool,
    pub closes_at: Option<DateTime<Utc>>,
}

/// Why a step cannot be taken now (the HTTP 409 family).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotNow {
    WrongStage,
    /// The vote is still open.
    StillVoting,
}

/// The stage a community step leads to, or why it cannot be taken now.
pub fn decide(facts: &Facts, step: &StaffStep, now: DateTime<Utc>) -> Result<Stage, NotNow> {
    use Stage::*;
    let s = facts.stage;
    match step {
        StaffStep::Hide { .. } if !facts.hidden => Ok(s),
        StaffStep::Hide { .. } => Err(NotNow::WrongStage),
        _ if facts.hidden => Err(NotNow::WrongStage),
        StaffStep::Approve if s == Proposed => Ok(Seconding),
        // The community may take a topic up before it reaches the threshold.
        StaffStep::Discuss(_) if matches!(s, Seconding | Agenda) => Ok(Voting),
        StaffStep::Publish { .. } if s == Voting => match facts.closes_at {
            Some(c) if c <= now => Ok(Decided),
            _ => Err(NotNow::StillVoting),
        },
        StaffStep::Progress(p) if matches!(s, Decided | Implementing) => Ok(if p.progress >= 100 {
            Done
        } else {
            Implementing
        }),
        _ => Err(NotNow::WrongStage),
    }
}

/// Whether a vote cast at `now` falls in the window.
pub fn vote_open(
    stage: Stage,
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    stage == Stage::Voting
        && opens_at.is_some_and(|o| o <= now)
        && closes_at.is_some_and(|c| now < c)
}

/// Who a vote counts for: the one-vote rule's key, the same online and on
/// paper. A voter is who the community's household records say: 一户一票
/// counts their household, 一人一票 the member of it they are.
pub fn voter_key(mode: VoteMode, household: i64, member: Option<i64>) -> Option<String> {
    match (mode, member) {
        (VoteMode::Household, _) => Some(format!("h:{household}")),
        (VoteMode::Resident, Some(m)) => Some(format!("m:{m}")),
        (VoteMode::Resident, None) => None,
    }
}

/// One option with its count (counts are public: the tally is live).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionView {
    pub id: i64,
    pub label: String,
    pub votes: u64,
}

/// A line of the implementation's progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UpdateView {
    pub progress: u8,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A topic as a list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicLine {
    pub id: i64,
    pub title: String,
    pub community_name: String,
    pub stage: Stage,
    pub seconds: u32,
    pub threshold: u32,
    pub votes: u64,
    pub progress: u8,
    pub hidden: bool,
    pub created_at: DateTime<Utc>,
}

/// A topic's whole path, as its public result page shows it. No name of a
/// proposer, seconder or voter: counts only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicView {
    pub id: i64,
    pub community_code: String,
    pub community_name: String,
    pub title: String,
    pub body: String,
    pub stage: Stage,
    pub created_at: DateTime<Utc>,
    pub seconds: u32,
    pub threshold: u32,
    pub agenda_at: Option<DateTime<Utc>>,
    pub meeting: Option<MeetingView>,
    pub mode: Option<VoteMode>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub options: Vec<OptionView>,
    /// Votes counted, paper ballots included.
    pub votes: u64,
    pub decision: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub progress: u8,
    pub updates: Vec<UpdateView>,
    pub case_id: Option<i64>,
    pub project_id: Option<i64>,
    /// The reason it was hidden: for its proposer and staff only.
    pub hidden_reason: Option<String>,
    pub hidden: bool,
    /// What the reader may do now.
    pub mine: bool,
    pub seconded: bool,
    pub voted: bool,
    pub may_second: bool,
    pub may_vote: bool,
    pub staff: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeetingView {
    pub kind: MeetingKind,
    pub held_at: DateTime<Utc>,
    pub place: String,
    pub minutes: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(stage: Stage) -> Facts {
        Facts {
            stage,
            hidden: false,
            closes_at: None,
        }
    }

    #[test]
    fn each_step_in_its_stage() {
        let now = Utc::now();
        assert_eq!(
            decide(&facts(Stage::Proposed), &StaffStep::Approve, now),
            Ok(Stage::Seconding)
        );
        assert_eq!(
            decide(&facts(Stage::Seconding), &StaffStep::Approve, now),
            Err(NotNow::WrongStage)
        );
        let publish = StaffStep::Publish {
            decision: "x".into(),
        };
        let mut voting = facts(Stage::Voting);
        voting.closes_at = Some(now + Duration::hours(1));
        assert_eq!(decide(&voting, &publish, now), Err(NotNow::StillVoting));
        voting.closes_at = Some(now - Duration::hours(1));
        assert_eq!(decide(&voting, &publish, now), Ok(Stage::Decided));
        let progress = |p| {
            StaffStep::Progress(ProgressUpdate {
                progress: p,
                note: "x".into(),
                case_id: None,
                project_id: None,
            })
        };
        assert_eq!(
            decide(&facts(Stage::Decided), &progress(40), now),
            Ok(Stage::Implementing)
        );
        assert_eq!(
            decide(&facts(Stage::Implementing), &progress(100), now),
            Ok(Stage::Done)
        );
        assert_eq!(
            decide(&facts(Stage::Voting), &progress(40), now),
            Err(NotNow::WrongStage)
        );
        let mut hidden = facts(Stage::Seconding);
        hidden.hidden = true;
        assert_eq!(
            decide(&hidden, &StaffStep::Approve, now),
            Err(NotNow::WrongStage)
        );
    }

    #[test]
    fn the_window_and_the_keys() {
        let now = Utc::now();
        let (o, c) = (
            Some(now - Duration::hours(1)),
            Some(now + Duration::hours(1)),
        );
        assert!(vote_open(Stage::Voting, o, c, now));
        assert!(!vote_open(Stage::Voting, c, c, now), "not yet open");
        assert!(!vote_open(Stage::Voting, o, o, now), "closed");
        assert!(!vote_open(Stage::Decided, o, c, now));
        assert_eq!(
            voter_key(VoteMode::Household, 3, Some(9)),
            Some("h:3".into())
        );
        assert_eq!(
            voter_key(VoteMode::Resident, 3, Some(9)),
            Some("m:9".into())
        );
        assert_eq!(voter_key(VoteMode::Resident, 3, None), None);
    }

    #[test]
    fn a_discussion_needs_options_and_a_window() {
        let now = Utc::now();
        let mut d = Discussion {
            kind: MeetingKind::HalfMonth,
            held_at: now,
            place: "社区党群服务中心".into(),
            minutes: "讨论了充电棚选址".into(),
            options: vec!["同意".into(), "不同意".into()],
            mode: VoteMode::Resident,
            opens_at: now,
            closes_at: now + Duration::days(3),
        };
        assert!(d.problems(now).is_empty());
        d.options = vec!["同意".into(), "同意".into()];
        assert_eq!(d.problems(now), [(Field::Options, InputProblem::Unknown)]);
        d.options = vec!["同意".into()];
        assert_eq!(d.problems(now), [(Field::Options, InputProblem::Required)]);
        d.options = vec!["同意".into(), "不同意".into()];
        d.closes_at = now + Duration::days(31);
        assert_eq!(d.problems(now), [(Field::Time, InputProblem::OutOfRange)]);
        d.opens_at = now + Duration::days(3650);
        d.closes_at = d.opens_at + Duration::days(3);
        assert_eq!(
            d.problems(now),
            [(Field::Time, InputProblem::OutOfRange)],
            "a vote that never comes"
        );
    }
}
