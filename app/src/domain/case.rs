//! Cases (事件/诉求) and the closed loop (闭环): 收集 collect → 确认 confirm →
//! 派单 dispatch → 处理 handle → 反馈 feedback → 评价 evaluate, then closed.
//! [`decide`] is the one rule saying who may take which action from which
//! state; the server enforces it and the UI shows only what it allows.

use super::auth::{Grant, Place, Role, Scope};
use super::error::{text_problem, Field, InputProblem, Problems};
use super::person::is_mobile_number;
use serde::{Deserialize, Serialize};

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    /// 收集: reported, waiting for staff to confirm it.
    Reported,
    /// 确认: confirmed, waiting to be dispatched.
    Confirmed,
    /// 派单: dispatched to a level, waiting for the handler to accept.
    Dispatched,
    /// 处理: accepted and being handled.
    InProgress,
    /// Handled; the result waits to be fed back to the resident.
    Resolved,
    /// 反馈: the resident has the result and may evaluate it.
    FedBack,
    /// 评价: the resident rated the result.
    Evaluated,
    /// 办结: closed.
    Closed,
    /// Not a case (with a reason).
    Rejected,
    /// A duplicate of another case.
    Merged,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 10] = [
        CaseStatus::Reported,
        CaseStatus::Confirmed,
        CaseStatus::Dispatched,
        CaseStatus::InProgress,
        CaseStatus::Resolved,
        CaseStatus::FedBack,
        CaseStatus::Evaluated,
        CaseStatus::Closed,
        CaseStatus::Rejected,
        CaseStatus::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Reported => "reported",
            CaseStatus::Confirmed => "confirmed",
            CaseStatus::Dispatched => "dispatched",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::Resolved => "resolved",
            CaseStatus::FedBack => "fed_back",
            CaseStatus::Evaluated => "evaluated",
            CaseStatus::Closed => "closed",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            CaseStatus::Reported => ("待确认", "Reported"),
            CaseStatus::Confirmed => ("待派单", "Confirmed"),
            CaseStatus::Dispatched => ("已派单", "Dispatched"),
            CaseStatus::InProgress => ("处理中", "In progress"),
            CaseStatus::Resolved => ("已处理", "Resolved"),
            CaseStatus::FedBack => ("已反馈", "Fed back"),
            CaseStatus::Evaluated => ("已评价", "Evaluated"),
            CaseStatus::Closed => ("已办结", "Closed"),
            CaseStatus::Rejected => ("已驳回", "Rejected"),
            CaseStatus::Merged => ("已合并", "Merged"),
        };
        lang.pick(zh, en)
    }

    /// Still running against a deadline.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::Reported
                | CaseStatus::Confirmed
                | CaseStatus::Dispatched
                | CaseStatus::InProgress
        )
    }
}

/// The level a case is dispatched to. Each has its own time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DispatchLevel {
    /// 立即解决: solved inside the grid (1 working day by default).
    Grid,
    /// 协调解决: the community coordinates (3 days).
    Community,
    /// 协调解决: the street coordinates (3 days).
    Street,
    /// 吹哨报到: a district department (5 days).
    Department,
    /// The property company managing the compound.
    Company,
}

impl DispatchLevel {
    pub const ALL: [DispatchLevel; 5] = [
        DispatchLevel::Grid,
        DispatchLevel::Community,
        DispatchLevel::Street,
        DispatchLevel::Department,
        DispatchLevel::Company,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DispatchLevel::Grid => "grid",
            DispatchLevel::Community => "community",
            DispatchLevel::Street => "street",
            DispatchLevel::Department => "department",
            DispatchLevel::Company => "company",
        }
    }

    pub fn parse(s: &str) -> Option<DispatchLevel> {
        DispatchLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Where an escalation goes next (网格 → 社区 → 街道; the street whistles
    /// a department by name instead).
    pub fn next(self) -> Option<DispatchLevel> {
        match self {
            DispatchLevel::Grid | DispatchLevel::Company => Some(DispatchLevel::Community),
            DispatchLevel::Community => Some(DispatchLevel::Street),
            // Above the street a case goes to a named department, and only
            // the street whistles one (`Dispatch(Department)`): escalating
            // would send it to no department at all.
            DispatchLevel::Street | DispatchLevel::Department => None,
        }
    }
}

/// What someone asks to do with a case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Confirm,
    Reject,
    Merge,
    Dispatch(DispatchLevel),
    Accept,
    Progress,
    Resolve,
    Feedback,
    Evaluate,
    Close,
    Reopen,
    Escalate,
    /// 立即解决: the grid takes a new report and settles it itself in one
    /// step ("受理并自行处置"), with the result and a photo after handling.
    SolveNow,
}

