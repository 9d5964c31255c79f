//! 吹哨报到, the four-step whistle (呼叫—分办—联动—销号). 呼叫: the street
//! whistles a case to a lead department and any assisting ones, with a
//! required-by date (`case::CaseAction::Dispatch(Department)`); 分办: each
//! department accepts its part or sends it back with a reason; 联动: each
//! reports its part with notes and photos; 销号: the street checks the result,
//! closes the whistle out and rates each department 1–5. [`decide`] is the one
//! rule for the department and close-out steps; while a whistle runs, the
//! case's own accept and resolve are its (`case::decide` leaves them to it).

use super::auth::{Place, Role};
use super::case::{Actor, CaseFacts, CaseStatus, DispatchLevel, Refusal};
use super::error::{AppError, Field, InputProblem};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// At most this many departments assist one whistle.
pub const MAX_ASSISTING: usize = 5;
/// A required-by date lies at most this many days ahead.
pub const MAX_REQUIRED_DAYS: i64 = 90;

/// Where a whistle stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhistleState {
    /// Called and not yet closed out.
    Open,
    /// The lead department sent it back: the case is the street's again.
    Returned,
    /// 销号: the street closed it out and rated the departments.
    Closed,
}

/// Where one department's part stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartState {
    /// 呼叫: whistled, not yet answered.
    Called,
    /// 分办: accepted.
    Accepted,
    /// Sent back with a reason.
    SentBack,
    /// 联动: the department reported its part.
    Reported,
    /// The whistle ended (closed out, taken back or returned by the lead)
    /// before this department answered or reported: its part is over.
    Lapsed,
}

/// A step of a whistle after the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhistleStep {
    Accept,
    SendBack,
    Report,
    CloseOut,
    /// The street takes the whistle back (a department that never answers,
    /// one retired meanwhile): the case is the street's again.
    Recall,
}

names!(WhistleState {
    Open => "open", "办理中", "Open";
    Returned => "returned", "已退回街道", "Sent back to the street";
    Closed => "closed", "已销号", "Closed out";
});

names!(PartState {
    Called => "called", "待签收", "Called";
    Accepted => "accepted", "已签收", "Accepted";
    SentBack => "sent_back", "已退回", "Sent back";
    Reported => "reported", "已报到", "Reported";
    Lapsed => "lapsed", "结束时未报到", "Ended before reporting";
});

names!(WhistleStep {
    Accept => "whistle_accept", "签收", "Accept";
    SendBack => "whistle_send_back", "退回", "Send back";
    Report => "whistle_report", "报到", "Report";
    CloseOut => "whistle_close", "销号", "Close out";
    Recall => "whistle_recall", "收回吹哨", "Take back";
});

/// One department's part, as the rule needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct PartFacts {
    pub department: String,
    pub lead: bool,
    pub state: PartState,
}

/// A whistle, as the rule needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct WhistleFacts {
    pub state: WhistleState,
    pub parts: Vec<PartFacts>,
}

impl PartState {
    /// Still owing an answer or a report while the whistle runs.
    pub fn owing(self) -> bool {
        matches!(self, PartState::Called | PartState::Accepted)
    }
}

impl WhistleFacts {
    pub fn lead(&self) -> Option<&PartFacts> {
        self.parts.iter().find(|p| p.lead)
    }

    pub fn part(&self, department: &str) -> Option<&PartFacts> {
        self.parts.iter().find(|p| p.department == department)
    }

    /// The departments still with the case besides the lead: those that did
    /// not send their part back (they read the case while it runs).
    pub fn assisting(&self) -> Vec<String> {
        self.parts
            .iter()
            .filter(|p| !p.lead && p.state != PartState::SentBack)
            .map(|p| p.department.clone())
            .collect()
    }
}

/// What a step changes: the acting department's part, the whistle, and the
/// case (its new status, and the level it goes back to).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The department whose part the step is (none: the close-out).
    pub department: Option<String>,
    pub part: Option<PartState>,
    pub whistle: WhistleState,
    pub case_status: CaseStatus,
    pub case_level: DispatchLevel,
}

/// The street of the case's place, or a system admin: who whistles and
/// closes out (`case::may_dispatch` for the call).
fn street_of(actor: &Actor, place: &Place) -> bool {
    actor
        .grants
        .iter()
        .any(|g| matches!(g.role, Role::StreetAdmin | Role::SystemAdmin) && g.scope.covers(place))
}

