//! 物业联席会 (issue 11): a community convenes its property companies, the
//! owners' committee (业委会) and resident representatives; the agenda takes
//! open cases, deliberation topics and free items; attendance and minutes
//! are recorded; each decision becomes a resolution with an owner (a
//! company, a unit, a department or the community itself), a due date,
//! progress and a status, followed until it is done. Plain Rust, for the
//! server and the browser alike; who may see what is `policy`'s.

use super::error::{text_problem, Field, InputProblem, Problems};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_TITLE: usize = 60;
pub const MAX_PLACE: usize = 60;
/// The owners' committee and the resident representatives, as written.
pub const MAX_PEOPLE: usize = 200;
pub const MAX_MINUTES: usize = 5000;
pub const MAX_ITEMS: usize = 20;
pub const MAX_ITEM: usize = 100;
pub const MAX_INVITED: usize = 20;
pub const MAX_COMPOUNDS: usize = 30;
pub const MAX_REPRESENTATIVES: u32 = 500;
pub const MAX_RESOLUTION: usize = 300;
pub const MAX_NOTE: usize = 300;
/// A resolution is due at most this far ahead.
pub const MAX_DUE_DAYS: i64 = 730;
/// Meetings a list shows (newest first), and open resolutions.
pub const LISTED: u64 = 50;
pub const LISTED_RESOLUTIONS: u64 = 100;
/// Cases and topics offered for the agenda.
pub const CANDIDATES: u64 = 50;

/// What an agenda item is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An open case of the community (its id in `ref_id`).
    Case,
    /// A deliberation topic (四步议事).
    Topic,
    /// Anything else the meeting takes up.
    Free,
}

names!(ItemKind {
    Case => "case", "事件", "Case";
    Topic => "topic", "议题", "Topic";
    Free => "free", "其他事项", "Other item";
});

/// One item of a meeting's agenda.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub kind: ItemKind,
    pub ref_id: Option<i64>,
    /// The item's words (for a case or topic, as the server read it).
    pub title: String,
}

/// Who carries a resolution out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    Company,
    Unit,
    Department,
    Community,
}

names!(OwnerKind {
    Company => "company", "物业公司", "Property company";
    Unit => "unit", "双报到单位", "Unit";
    Department => "department", "职能部门", "Department";
    Community => "community", "社区", "Community";
});

/// A resolution's owner: the kind and its reference (a company's or unit's
/// id, a department's code, a community's code).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Owner {
    pub kind: OwnerKind,
    pub reference: String,
}

impl Owner {
    pub fn company(id: i64) -> Owner {
        Owner {
            kind: OwnerKind::Company,
            reference: id.to_string(),
        }
    }

    /// The form's value for a select (`kind:reference`), and back.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.reference)
    }

    pub fn from_key(s: &str) -> Option<Owner> {
        let (kind, reference) = s.split_once(':')?;
        Some(Owner {
            kind: OwnerKind::parse(kind)?,
            reference: reference.to_string(),
        })
    }
}

/// Where a resolution stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionStatus {
    /// 待落实: nothing reported yet.
    Open,
    /// 落实中
    InProgress,
    /// 已完成
    Done,
    /// 已撤销: the community withdrew it.
    Dropped,
}

names!(ResolutionStatus {
    Open => "open", "待落实", "Open";
    InProgress => "in_progress", "落实中", "In progress";
    Done => "done", "已完成", "Done";
    Dropped => "dropped", "已撤销", "Withdrawn";
});

impl ResolutionStatus {
    /// Still to be carried out (and so able to be overdue).
    pub fn is_open(self) -> bool {
        matches!(self, ResolutionStatus::Open | ResolutionStatus::InProgress)
    }

    /// The status a progress report leaves: done at 100 %, open at 0.
    pub fn after_progress(progress: u8) -> ResolutionStatus {
        match progress {
            0 => ResolutionStatus::Open,
            100.. => ResolutionStatus::Done,
            _ => ResolutionStatus::InProgress,
        }
    }
}