impl CaseAction {
    pub fn name(&self) -> &'static str {
        match self {
            CaseAction::Confirm => "confirm",
            CaseAction::Reject => "reject",
            CaseAction::Merge => "merge",
            CaseAction::Dispatch(_) => "dispatch",
            CaseAction::Accept => "accept",
            CaseAction::Progress => "progress",
            CaseAction::Resolve => "resolve",
            CaseAction::Feedback => "feedback",
            CaseAction::Evaluate => "evaluate",
            CaseAction::Close => "close",
            CaseAction::Reopen => "reopen",
            CaseAction::Escalate => "escalate",
            CaseAction::SolveNow => "solve_now",
        }
    }

    /// Every action, with each dispatch level, for tables and the UI.
    pub fn all() -> Vec<CaseAction> {
        let mut v = vec![CaseAction::Confirm, CaseAction::Reject, CaseAction::Merge];
        v.extend(DispatchLevel::ALL.into_iter().map(CaseAction::Dispatch));
        v.extend([
            CaseAction::Accept,
            CaseAction::Progress,
            CaseAction::Resolve,
            CaseAction::Feedback,
            CaseAction::Evaluate,
            CaseAction::Close,
            CaseAction::Reopen,
            CaseAction::Escalate,
            CaseAction::SolveNow,
        ]);
        v
    }
}

/// What the rule needs to know about a case.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseFacts {
    pub status: CaseStatus,
    /// Grid, community and street codes of the case's place (a point in no
    /// grid has only community or street).
    pub place: Place,
    pub reporter: Option<i64>,
    pub level: Option<DispatchLevel>,
    /// For department cases: the lead department's code.
    pub department: Option<String>,
    /// For department cases: the departments assisting the lead
    /// (`whistle::WhistleFacts::assisting`).
    pub assisting: Vec<String>,
    /// The company managing the compound the case lies in, if any.
    pub company: Option<i64>,
}

/// Who is asking.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor<'a> {
    pub user_id: i64,
    pub grants: &'a [Grant],
}

/// Why an action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// Nobody may do this from the current state.
    WrongState,
    /// Someone may, but not this user.
    NotYours,
}

fn holds(actor: &Actor, role: Role, place: &Place) -> bool {
    actor
        .grants
        .iter()
        .any(|g| g.role == role && g.scope.covers(place))
}

/// Staff who coordinate cases at a place: its grid's staff, its community,
/// its street, and system admins.
fn coordinator(actor: &Actor, place: &Place) -> bool {
    [
        Role::GridWorker,
        Role::GridLeader,
        Role::CommunityAdmin,
        Role::StreetAdmin,
        Role::SystemAdmin,
    ]
    .into_iter()
    .any(|r| holds(actor, r, place))
}

/// The person or body a case at `level` is with.
fn handler(actor: &Actor, case: &CaseFacts, level: DispatchLevel) -> bool {
    if holds(actor, Role::SystemAdmin, &case.place) {
        return true;
    }
    match level {
        DispatchLevel::Grid => {
            holds(actor, Role::GridWorker, &case.place)
                || holds(actor, Role::GridLeader, &case.place)
        }
        DispatchLevel::Community => holds(actor, Role::CommunityAdmin, &case.place),
        DispatchLevel::Street => holds(actor, Role::StreetAdmin, &case.place),
        DispatchLevel::Department => actor.grants.iter().any(|g| {
            g.role == Role::Department
                && matches!((&g.scope, &case.department), (Scope::Department(d), Some(c)) if d == c)
        }),
        DispatchLevel::Company => actor.grants.iter().any(|g| {
            g.role == Role::PropertyCompany
                && matches!((&g.scope, case.company), (Scope::Company(d), Some(c)) if *d == c)
        }),
    }
}

/// Who may send a case to a level: grid staff keep it in the grid; the
/// community may also hand it to the property company; the street may
/// whistle departments (吹哨).
fn may_dispatch(actor: &Actor, case: &CaseFacts, level: DispatchLevel) -> bool {
    let p = &case.place;
    let admin = holds(actor, Role::SystemAdmin, p);
    let street = holds(actor, Role::StreetAdmin, p);
    let community = holds(actor, Role::CommunityAdmin, p);
    let grid = holds(actor, Role::GridLeader, p) || holds(actor, Role::GridWorker, p);
    match level {
        DispatchLevel::Grid => (grid || community || street || admin) && p.grid.is_some(),
        DispatchLevel::Company => (grid || community || street || admin) && case.company.is_some(),
        DispatchLevel::Community => (community || street || admin) && p.community.is_some(),
        DispatchLevel::Street => street || admin,
        // Which department is asked of the user when they whistle (the
        // server checks it is one the district keeps).
        DispatchLevel::Department => street || admin,
    }
}