/// The one rule of a whistle's steps: what `step` changes, or why not.
/// `department` is the part a department user acts for (their own; a user
/// of several departments names one).
pub fn decide(
    actor: &Actor,
    case: &CaseFacts,
    whistle: &WhistleFacts,
    department: Option<&str>,
    step: WhistleStep,
) -> Result<Outcome, Refusal> {
    let running = whistle.state == WhistleState::Open
        && case.level == Some(DispatchLevel::Department)
        && matches!(case.status, CaseStatus::Dispatched | CaseStatus::InProgress);
    let unchanged = Outcome {
        department: None,
        part: None,
        whistle: whistle.state,
        case_status: case.status,
        case_level: DispatchLevel::Department,
    };
    if step == WhistleStep::Recall {
        if !street_of(actor, &case.place) {
            return Err(Refusal::NotYours);
        }
        if !running {
            return Err(Refusal::WrongState);
        }
        return Ok(Outcome {
            whistle: WhistleState::Returned,
            case_status: CaseStatus::InProgress,
            case_level: DispatchLevel::Street,
            ..unchanged
        });
    }
    if step == WhistleStep::CloseOut {
        if !street_of(actor, &case.place) {
            return Err(Refusal::NotYours);
        }
        // The street closes out on the lead department's report.
        let reported = whistle
            .lead()
            .is_some_and(|p| p.state == PartState::Reported);
        if !running || !reported {
            return Err(Refusal::WrongState);
        }
        return Ok(Outcome {
            whistle: WhistleState::Closed,
            case_status: CaseStatus::Resolved,
            ..unchanged
        });
    }
    // A department step: the caller's own part, and only theirs.
    let mine: Vec<&str> = super::policy::departments_of(actor.grants)
        .filter(|d| whistle.part(d).is_some())
        .collect();
    let Some(part) = (match department {
        Some(d) => mine.iter().find(|m| **m == d).and_then(|d| whistle.part(d)),
        None => mine.first().and_then(|d| whistle.part(d)),
    }) else {
        return Err(Refusal::NotYours);
    };
    let (from, to) = match step {
        WhistleStep::Accept => (PartState::Called, PartState::Accepted),
        WhistleStep::SendBack => (PartState::Called, PartState::SentBack),
        WhistleStep::Report => (PartState::Accepted, PartState::Reported),
        WhistleStep::CloseOut | WhistleStep::Recall => unreachable!("handled above"),
    };
    if !running || part.state != from {
        return Err(Refusal::WrongState);
    }
    let unchanged = Outcome {
        department: Some(part.department.clone()),
        ..unchanged
    };
    Ok(match (step, part.lead) {
        // The lead's acceptance is the case's: it is being handled now.
        (WhistleStep::Accept, true) => Outcome {
            part: Some(to),
            case_status: CaseStatus::InProgress,
            ..unchanged
        },
        // The lead sending it back returns the case to the street, which
        // holds it (and may whistle again or handle it itself).
        (WhistleStep::SendBack, true) => Outcome {
            part: Some(to),
            whistle: WhistleState::Returned,
            case_status: CaseStatus::InProgress,
            case_level: DispatchLevel::Street,
            ..unchanged
        },
        _ => Outcome {
            part: Some(to),
            ..unchanged
        },
    })
}

/// The steps a user may take on a whistle now, with the department each is
/// for (none for the street's close-out): the buttons the UI shows.
pub fn available(
    actor: &Actor,
    case: &CaseFacts,
    whistle: &WhistleFacts,
) -> Vec<(Option<String>, WhistleStep)> {
    let mut out = Vec::new();
    for d in super::policy::departments_of(actor.grants).filter(|d| whistle.part(d).is_some()) {
        for step in [
            WhistleStep::Accept,
            WhistleStep::SendBack,
            WhistleStep::Report,
        ] {
            if decide(actor, case, whistle, Some(d), step).is_ok() {
                out.push((Some(d.to_string()), step));
            }
        }
    }
    for step in [WhistleStep::CloseOut, WhistleStep::Recall] {
        if decide(actor, case, whistle, None, step).is_ok() {
            out.push((None, step));
        }
    }
    out
}

/// Checks a call's departments and date: the lead and up to
/// [`MAX_ASSISTING`] others, each once and each one the district keeps
/// (`known`); a required-by date from today to [`MAX_REQUIRED_DAYS`] ahead.
pub fn check_call(
    lead: &str,
    assisting: &[String],
    required_by: Option<NaiveDate>,
    today: NaiveDate,
    known: impl Fn(&str) -> bool,
) -> Result<(), AppError> {
    if assisting.len() > MAX_ASSISTING {
        return Err(AppError::invalid(Field::Assisting, InputProblem::TooMany));
    }
    for (i, d) in assisting.iter().enumerate() {
        if d == lead || assisting[..i].contains(d) || !known(d) {
            return Err(AppError::invalid(Field::Assisting, InputProblem::Unknown));
        }
    }
    if let Some(day) = required_by {
        if day < today {
            return Err(AppError::invalid(Field::RequiredBy, InputProblem::InPast));
        }
        if day > today + Duration::days(MAX_REQUIRED_DAYS) {
            return Err(AppError::invalid(
                Field::RequiredBy,
                InputProblem::OutOfRange,
            ));
        }
    }
    Ok(())
}