/// Past its due date and not carried out (due the whole due day, China time).
pub fn is_overdue(status: ResolutionStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    status.is_open() && due_on < today
}

/// A meeting as the community convenes and records it. `id` none
/// convenes one; `version` is the one read (0 for a new meeting).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeetingForm {
    pub id: Option<i64>,
    pub version: i64,
    pub community_code: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub place: String,
    /// Compounds of the community the meeting is about.
    pub compounds: Vec<i64>,
    /// Invited property companies.
    pub companies: Vec<i64>,
    /// 业委会: the owners' committee invited, as written.
    pub committee: String,
    /// 居民代表: the resident representatives invited, as written.
    pub representatives: String,
    pub agenda: Vec<AgendaItem>,
    pub minutes: String,
    /// Attendance: the invited companies that came.
    pub present: Vec<i64>,
    pub committee_present: bool,
    pub representatives_present: u32,
}

impl MeetingForm {
    pub fn problems(&self) -> Problems {
        let mut p = Problems::new();
        if self.community_code.trim().is_empty() {
            p.push((Field::Community, InputProblem::Required));
        }
        if let Some(x) = text_problem(&self.title, MAX_TITLE, true) {
            p.push((Field::Title, x));
        }
        if let Some(x) = text_problem(&self.place, MAX_PLACE, true) {
            p.push((Field::Place, x));
        }
        if self.compounds.len() > MAX_COMPOUNDS {
            p.push((Field::Compound, InputProblem::TooMany));
        }
        if self.companies.len() > MAX_INVITED || self.present.len() > MAX_INVITED {
            p.push((Field::Company, InputProblem::TooMany));
        } else if self.present.iter().any(|c| !self.companies.contains(c)) {
            // Only an invited company can be recorded as present.
            p.push((Field::Company, InputProblem::Unknown));
        }
        if let Some(x) = text_problem(&self.committee, MAX_PEOPLE, false) {
            p.push((Field::Committee, x));
        }
        if let Some(x) = text_problem(&self.representatives, MAX_PEOPLE, false) {
            p.push((Field::Representatives, x));
        } else if self.representatives_present > MAX_REPRESENTATIVES {
            p.push((Field::Representatives, InputProblem::OutOfRange));
        }
        if self.agenda.len() > MAX_ITEMS {
            p.push((Field::Agenda, InputProblem::TooMany));
        } else if let Some(x) = self.agenda.iter().find_map(|i| match i.kind {
            ItemKind::Free => text_problem(&i.title, MAX_ITEM, true),
            _ => i.ref_id.is_none().then_some(InputProblem::Required),
        }) {
            p.push((Field::Agenda, x));
        }
        if let Some(x) = text_problem(&self.minutes, MAX_MINUTES, false) {
            p.push((Field::Minutes, x));
        }
        p
    }
}

/// A resolution as the community writes it. `id` none adds one to the
/// meeting; `dropped` withdraws it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResolutionForm {
    pub id: Option<i64>,
    pub meeting_id: i64,
    pub version: i64,
    pub text: String,
    pub owner: Owner,
    pub due_on: NaiveDate,
    /// The case on the agenda it settles, if any.
    pub case_id: Option<i64>,
    pub dropped: bool,
}

impl ResolutionForm {
    /// `today` in China: a new resolution is not due in the past.
    pub fn problems(&self, today: NaiveDate) -> Problems {
        let mut p = Problems::new();
        if let Some(x) = text_problem(&self.text, MAX_RESOLUTION, true) {
            p.push((Field::Resolution, x));
        }
        if self.owner.reference.trim().is_empty() {
            p.push((Field::Owner, InputProblem::Required));
        }
        if self.id.is_none() && self.due_on < today {
            p.push((Field::Due, InputProblem::InPast));
        } else if self.due_on > today + Duration::days(MAX_DUE_DAYS) {
            p.push((Field::Due, InputProblem::OutOfRange));
        }
        p
    }
}

/// An owner's progress report (or the community's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressForm {
    pub resolution_id: i64,
    pub version: i64,
    pub progress: u8,
    pub note: String,
}