/// The one rule of the loop: the state `action` leads to, or why not.
pub fn decide(actor: &Actor, case: &CaseFacts, action: &CaseAction) -> Result<CaseStatus, Refusal> {
    use CaseStatus as S;
    let p = &case.place;
    let reporter = case.reporter == Some(actor.user_id);
    let current_handler = case.level.is_some_and(|l| handler(actor, case, l));
    // A whistled case is accepted and resolved through its whistle's steps
    // (`whistle::decide`): the lead's 签收 and the street's 销号.
    let whistled = case.level == Some(DispatchLevel::Department);
    let (from_ok, who_ok, next) = match action {
        CaseAction::Confirm => (
            case.status == S::Reported,
            coordinator(actor, p),
            S::Confirmed,
        ),
        CaseAction::Reject | CaseAction::Merge => (
            case.status == S::Reported || case.status == S::Confirmed,
            coordinator(actor, p),
            if *action == CaseAction::Reject {
                S::Rejected
            } else {
                S::Merged
            },
        ),
        // The street also whistles a case it holds (escalated to it, or
        // sent back by a department).
        CaseAction::Dispatch(level) => (
            case.status == S::Confirmed
                || (*level == DispatchLevel::Department
                    && case.level == Some(DispatchLevel::Street)
                    && matches!(case.status, S::Dispatched | S::InProgress)),
            may_dispatch(actor, case, *level),
            S::Dispatched,
        ),
        CaseAction::Accept => (
            case.status == S::Dispatched,
            current_handler && !whistled,
            S::InProgress,
        ),
        CaseAction::Progress => (case.status == S::InProgress, current_handler, S::InProgress),
        CaseAction::Resolve => (
            case.status == S::InProgress,
            current_handler && !whistled,
            S::Resolved,
        ),
        CaseAction::Feedback => (
            case.status == S::Resolved,
            coordinator(actor, p) || current_handler,
            S::FedBack,
        ),
        CaseAction::Evaluate => (case.status == S::FedBack, reporter, S::Evaluated),
        CaseAction::Close => (
            case.status == S::Evaluated || case.status == S::FedBack,
            coordinator(actor, p),
            S::Closed,
        ),
        CaseAction::Reopen => (
            matches!(case.status, S::FedBack | S::Evaluated | S::Closed),
            reporter || coordinator(actor, p),
            S::Confirmed,
        ),
        CaseAction::Escalate => (
            matches!(case.status, S::Dispatched | S::InProgress)
                && case.level.and_then(DispatchLevel::next).is_some(),
            current_handler || coordinator(actor, p),
            S::Dispatched,
        ),
        // Confirm, dispatch to the grid, accept, resolve and feed back at once:
        // the resident has the result and may rate it; a case nobody reported
        // (a patrol finding, a hotline call) is closed.
        CaseAction::SolveNow => (
            matches!(case.status, S::Reported | S::Confirmed) && case.level.is_none(),
            p.grid.is_some() && handler(actor, case, DispatchLevel::Grid),
            if case.reporter.is_some() {
                S::FedBack
            } else {
                S::Closed
            },
        ),
    };
    match (from_ok, who_ok) {
        (false, _) => Err(Refusal::WrongState),
        (true, false) => Err(Refusal::NotYours),
        (true, true) => Ok(next),
    }
}

/// Whether the user could take `action` on this case in some state (status
/// and level): the permission half of [`decide`], without the state. A caller who never
/// could is refused before anything about the case's current state (or who
/// moved it) is told.
pub fn may_ever(actor: &Actor, case: &CaseFacts, action: &CaseAction) -> bool {
    let levels = std::iter::once(None).chain(DispatchLevel::ALL.into_iter().map(Some));
    levels.into_iter().any(|level| {
        CaseStatus::ALL.into_iter().any(|status| {
            let in_state = CaseFacts {
                status,
                level,
                ..case.clone()
            };
            decide(actor, &in_state, action).is_ok()
        })
    })
}