/// One department's rating at close-out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    pub department: String,
    pub stars: u8,
}

/// Checks the close-out ratings: each department called, exactly once, 1–5.
pub fn check_ratings(whistle: &WhistleFacts, ratings: &[Rating]) -> Result<(), AppError> {
    let bad = || AppError::invalid(Field::Rating, InputProblem::OutOfRange);
    if ratings.len() != whistle.parts.len() {
        return Err(AppError::invalid(Field::Rating, InputProblem::Required));
    }
    for p in &whistle.parts {
        let r = ratings.iter().filter(|r| r.department == p.department);
        match r.collect::<Vec<_>>().as_slice() {
            [one] if (1..=5).contains(&one.stars) => {}
            [] => return Err(AppError::invalid(Field::Rating, InputProblem::Required)),
            _ => return Err(bad()),
        }
    }
    Ok(())
}

/// A step asked of a whistle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRequest {
    pub case_id: i64,
    /// The case version the user saw; a stale one is refused.
    pub version: i64,
    pub step: WhistleStep,
    /// The department acting (a user of one department may leave it out).
    #[serde(default)]
    pub department: Option<String>,
    /// The reason to send back, the report, or the close-out result.
    #[serde(default)]
    pub note: String,
    /// Close-out: one rating per department.
    #[serde(default)]
    pub ratings: Vec<Rating>,
}

/// One department's part as staff and the departments read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartView {
    pub department: String,
    pub name: String,
    pub lead: bool,
    pub state: PartState,
    pub reason: Option<String>,
    pub report: Option<String>,
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub reported_at: Option<chrono::DateTime<chrono::Utc>>,
    pub rating: Option<i32>,
    /// Photos the department took for its report.
    pub photos: Vec<super::case::PhotoRef>,
}