impl ProgressForm {
    pub fn problems(&self) -> Problems {
        let mut p = Problems::new();
        if self.progress > 100 {
            p.push((Field::Progress, InputProblem::OutOfRange));
        }
        if let Some(x) = text_problem(&self.note, MAX_NOTE, false) {
            p.push((Field::Note, x));
        }
        p
    }
}

/// A line of a resolution's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressLine {
    pub progress: u8,
    pub status: ResolutionStatus,
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A resolution as its readers (the community and its owner) see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResolutionView {
    pub id: i64,
    pub meeting_id: i64,
    pub meeting_title: String,
    pub text: String,
    pub owner: Owner,
    pub owner_name: String,
    pub due_on: NaiveDate,
    pub progress: u8,
    pub status: ResolutionStatus,
    pub overdue: bool,
    pub case_id: Option<i64>,
    pub version: i64,
    pub updates: Vec<ProgressLine>,
    /// The reader may report progress (the owner, the community).
    pub may_report: bool,
}

/// Sorts open resolutions for a desk: overdue first, then the soonest due.
pub fn order_resolutions(list: &mut [ResolutionView]) {
    list.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(a.due_on.cmp(&b.due_on))
            .then(a.id.cmp(&b.id))
    });
}

/// An invited company with its attendance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invited {
    pub id: i64,
    pub name: String,
    pub present: bool,
}

/// What the community picks from when it keeps a meeting.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingChoices {
    pub compounds: Vec<(i64, String)>,
    pub companies: Vec<(i64, String)>,
    /// Open cases of the community (id, category and first words).
    pub cases: Vec<(i64, String)>,
    /// Its topics on the agenda or being voted on.
    pub topics: Vec<(i64, String)>,
    /// Who may own a resolution (`Owner::key`, name).
    pub owners: Vec<(String, String)>,
}

/// A meeting's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeetingView {
    pub id: i64,
    pub version: i64,
    pub community_code: String,
    pub community: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub place: String,
    pub compounds: Vec<(i64, String)>,
    pub companies: Vec<Invited>,
    pub committee: String,
    pub representatives: String,
    pub committee_present: bool,
    pub representatives_present: u32,
    pub agenda: Vec<AgendaItem>,
    pub minutes: String,
    /// The resolutions the reader may see: all for the community, an
    /// owner's own for an owner.
    pub resolutions: Vec<ResolutionView>,
    /// The reader keeps the meeting (the community and the admins above).
    pub may_keep: bool,
    /// For keepers: what the editor offers.
    pub choices: Option<MeetingChoices>,
}

impl MeetingView {
    /// The form that writes the meeting as it is now.
    pub fn form(&self) -> MeetingForm {
        MeetingForm {
            id: Some(self.id),
            version: self.version,
            community_code: self.community_code.clone(),
            title: self.title.clone(),
            starts_at: self.starts_at,
            place: self.place.clone(),
            compounds: self.compounds.iter().map(|c| c.0).collect(),
            companies: self.companies.iter().map(|c| c.id).collect(),
            committee: self.committee.clone(),
            representatives: self.representatives.clone(),
            agenda: self.agenda.clone(),
            minutes: self.minutes.clone(),
            present: self
                .companies
                .iter()
                .filter(|c| c.present)
                .map(|c| c.id)
                .collect(),
            committee_present: self.committee_present,
            representatives_present: self.representatives_present,
        }
    }
}

/// A meeting in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeetingLine {
    pub id: i64,
    pub title: String,
    pub community: String,
    pub starts_at: DateTime<Utc>,
    pub place: String,
}