/// The actions a user may take now: the buttons the UI shows.
pub fn available(actor: &Actor, case: &CaseFacts) -> Vec<CaseAction> {
    CaseAction::all()
        .into_iter()
        .filter(|a| decide(actor, case, a).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORTER: i64 = 7;

    fn report() -> NewCase {
        NewCase {
            category_id: 3,
            description: "三号楼楼道灯坏了".into(),
            lat: 36.64,
            lng: 117.02,
            public: false,
            source: CaseSource::Resident,
            contact_phone: None,
            idempotency_key: None,
            grid: None,
        }
    }

    #[test]
    fn a_report_names_all_its_problems_at_once() {
        assert!(report().problems().is_empty());
        let empty = NewCase {
            category_id: 0,
            description: "  ".into(),
            lat: f64::NAN,
            lng: f64::NAN,
            source: CaseSource::Hotline,
            contact_phone: Some("12345".into()),
            ..report()
        };
        assert_eq!(
            empty.problems(),
            vec![
                (Field::Phone, InputProblem::NotMobile),
                (Field::Category, InputProblem::Required),
                (Field::Description, InputProblem::Required),
                (Field::Coordinates, InputProblem::Required),
            ]
        );
        let far = NewCase {
            description: "灯".repeat(MAX_DESCRIPTION + 1),
            lat: 51.5,
            lng: -0.1,
            ..report()
        };
        assert_eq!(
            far.problems(),
            vec![
                (Field::Description, InputProblem::TooLong),
                (Field::Coordinates, InputProblem::OutOfRange),
            ]
        );
        // Exactly at the limit, after trimming, is fine.
        let full = NewCase {
            description: format!(" {} ", "灯".repeat(MAX_DESCRIPTION)),
            ..report()
        };
        assert!(full.problems().is_empty());
    }

    fn place() -> Place {
        Place {
            grid: Some("G1".into()),
            community: Some("C1".into()),
            street: Some("S1".into()),
        }
    }

    fn facts(status: CaseStatus, level: Option<DispatchLevel>) -> CaseFacts {
        CaseFacts {
            status,
            place: place(),
            reporter: Some(REPORTER),
            level,
            department: Some("CG".into()),
            assisting: Vec::new(),
            company: Some(3),
        }
    }

    /// One user per role, all in scope of the case's place (or body).
    fn actors() -> Vec<(&'static str, i64, Vec<Grant>)> {
        let g = |role, scope| Grant::new(role, scope).unwrap();
        vec![
            ("reporter", REPORTER, vec![g(Role::Resident, Scope::None)]),
            ("resident", 8, vec![g(Role::Resident, Scope::None)]),
            ("party", 9, vec![g(Role::PartyMember, Scope::Unit(1))]),
            ("unit", 10, vec![g(Role::UnitAdmin, Scope::Unit(1))]),
            (
                "worker",
                11,
                vec![g(Role::GridWorker, Scope::Grid("G1".into()))],
            ),
            (
                "leader",
                12,
                vec![g(Role::GridLeader, Scope::Grid("G1".into()))],
            ),
            (
                "instructor",
                13,
                vec![g(Role::Instructor, Scope::Grid("G1".into()))],
            ),
            (
                "community",
                14,
                vec![g(Role::CommunityAdmin, Scope::Community("C1".into()))],
            ),
            (
                "street",
                15,
                vec![g(Role::StreetAdmin, Scope::Street("S1".into()))],
            ),
            (
                "department",
                16,
                vec![g(Role::Department, Scope::Department("CG".into()))],
            ),
            (
                "company",
                17,
                vec![g(Role::PropertyCompany, Scope::Company(3))],
            ),
            ("admin", 18, vec![g(Role::SystemAdmin, Scope::Everywhere)]),
            (
                "other_worker",
                19,
                vec![g(Role::GridWorker, Scope::Grid("G2".into()))],
            ),
            (
                "other_community",
                20,
                vec![g(Role::CommunityAdmin, Scope::Community("C2".into()))],
            ),
            (
                "other_department",
                21,
                vec![g(Role::Department, Scope::Department("SJ".into()))],
            ),
            (
                "other_company",
                22,
                vec![g(Role::PropertyCompany, Scope::Company(4))],
            ),
        ]
    }

    /// Who may take each action from the state it starts in. Everyone else
    /// is refused as `NotYours`; every other state as `WrongState`.
    fn expected(
        action: &CaseAction,
        level: Option<DispatchLevel>,
    ) -> (Vec<CaseStatus>, Vec<&'static str>, Option<CaseStatus>) {
        use CaseStatus as S;
        let coord = vec!["worker", "leader", "community", "street", "admin"];
        let handlers = |l: Option<DispatchLevel>| -> Vec<&'static str> {
            match l {
                Some(DispatchLevel::Grid) => vec!["worker", "leader", "admin"],
                Some(DispatchLevel::Community) => vec!["community", "admin"],
                Some(DispatchLevel::Street) => vec!["street", "admin"],
                Some(DispatchLevel::Department) => vec!["department", "admin"],
                Some(DispatchLevel::Company) => vec!["company", "admin"],
                None => vec![],
            }
        };
        let whistled = |who: Vec<&'static str>| {
            if level == Some(DispatchLevel::Department) {
                vec![]
            } else {
                who
            }
        };
        let union = |a: Vec<&'static str>, b: Vec<&'static str>| {
            let mut v = a;
            for x in b {
                if !v.contains(&x) {
                    v.push(x);
                }
            }
            v
        };
        match action {
            CaseAction::Confirm => (vec![S::Reported], coord, Some(S::Confirmed)),
            CaseAction::Reject => (vec![S::Reported, S::Confirmed], coord, Some(S::Rejected)),
            CaseAction::Merge => (vec![S::Reported, S::Confirmed], coord, Some(S::Merged)),
            // The street whistles a case it holds, too.
            CaseAction::Dispatch(l) => (
                if *l == DispatchLevel::Department && level == Some(DispatchLevel::Street) {
                    vec![S::Confirmed, S::Dispatched, S::InProgress]
                } else {
                    vec![S::Confirmed]
                },
                match l {
                    DispatchLevel::Grid | DispatchLevel::Company => coord,
                    DispatchLevel::Community => vec!["community", "street", "admin"],
                    DispatchLevel::Street | DispatchLevel::Department => vec!["street", "admin"],
                },
                Some(S::Dispatched),
            ),
            // A whistled case is accepted and resolved through its whistle
            // (`whistle::decide`), by nobody here.
            CaseAction::Accept => (
                vec![S::Dispatched],
                whistled(handlers(level)),
                Some(S::InProgress),
            ),
            CaseAction::Progress => (vec![S::InProgress], handlers(level), Some(S::InProgress)),
            CaseAction::Resolve => (
                vec![S::InProgress],
                whistled(handlers(level)),
                Some(S::Resolved),
            ),
            CaseAction::Feedback => (
                vec![S::Resolved],
                union(coord, handlers(level)),
                Some(S::FedBack),
            ),
            CaseAction::Evaluate => (vec![S::FedBack], vec!["reporter"], Some(S::Evaluated)),
            CaseAction::Close => (vec![S::FedBack, S::Evaluated], coord, Some(S::Closed)),
            CaseAction::Reopen => (
                vec![S::FedBack, S::Evaluated, S::Closed],
                union(vec!["reporter"], coord),
                Some(S::Confirmed),
            ),
            CaseAction::Escalate => (
                if level.and_then(DispatchLevel::next).is_none() {
                    vec![]
                } else {
                    vec![S::Dispatched, S::InProgress]
                },
                union(coord, handlers(level)),
                Some(S::Dispatched),
            ),
            CaseAction::SolveNow => (
                if level.is_none() {
                    vec![S::Reported, S::Confirmed]
                } else {
                    vec![]
                },
                handlers(Some(DispatchLevel::Grid)),
                Some(S::FedBack),
            ),
        }
    }

    #[test]
    fn every_role_state_and_action() {
        let actors = actors();
        let mut checked = 0;
        for level in [
            None,
            Some(DispatchLevel::Grid),
            Some(DispatchLevel::Community),
            Some(DispatchLevel::Street),
            Some(DispatchLevel::Department),
            Some(DispatchLevel::Company),
        ] {
            for status in CaseStatus::ALL {
                let case = facts(status, level);
                for action in CaseAction::all() {
                    let (from, who, next) = expected(&action, level);
                    for (name, id, grants) in &actors {
                        let actor = Actor {
                            user_id: *id,
                            grants,
                        };
                        let got = decide(&actor, &case, &action);
                        let want = if !from.contains(&status) {
                            Err(Refusal::WrongState)
                        } else if who.contains(name) {
                            Ok(next.unwrap())
                        } else {
                            Err(Refusal::NotYours)
                        };
                        assert_eq!(got, want, "{name} {action:?} from {status:?} at {level:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 6 * 10 * 17 * 16);
    }

    #[test]
    fn solving_at_once_closes_a_case_nobody_reported() {
        let grants =
            vec![Grant::new(Role::GridWorker, Scope::Grid(place().grid.unwrap())).unwrap()];
        let worker = Actor {
            user_id: 5,
            grants: &grants,
        };
        let mut found = facts(CaseStatus::Reported, None);
        found.reporter = None;
        assert_eq!(
            decide(&worker, &found, &CaseAction::SolveNow),
            Ok(CaseStatus::Closed)
        );
        let reported = facts(CaseStatus::Reported, None);
        assert_eq!(
            decide(&worker, &reported, &CaseAction::SolveNow),
            Ok(CaseStatus::FedBack),
            "a resident's report waits for their rating"
        );
        found.place.grid = None;
        assert_eq!(
            decide(&worker, &found, &CaseAction::SolveNow),
            Err(Refusal::NotYours),
            "only a grid solves in the grid"
        );
    }

    #[test]
    fn escalation_climbs_one_level_at_a_time() {
        assert_eq!(DispatchLevel::Grid.next(), Some(DispatchLevel::Community));
        assert_eq!(
            DispatchLevel::Company.next(),
            Some(DispatchLevel::Community)
        );
        assert_eq!(DispatchLevel::Community.next(), Some(DispatchLevel::Street));
        // The street whistles a named department instead of escalating.
        assert_eq!(DispatchLevel::Street.next(), None);
        assert_eq!(DispatchLevel::Department.next(), None);
    }

    #[test]
    fn a_point_in_no_grid_cannot_be_kept_in_a_grid() {
        let mut case = facts(CaseStatus::Confirmed, None);
        case.place.grid = None;
        let street = vec![Grant::new(Role::StreetAdmin, Scope::Street("S1".into())).unwrap()];
        let actor = Actor {
            user_id: 1,
            grants: &street,
        };
        assert_eq!(
            decide(&actor, &case, &CaseAction::Dispatch(DispatchLevel::Grid)),
            Err(Refusal::NotYours)
        );
        assert!(decide(&actor, &case, &CaseAction::Dispatch(DispatchLevel::Street)).is_ok());
    }

    #[test]
    fn the_ui_offers_only_what_the_rule_allows() {
        let worker = vec![Grant::new(Role::GridWorker, Scope::Grid("G1".into())).unwrap()];
        let actor = Actor {
            user_id: 11,
            grants: &worker,
        };
        let names: Vec<_> = available(&actor, &facts(CaseStatus::Reported, None))
            .iter()
            .map(CaseAction::name)
            .collect();
        assert_eq!(names, ["confirm", "reject", "merge", "solve_now"]);
        let resident = vec![Grant::new(Role::Resident, Scope::None).unwrap()];
        let me = Actor {
            user_id: REPORTER,
            grants: &resident,
        };
        assert_eq!(
            available(&me, &facts(CaseStatus::FedBack, Some(DispatchLevel::Grid))),
            [CaseAction::Evaluate, CaseAction::Reopen]
        );
        assert!(available(
            &me,
            &facts(CaseStatus::InProgress, Some(DispatchLevel::Grid))
        )
        .is_empty());
    }
}

/// Where a case came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseSource {
    /// A resident on their phone.
    Resident,
    /// 主动发现: a grid worker on patrol.
    Patrol,
    /// 12345: staff entering a hotline call.
    Hotline,
    /// Another system filing through Open311 with its API key (issue 13).
    Open311,
}

impl CaseSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseSource::Resident => "resident",
            CaseSource::Patrol => "patrol",
            CaseSource::Hotline => "hotline",
            CaseSource::Open311 => "open311",
        }
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            CaseSource::Resident => ("居民上报", "Resident"),
            CaseSource::Patrol => ("主动发现", "Patrol"),
            CaseSource::Hotline => ("12345热线", "12345 hotline"),
            CaseSource::Open311 => ("Open311接入", "Open311"),
        };
        lang.pick(zh, en)
    }

    pub fn parse(s: &str) -> Option<CaseSource> {
        [
            CaseSource::Resident,
            CaseSource::Patrol,
            CaseSource::Hotline,
            CaseSource::Open311,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// A report as submitted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewCase {
    pub category_id: i64,
    pub description: String,
    pub lat: f64,
    pub lng: f64,
    /// The resident allows the public board to show it (anonymised).
    pub public: bool,
    pub source: CaseSource,
    /// Hotline cases: the caller's number (private).
    pub contact_phone: Option<String>,
    /// A key the phone makes for each draft (8–64 letters, digits, `-`):
    /// a report sent again with the same key, because its answer was
    /// lost, gives back the case already made instead of a second one.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// The grid a bound form (`/report?grid=CODE`, the poster's QR code)
    /// is for: a point outside it is refused.
    #[serde(default)]
    pub grid: Option<String>,
}

impl NewCase {
    /// What is wrong with the report as typed, every field at once in the form's
    /// order: the form shows them all as the person fixes them; the server refuses
    /// with the first. (Whether the category is still offered and the place lies in
    /// one of our streets only the server can say.)
    pub fn problems(&self) -> Problems {
        let mut out = Problems::new();
        if self.source == CaseSource::Hotline
            && !self
                .contact_phone
                .as_deref()
                .is_some_and(|p| is_mobile_number(p.trim()))
        {
            out.push((Field::Phone, InputProblem::NotMobile));
        }
        // Another system's user may leave their number out; one given must be a mobile.
        if self.source == CaseSource::Open311
            && self
                .contact_phone
                .as_deref()
                .map(str::trim)
                .is_some_and(|p| !p.is_empty() && !is_mobile_number(p))
        {
            out.push((Field::Phone, InputProblem::NotMobile));
        }
        if self.category_id <= 0 {
            out.push((Field::Category, InputProblem::Required));
        }
        if let Some(p) = text_problem(&self.description, MAX_DESCRIPTION, true) {
            out.push((Field::Description, p));
        }
        if !(self.lat.is_finite() && self.lng.is_finite()) {
            out.push((Field::Coordinates, InputProblem::Required));
        } else if !in_china(self.lat, self.lng) {
            out.push((Field::Coordinates, InputProblem::OutOfRange));
        }
        out
    }
}

/// Whether a draft's idempotency key is well formed.
pub fn valid_idempotency_key(k: &str) -> bool {
    (8..=64).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Longest description accepted, in characters.
pub const MAX_DESCRIPTION: usize = 1000;

/// Mainland China's bounding box, roughly: a report must lie inside it.
pub fn in_china(lat: f64, lng: f64) -> bool {
    (3.8..=53.6).contains(&lat) && (73.5..=135.1).contains(&lng)
}

/// An action as requested, with what some actions need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActRequest {
    pub case_id: i64,
    /// The version the user saw; a stale one is refused.
    pub version: i64,
    pub action: CaseAction,
    #[serde(default)]
    pub note: String,
    /// Dispatch to a department (吹哨): the lead department's code.
    #[serde(default)]
    pub department: Option<String>,
    /// Dispatch to a department: the assisting departments' codes.
    #[serde(default)]
    pub assisting: Vec<String>,
    /// Dispatch to a department: the date it must be done by (none: the
    /// department time limit).
    #[serde(default)]
    pub required_by: Option<chrono::NaiveDate>,
    /// Merge: the case this one duplicates.
    #[serde(default)]
    pub merge_into: Option<i64>,
    /// Evaluate: 1–5 stars.
    #[serde(default)]
    pub rating: Option<u8>,
}

/// One entry of a case's timeline as a reader sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// The actor's name, for readers allowed names (staff of the place); empty
    /// for the others, who read `actor_role` in their own language.
    pub actor: String,
    #[serde(default)]
    pub actor_role: Option<super::auth::Role>,
    pub action: String,
    pub to_status: CaseStatus,
    pub note: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A case as one reader may see it, with the actions they may take.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    pub id: i64,
    pub category: String,
    pub description: String,
    pub lat: f64,
    pub lng: f64,
    /// `lat`/`lng` are the exact place (staff, handlers, the reporter), not
    /// the board's ~100 m blur: the page then offers navigation to it.
    #[serde(default)]
    pub exact_place: bool,
    pub grid_code: Option<String>,
    pub community_code: Option<String>,
    pub source: CaseSource,
    pub status: CaseStatus,
    pub level: Option<DispatchLevel>,
    pub department: Option<String>,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub due_state: Option<super::deadline::DueState>,
    pub public: bool,
    pub result: Option<String>,
    pub rating: Option<i32>,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub actions: Vec<CaseAction>,
    pub timeline: Vec<TimelineEntry>,
    pub photos: Vec<PhotoRef>,
    /// The reporter's (or hotline caller's) name and phone, for staff of
    /// the place only (`policy::CaseAccess::contact`), to call back.
    #[serde(default)]
    pub contact: Option<CaseContact>,
    /// The grid staff member answerable for the case (staff of the place only).
    #[serde(default)]
    pub owner: Option<CaseOwner>,
    /// Whom the reader may give the case to instead (`policy::may_assign`),
    /// the owner among them; empty for everyone else.
    #[serde(default)]
    pub assignable: Vec<CaseOwner>,
    /// The reader reported it and it is overdue: they may press 催办.
    #[serde(default)]
    pub may_urge: bool,
    /// The reader urged it within the last day (the page says so).
    #[serde(default)]
    pub urged: bool,
    /// The case's latest whistle (吹哨报到), for staff and the departments
    /// it concerns (`policy::CaseAccess::internal`).
    #[serde(default)]
    pub whistle: Option<super::whistle::WhistleView>,
    /// The joint meeting (物业联席会) that took the case up, for readers it
    /// concerns (the page says 列入联席会决议 and links to it).
    #[serde(default)]
    pub joint_meeting: Option<i64>,
    /// The photo address another system sent with the case (Open311
    /// `media_url`), shown as its own photos are (`policy::may_see_photo`,
    /// as a public photo): a link, since the page loads no outside image.
    #[serde(default)]
    pub media_url: Option<String>,
}