/// A whistle as staff and the departments read it (never on public pages:
/// the timeline says what the public may know).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WhistleView {
    pub id: i64,
    pub state: WhistleState,
    pub required_by: NaiveDate,
    pub called_at: chrono::DateTime<chrono::Utc>,
    pub note: String,
    pub result: Option<String>,
    pub parts: Vec<PartView>,
    /// What the reader may do now (see [`available`]).
    pub steps: Vec<(Option<String>, WhistleStep)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::auth::{Grant, Scope};

    fn g(role: Role, scope: Scope) -> Grant {
        Grant { role, scope }
    }

    fn case(status: CaseStatus) -> CaseFacts {
        CaseFacts {
            status,
            place: Place {
                grid: Some("G1".into()),
                community: Some("C1".into()),
                street: Some("S1".into()),
            },
            reporter: Some(7),
            level: Some(DispatchLevel::Department),
            department: Some("CG".into()),
            assisting: vec!["SJ".into()],
            company: None,
        }
    }

    fn whistle(lead: PartState, assist: PartState) -> WhistleFacts {
        WhistleFacts {
            state: WhistleState::Open,
            parts: vec![
                PartFacts {
                    department: "CG".into(),
                    lead: true,
                    state: lead,
                },
                PartFacts {
                    department: "SJ".into(),
                    lead: false,
                    state: assist,
                },
            ],
        }
    }

    #[test]
    fn each_department_answers_for_its_own_part_only() {
        let cg = [g(Role::Department, Scope::Department("CG".into()))];
        let sj = [g(Role::Department, Scope::Department("SJ".into()))];
        let other = [g(Role::Department, Scope::Department("HB".into()))];
        let w = whistle(PartState::Called, PartState::Called);
        let c = case(CaseStatus::Dispatched);
        let lead = Actor {
            user_id: 1,
            grants: &cg,
        };
        let assist = Actor {
            user_id: 2,
            grants: &sj,
        };
        let stranger = Actor {
            user_id: 3,
            grants: &other,
        };
        // The lead's acceptance starts the handling; the assist's does not.
        let o = decide(&lead, &c, &w, None, WhistleStep::Accept).unwrap();
        assert_eq!(
            (o.part, o.case_status),
            (Some(PartState::Accepted), CaseStatus::InProgress)
        );
        let o = decide(&assist, &c, &w, None, WhistleStep::Accept).unwrap();
        assert_eq!(
            (o.part, o.case_status),
            (Some(PartState::Accepted), CaseStatus::Dispatched)
        );
        // Nobody answers for another department's part.
        assert_eq!(
            decide(&assist, &c, &w, Some("CG"), WhistleStep::Accept),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            decide(&stranger, &c, &w, None, WhistleStep::Accept),
            Err(Refusal::NotYours)
        );
        // Report only after accepting.
        assert_eq!(
            decide(&lead, &c, &w, None, WhistleStep::Report),
            Err(Refusal::WrongState)
        );
    }

    #[test]
    fn the_lead_sending_back_returns_the_case_to_the_street() {
        let cg = [g(Role::Department, Scope::Department("CG".into()))];
        let lead = Actor {
            user_id: 1,
            grants: &cg,
        };
        let w = whistle(PartState::Called, PartState::Accepted);
        let o = decide(
            &lead,
            &case(CaseStatus::Dispatched),
            &w,
            None,
            WhistleStep::SendBack,
        )
        .unwrap();
        assert_eq!(o.whistle, WhistleState::Returned);
        assert_eq!(o.case_level, DispatchLevel::Street);
        assert_eq!(o.case_status, CaseStatus::InProgress);
        // Once accepted, a part is not sent back.
        let w = whistle(PartState::Accepted, PartState::Called);
        assert_eq!(
            decide(
                &lead,
                &case(CaseStatus::InProgress),
                &w,
                None,
                WhistleStep::SendBack
            ),
            Err(Refusal::WrongState)
        );
    }

    #[test]
    fn the_street_closes_out_on_the_lead_report() {
        let street = [g(Role::StreetAdmin, Scope::Street("S1".into()))];
        let other_street = [g(Role::StreetAdmin, Scope::Street("S2".into()))];
        let cg = [g(Role::Department, Scope::Department("CG".into()))];
        let s = Actor {
            user_id: 1,
            grants: &street,
        };
        let c = case(CaseStatus::InProgress);
        assert_eq!(
            decide(
                &s,
                &c,
                &whistle(PartState::Accepted, PartState::Reported),
                None,
                WhistleStep::CloseOut
            ),
            Err(Refusal::WrongState)
        );
        let w = whistle(PartState::Reported, PartState::Called);
        let o = decide(&s, &c, &w, None, WhistleStep::CloseOut).unwrap();
        assert_eq!(
            (o.whistle, o.case_status),
            (WhistleState::Closed, CaseStatus::Resolved)
        );
        for grants in [&other_street[..], &cg[..]] {
            let a = Actor { user_id: 2, grants };
            assert_eq!(
                decide(&a, &c, &w, None, WhistleStep::CloseOut),
                Err(Refusal::NotYours)
            );
        }
        assert_eq!(
            available(&s, &c, &w),
            vec![(None, WhistleStep::CloseOut), (None, WhistleStep::Recall)]
        );
        // The street takes a whistle back at any point while it runs.
        let silent = whistle(PartState::Called, PartState::Called);
        let o = decide(
            &s,
            &case(CaseStatus::Dispatched),
            &silent,
            None,
            WhistleStep::Recall,
        )
        .unwrap();
        assert_eq!(
            (o.whistle, o.case_level, o.case_status),
            (
                WhistleState::Returned,
                DispatchLevel::Street,
                CaseStatus::InProgress
            )
        );
        let department = Actor {
            user_id: 3,
            grants: &cg,
        };
        assert_eq!(
            decide(&department, &c, &silent, None, WhistleStep::Recall),
            Err(Refusal::NotYours)
        );
    }

    #[test]
    fn a_call_names_known_departments_once_and_a_date_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let known = |d: &str| ["CG", "SJ", "HB"].contains(&d);
        let ok = |a: &[&str], d: Option<NaiveDate>| {
            let a: Vec<String> = a.iter().map(|s| s.to_string()).collect();
            check_call("CG", &a, d, today, known)
        };
        assert!(ok(&["SJ", "HB"], Some(today)).is_ok());
        assert!(ok(&[], None).is_ok());
        for bad in [&["CG"][..], &["SJ", "SJ"], &["XX"]] {
            assert_eq!(
                ok(bad, None),
                Err(AppError::invalid(Field::Assisting, InputProblem::Unknown))
            );
        }
        assert_eq!(
            ok(&[], today.pred_opt()),
            Err(AppError::invalid(Field::RequiredBy, InputProblem::InPast))
        );
        assert_eq!(
            ok(&[], Some(today + Duration::days(91))),
            Err(AppError::invalid(
                Field::RequiredBy,
                InputProblem::OutOfRange
            ))
        );
    }

    #[test]
    fn close_out_rates_every_department_once() {
        let w = whistle(PartState::Reported, PartState::SentBack);
        let r = |d: &str, stars| Rating {
            department: d.into(),
            stars,
        };
        assert!(check_ratings(&w, &[r("CG", 5), r("SJ", 2)]).is_ok());
        assert!(check_ratings(&w, &[r("CG", 5)]).is_err());
        assert!(check_ratings(&w, &[r("CG", 5), r("CG", 4)]).is_err());
        assert!(check_ratings(&w, &[r("CG", 6), r("SJ", 2)]).is_err());
        assert!(check_ratings(&w, &[r("CG", 0), r("SJ", 2)]).is_err());
    }
}