/// The joint meetings page: the meetings that concern the reader, their
/// open resolutions (overdue first), and where they may convene one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeetingsView {
    pub meetings: Vec<MeetingLine>,
    pub resolutions: Vec<ResolutionView>,
    /// Communities where the reader convenes meetings (code, name).
    pub communities: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> MeetingForm {
        MeetingForm {
            id: None,
            version: 0,
            community_code: "370103-001-001".into(),
            title: "第三季度物业联席会".into(),
            starts_at: Utc::now(),
            place: "社区党群服务中心".into(),
            compounds: vec![1],
            companies: vec![1, 2],
            committee: "舜玉花园业委会".into(),
            representatives: "居民代表5人".into(),
            agenda: vec![AgendaItem {
                kind: ItemKind::Free,
                ref_id: None,
                title: "电动车充电棚选址".into(),
            }],
            minutes: String::new(),
            present: vec![1],
            committee_present: true,
            representatives_present: 5,
        }
    }

    #[test]
    fn a_meeting_needs_a_title_a_place_and_invited_companies_to_be_present() {
        assert!(form().problems().is_empty());
        let mut f = form();
        f.title = " ".into();
        f.place = String::new();
        f.present = vec![3];
        f.agenda.push(AgendaItem {
            kind: ItemKind::Case,
            ref_id: None,
            title: String::new(),
        });
        let fields: Vec<Field> = f.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            vec![Field::Title, Field::Place, Field::Company, Field::Agenda]
        );
    }

    #[test]
    fn progress_sets_the_status_and_only_open_resolutions_are_overdue() {
        assert_eq!(ResolutionStatus::after_progress(0), ResolutionStatus::Open);
        assert_eq!(
            ResolutionStatus::after_progress(40),
            ResolutionStatus::InProgress
        );
        assert_eq!(
            ResolutionStatus::after_progress(100),
            ResolutionStatus::Done
        );
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let next = day.succ_opt().unwrap();
        assert!(is_overdue(ResolutionStatus::InProgress, day, next));
        assert!(!is_overdue(ResolutionStatus::InProgress, day, day));
        assert!(!is_overdue(ResolutionStatus::Done, day, next));
        assert!(!is_overdue(ResolutionStatus::Dropped, day, next));
    }

    #[test]
    fn a_new_resolution_is_not_due_in_the_past_nor_years_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut r = ResolutionForm {
            id: None,
            meeting_id: 1,
            version: 0,
            text: "物业公司两周内完成消防通道划线".into(),
            owner: Owner::company(1),
            due_on: today,
            case_id: None,
            dropped: false,
        };
        assert!(r.problems(today).is_empty());
        r.due_on = today.pred_opt().unwrap();
        assert_eq!(r.problems(today), vec![(Field::Due, InputProblem::InPast)]);
        // An existing one keeps the date it was given.
        r.id = Some(1);
        assert!(r.problems(today).is_empty());
        r.due_on = today + Duration::days(MAX_DUE_DAYS + 1);
        assert_eq!(
            r.problems(today),
            vec![(Field::Due, InputProblem::OutOfRange)]
        );
        r.due_on = today;
        r.owner.reference = String::new();
        r.text = String::new();
        let fields: Vec<Field> = r.problems(today).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::Resolution, Field::Owner]);
    }

    #[test]
    fn owners_travel_as_select_keys_and_overdue_ones_come_first() {
        let o = Owner {
            kind: OwnerKind::Department,
            reference: "CG".into(),
        };
        assert_eq!(o.key(), "department:CG");
        assert_eq!(Owner::from_key(&o.key()), Some(o));
        assert_eq!(Owner::from_key("nobody:1"), None);
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let r = |id: i64, due: i64, overdue: bool| ResolutionView {
            id,
            meeting_id: 1,
            meeting_title: String::new(),
            text: String::new(),
            owner: Owner::company(1),
            owner_name: String::new(),
            due_on: day + Duration::days(due),
            progress: 0,
            status: ResolutionStatus::Open,
            overdue,
            case_id: None,
            version: 1,
            updates: Vec::new(),
            may_report: false,
        };
        let mut list = vec![
            r(1, 9, false),
            r(2, -1, true),
            r(3, 2, false),
            r(4, -5, true),
        ];
        order_resolutions(&mut list);
        let ids: Vec<i64> = list.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![4, 2, 3, 1]);
    }
}