/// A case's named owner, or a candidate to become it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseOwner {
    pub id: i64,
    pub name: String,
    /// None when the owner has since left the grid's roster.
    pub position: Option<super::geography::StaffPosition>,
}

/// Whom staff call back about a case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseContact {
    /// None for a hotline caller who gave only a number.
    pub name: Option<String>,
    pub phone: String,
}

/// A row of a queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: i64,
    pub category: String,
    pub description: String,
    pub status: CaseStatus,
    pub level: Option<DispatchLevel>,
    pub grid_code: Option<String>,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub due_state: Option<super::deadline::DueState>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub lat: f64,
    pub lng: f64,
}

/// Which queue to read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// A resident's own reports (我的诉求).
    Mine,
    /// Cases the resident follows ("me too").
    Following,
    Grid(String),
    Community(String),
    Street(String),
    /// The caller's department inbox.
    Department,
    /// The caller's property-company tasks.
    Company,
}

/// Which part of a staff queue to read (the tabs 待办 / 即将超期 / 已超期 / 全部).
/// The first three are open cases, soonest deadline first; `All` is every
/// case, newest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueView {
    #[default]
    All,
    /// Open: waiting for someone to act.
    Todo,
    /// Open, warned: a quarter of the working time or less is left.
    DueSoon,
    /// Open and past the deadline.
    Overdue,
}

impl QueueView {
    pub const ALL: [QueueView; 4] = [
        QueueView::Todo,
        QueueView::DueSoon,
        QueueView::Overdue,
        QueueView::All,
    ];

    /// How the view is written in the address (`?view=due_soon`).
    pub fn as_str(self) -> &'static str {
        match self {
            QueueView::All => "all",
            QueueView::Todo => "todo",
            QueueView::DueSoon => "due_soon",
            QueueView::Overdue => "overdue",
        }
    }

    pub fn parse(s: &str) -> Option<QueueView> {
        QueueView::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Read soonest deadline first (else newest first).
    pub fn by_deadline(self) -> bool {
        self != QueueView::All
    }
}

/// How many cases each deadline tab of a queue holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCounts {
    pub todo: u64,
    pub due_soon: u64,
    pub overdue: u64,
}

/// A case on the public board (公开栏): anonymised. No description (it may
/// name people or addresses), no reporter, the place only to ~100 m.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardItem {
    pub id: i64,
    pub category: String,
    pub grid_code: Option<String>,
    pub community_code: Option<String>,
    pub status: CaseStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub lat: f64,
    pub lng: f64,
    pub photos: Vec<PhotoRef>,
}

/// Rounds a coordinate to three decimals (about 100 m) for public display.
pub fn blur(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A photo of a case, as links to the full image and its thumbnail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub id: i64,
    pub url: String,
    pub thumb_url: String,
    /// Staff photos taken when handling the case (处置前 / 处置后); none for
    /// the reporter's.
    #[serde(default)]
    pub phase: Option<PhotoPhase>,
    /// The department whose whistle report it belongs to (吹哨报到).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

impl PhotoRef {
    pub fn new(id: i64) -> PhotoRef {
        PhotoRef {
            id,
            url: format!("/api/v1/photos/{id}"),
            thumb_url: format!("/api/v1/photos/{id}?thumb=1"),
            phase: None,
            department: None,
        }
    }
}

/// When a staff photo of a case was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoPhase {
    /// 处置前: the problem as staff found it.
    Before,
    /// 处置后: the result; the reporter sees it (and the board, for a public case).
    After,
}

impl PhotoPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoPhase::Before => "before",
            PhotoPhase::After => "after",
        }
    }

    pub fn parse(s: &str) -> Option<PhotoPhase> {
        [PhotoPhase::Before, PhotoPhase::After]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// A case as a dot on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CasePoint {
    pub id: i64,
    pub lat: f64,
    pub lng: f64,
    pub status: CaseStatus,
    pub overdue: bool,
    /// Whether the caller may open the case page.
    pub linked: bool,
}
