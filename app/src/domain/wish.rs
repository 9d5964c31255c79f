//! Micro-wishes (微心愿): a resident's small concrete need, reviewed by the
//! community, published on the wall, claimed by exactly one party member or
//! dual-reporting unit, fulfilled, confirmed, closed. [`decide`] is the one
//! rule saying who may take which step from which state.

use super::auth::{Grant, Place, Role, Scope};
use super::error::{text_problem, Field, InputProblem, Problems};
use super::person::is_mobile_number;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WishKind {
    /// 物质: goods (school supplies, a wheelchair…).
    Material,
    /// 精神: company and care (a visit, a talk).
    Spiritual,
    /// 服务: a service (repairing, a haircut, tutoring).
    Service,
}

impl WishKind {
    pub const ALL: [WishKind; 3] = [WishKind::Material, WishKind::Spiritual, WishKind::Service];

    pub fn as_str(self) -> &'static str {
        match self {
            WishKind::Material => "material",
            WishKind::Spiritual => "spiritual",
            WishKind::Service => "service",
        }
    }

    pub fn parse(s: &str) -> Option<WishKind> {
        WishKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            WishKind::Material => ("物质类", "Goods"),
            WishKind::Spiritual => ("精神类", "Company & care"),
            WishKind::Service => ("服务类", "Service"),
        };
        lang.pick(zh, en)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WishStatus {
    /// 待审核: posted, waiting for the community's review.
    Pending,
    /// 待认领: on the wall.
    Published,
    /// 未通过: refused by the community, with a reason.
    Rejected,
    /// 已认领: someone is on it.
    Claimed,
    /// 待确认: the claimer says it is done; the wisher confirms.
    Fulfilled,
    /// 已圆梦: confirmed and thanked; points credited.
    Closed,
    /// 已撤回: withdrawn before anyone fulfilled it.
    Withdrawn,
}

impl WishStatus {
    pub const ALL: [WishStatus; 7] = [
        WishStatus::Pending,
        WishStatus::Published,
        WishStatus::Rejected,
        WishStatus::Claimed,
        WishStatus::Fulfilled,
        WishStatus::Closed,
        WishStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WishStatus::Pending => "pending",
            WishStatus::Published => "published",
            WishStatus::Rejected => "rejected",
            WishStatus::Claimed => "claimed",
            WishStatus::Fulfilled => "fulfilled",
            WishStatus::Closed => "closed",
            WishStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<WishStatus> {
        WishStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Shown on the public wall (everything after the review, except
    /// refused and withdrawn wishes).
    pub fn on_wall(self) -> bool {
        matches!(
            self,
            WishStatus::Published
                | WishStatus::Claimed
                | WishStatus::Fulfilled
                | WishStatus::Closed
        )
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            WishStatus::Pending => ("待审核", "Under review"),
            WishStatus::Published => ("待认领", "Open"),
            WishStatus::Rejected => ("未通过", "Refused"),
            WishStatus::Claimed => ("已认领", "Claimed"),
            WishStatus::Fulfilled => ("待确认", "Awaiting thanks"),
            WishStatus::Closed => ("已圆梦", "Fulfilled"),
            WishStatus::Withdrawn => ("已撤回", "Withdrawn"),
        };
        lang.pick(zh, en)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WishAction {
    /// The wish is posted (the first timeline entry; never an action
    /// anyone takes on an existing wish).
    Post,
    /// The community publishes it.
    Approve,
    /// The community refuses it (with a reason).
    Reject,
    /// A party member claims it for themself.
    Claim,
    /// A unit admin claims it for the unit.
    ClaimForUnit,
    /// The claimer gives it back to the wall.
    GiveBack,
    /// The community takes an overdue claim back to the wall.
    Release,
    /// The claimer reports it done.
    Fulfil,
    /// The wisher (or the community for them) confirms and thanks.
    Confirm,
    /// The wisher or the community withdraws it before it is claimed.
    Withdraw,
}

impl WishAction {
    pub const ALL: [WishAction; 10] = [
        WishAction::Post,
        WishAction::Approve,
        WishAction::Reject,
        WishAction::Claim,
        WishAction::ClaimForUnit,
        WishAction::GiveBack,
        WishAction::Release,
        WishAction::Fulfil,
        WishAction::Confirm,
        WishAction::Withdraw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WishAction::Post => "post",
            WishAction::Approve => "approve",
            WishAction::Reject => "reject",
            WishAction::Claim => "claim",
            WishAction::ClaimForUnit => "claim_for_unit",
            WishAction::GiveBack => "give_back",
            WishAction::Release => "release",
            WishAction::Fulfil => "fulfil",
            WishAction::Confirm => "confirm",
            WishAction::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Option<WishAction> {
        WishAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self, lang: super::lang::Lang) -> &'static str {
        let (zh, en) = match self {
            WishAction::Post => ("发布心愿", "Posted"),
            WishAction::Approve => ("审核通过", "Approve"),
            WishAction::Reject => ("不予通过", "Refuse"),
            WishAction::Claim => ("我来认领", "Claim"),
            WishAction::ClaimForUnit => ("以单位认领", "Claim for my unit"),
            WishAction::GiveBack => ("放弃认领", "Give back"),
            WishAction::Release => ("收回认领", "Take back"),
            WishAction::Fulfil => ("完成心愿", "Mark fulfilled"),
            WishAction::Confirm => ("确认并致谢", "Confirm & thank"),
            WishAction::Withdraw => ("撤回心愿", "Withdraw"),
        };
        lang.pick(zh, en)
    }

    /// The next status, whoever asks.
    fn to(self) -> WishStatus {
        match self {
            WishAction::Approve | WishAction::GiveBack | WishAction::Release => {
                WishStatus::Published
            }
            WishAction::Post => WishStatus::Pending,
            WishAction::Reject => WishStatus::Rejected,
            WishAction::Claim | WishAction::ClaimForUnit => WishStatus::Claimed,
            WishAction::Fulfil => WishStatus::Fulfilled,
            WishAction::Confirm => WishStatus::Closed,
            WishAction::Withdraw => WishStatus::Withdrawn,
        }
    }
}

/// What the rule needs to know about a wish.
#[derive(Clone, Debug, PartialEq)]
pub struct WishFacts {
    pub status: WishStatus,
    pub place: Place,
    /// The resident the wish is for, when they have an account.
    pub wisher: Option<i64>,
    /// Who typed it in (the wisher, or a grid worker for them).
    pub posted_by: i64,
    pub claimer: Option<i64>,
    pub claimer_unit: Option<i64>,
}

/// Why an action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WishRefusal {
    WrongState,
    NotYours,
}

fn holds_at(grants: &[Grant], role: Role, place: &Place) -> bool {
    grants
        .iter()
        .any(|g| g.role == role && g.scope.covers(place))
}

/// The community's side of a wish: its community and street admins (and
/// system admins). They review, release and confirm for the wisher.
pub fn community_side(grants: &[Grant], place: &Place) -> bool {
    [Role::CommunityAdmin, Role::StreetAdmin, Role::SystemAdmin]
        .into_iter()
        .any(|r| holds_at(grants, r, place))
}

/// Grid staff of the wish's grid: they post for residents and may confirm
/// for them too.
/// Grid staff who act (instructors only read): they confirm for residents
/// without a phone.
fn grid_staff(grants: &[Grant], place: &Place) -> bool {
    [Role::GridWorker, Role::GridLeader]
        .into_iter()
        .any(|r| holds_at(grants, r, place))
}

/// The unit a party member serves in, or a unit admin runs.
pub fn unit_of(grants: &[Grant], role: Role) -> Option<i64> {
    grants.iter().find_map(|g| match g.scope {
        Scope::Unit(u) if g.role == role => Some(u),
        _ => None,
    })
}

/// Whether this user is the claimer, or runs the unit that claimed it.
fn claimer_side(user: i64, grants: &[Grant], w: &WishFacts) -> bool {
    w.claimer == Some(user)
        || w.claimer_unit
            .is_some_and(|u| unit_of(grants, Role::UnitAdmin) == Some(u))
}

/// The one rule of the wish loop: the state `action` leads to, or why not.
pub fn decide(
    user: i64,
    grants: &[Grant],
    w: &WishFacts,
    action: WishAction,
) -> Result<WishStatus, WishRefusal> {
    use WishAction as A;
    use WishStatus as S;
    let community = community_side(grants, &w.place);
    let wisher_side = w.wisher == Some(user) || w.posted_by == user;
    let (from_ok, who_ok) = match action {
        A::Post => (false, false),
        A::Approve | A::Reject => (w.status == S::Pending, community),
        // The wisher cannot claim their own wish.
        A::Claim => (
            w.status == S::Published,
            unit_of(grants, Role::PartyMember).is_some() && !wisher_side,
        ),
        A::ClaimForUnit => (
            w.status == S::Published,
            unit_of(grants, Role::UnitAdmin).is_some() && !wisher_side,
        ),
        A::GiveBack => (w.status == S::Claimed, claimer_side(user, grants, w)),
        A::Release => (w.status == S::Claimed, community),
        A::Fulfil => (w.status == S::Claimed, claimer_side(user, grants, w)),
        A::Confirm => (
            w.status == S::Fulfilled,
            w.wisher == Some(user) || community || grid_staff(grants, &w.place),
        ),
        A::Withdraw => (
            matches!(w.status, S::Pending | S::Published),
            wisher_side || community,
        ),
    };
    match (from_ok, who_ok) {
        (false, _) => Err(WishRefusal::WrongState),
        (true, false) => Err(WishRefusal::NotYours),
        (true, true) => Ok(action.to()),
    }
}

/// The steps this user may take now: the buttons the UI shows.
pub fn available(user: i64, grants: &[Grant], w: &WishFacts) -> Vec<WishAction> {
    WishAction::ALL
        .into_iter()
        .filter(|a| decide(user, grants, w, *a).is_ok())
        .collect()
}

/// Whether the wisher's name, phone and address may be shown to this user:
/// the wisher and whoever typed it in, the community and grid staff, and
/// the claimer once the wish is theirs.
pub fn sees_contact(user: i64, grants: &[Grant], w: &WishFacts) -> bool {
    w.wisher == Some(user)
        || w.posted_by == user
        || community_side(grants, &w.place)
        || (matches!(
            w.status,
            WishStatus::Claimed | WishStatus::Fulfilled | WishStatus::Closed
        ) && claimer_side(user, grants, w))
}

/// A claim still open after the wanted-by day is flagged to the community.
pub fn claim_overdue(status: WishStatus, wanted_by: NaiveDate, today: NaiveDate) -> bool {
    status == WishStatus::Claimed && today > wanted_by
}

pub const MAX_TITLE: usize = 40;
pub const MAX_STORY: usize = 500;
/// Longest note on a step (a reason, what was done, a thank-you).
pub const MAX_NOTE: usize = 300;
/// Wishes are small: a rough value above this is a project, not a wish.
pub const MAX_VALUE_YUAN: i32 = 5000;

/// A new wish as the form sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewWish {
    pub title: String,
    pub story: String,
    pub kind: WishKind,
    pub value_yuan: i32,
    pub wanted_by: NaiveDate,
    /// The community it is posted to.
    pub community_code: String,
    /// Private: only the community and, after claiming, the claimer see it.
    #[serde(default)]
    pub address: String,
    /// A grid worker posting for someone without a phone fills these.
    #[serde(default)]
    pub for_name: Option<String>,
    #[serde(default)]
    pub for_phone: Option<String>,
}

/// Longest address and name of the person a wish is posted for, in characters.
pub const MAX_ADDRESS: usize = 100;
pub const MAX_FOR_NAME: usize = 20;

impl NewWish {
    /// What is wrong with the wish as typed, every field at once in the form's
    /// order (the form shows them all; the server refuses with the first). Whether
    /// the community exists and the poster may post for someone only the server says.
    pub fn problems(&self, today: NaiveDate) -> Problems {
        let mut out = Problems::new();
        let text = |out: &mut Problems, field, s: &str, max, required| {
            if let Some(p) = text_problem(s, max, required) {
                out.push((field, p));
            }
        };
        text(&mut out, Field::Title, &self.title, MAX_TITLE, true);
        text(&mut out, Field::Story, &self.story, MAX_STORY, true);
        if !(0..=MAX_VALUE_YUAN).contains(&self.value_yuan) {
            out.push((Field::Value, InputProblem::OutOfRange));
        }
        if self.wanted_by < today {
            out.push((Field::WantedBy, InputProblem::InPast));
        } else if self.wanted_by > today + chrono::Duration::days(366) {
            out.push((Field::WantedBy, InputProblem::OutOfRange));
        }
        if self.community_code.trim().is_empty() {
            out.push((Field::Community, InputProblem::Required));
        }
        text(&mut out, Field::Address, &self.address, MAX_ADDRESS, false);
        // Ticked "for someone": their name is needed (an empty one must not quietly
        // post the wish as the staff member's own).
        if let Some(name) = self.for_name.as_deref() {
            text(&mut out, Field::Name, name, MAX_FOR_NAME, true);
            let phone = self.for_phone.as_deref().unwrap_or_default().trim();
            if !phone.is_empty() && !is_mobile_number(phone) {
                out.push((Field::Phone, InputProblem::NotMobile));
            }
        }
        out
    }
}

/// A step as requested.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WishStep {
    pub wish_id: i64,
    /// The version the user saw; a stale one is refused.
    pub version: i64,
    pub action: WishAction,
    #[serde(default)]
    pub note: String,
    /// Fulfil: service hours spent (0.5–24).
    #[serde(default)]
    pub hours: Option<f32>,
}

/// The wisher's private details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WishContact {
    pub name: String,
    pub phone: String,
    pub address: String,
}

/// A photo of a wish (the wish itself, or the proof it was fulfilled).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WishPhotoRef {
    pub id: i64,
    pub url: String,
    pub thumb_url: String,
}

impl WishPhotoRef {
    pub fn new(id: i64) -> WishPhotoRef {
        WishPhotoRef {
            id,
            url: format!("/api/v1/wish-photos/{id}"),
            thumb_url: format!("/api/v1/wish-photos/{id}?thumb=1"),
        }
    }
}

/// A wish as it shows on the wall and in `wishes.json`: public fields only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WishCard {
    pub id: i64,
    pub title: String,
    pub story: String,
    pub kind: WishKind,
    pub value_yuan: i32,
    pub wanted_by: NaiveDate,
    pub status: WishStatus,
    pub community_code: String,
    pub community_name: String,
    /// The community's centre, a little spread so cards do not stack: a
    /// wish is never placed at the wisher's home.
    pub lat: f64,
    pub lng: f64,
    /// "张女士" style display of who claimed it: a unit's name, or a
    /// member's surname only.
    pub claimed_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub photos: Vec<WishPhotoRef>,
}

/// A timeline entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WishEntry {
    pub actor: String,
    pub action: WishAction,
    pub to_status: WishStatus,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A wish as one reader may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WishView {
    pub card: WishCard,
    pub version: i64,
    pub contact: Option<WishContact>,
    pub reject_reason: Option<String>,
    pub fulfil_note: Option<String>,
    pub thanks: Option<String>,
    pub hours: Option<f32>,
    pub claim_overdue: bool,
    pub fulfil_photos: Vec<WishPhotoRef>,
    pub actions: Vec<WishAction>,
    pub timeline: Vec<WishEntry>,
    /// Whether the reader may add photos now (wisher while under review,
    /// claimer while fulfilling).
    pub may_add_photo: bool,
}

/// Which list of wishes to read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WishList {
    /// The public wall.
    Wall,
    /// Wishes I posted (or posted for someone).
    Mine,
    /// Wishes I (or my unit) claimed.
    Claimed,
    /// The community's review list (all states) for staff.
    Community(String),
}

/// Filters of the wall and lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WishFilter {
    #[serde(default)]
    pub community: Option<String>,
    #[serde(default)]
    pub kind: Option<WishKind>,
    #[serde(default)]
    pub status: Option<WishStatus>,
}

/// Points credited for a confirmed wish, on top of its hours.
pub const WISH_POINTS: i32 = 10;

/// Points for hours of service: two per hour, rounded down to half hours.
pub fn points_for_hours(hours: f32) -> i32 {
    (hours.max(0.0) * 2.0).floor() as i32
}

/// "张**"-style short name for public display: the surname only. A title
/// before the name ("党员 吴磊") is dropped.
pub fn surname_only(name: &str) -> String {
    let name = name.split_whitespace().last().unwrap_or_default();
    match name.chars().next() {
        Some(c) if !c.is_ascii() => format!("{c}**"),
        Some(c) => format!("{c}."),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::{Field, InputProblem};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn new_wish() -> NewWish {
        NewWish {
            title: "想要一盏台灯".into(),
            story: "晚上看书光线太暗".into(),
            kind: WishKind::Material,
            value_yuan: 80,
            wanted_by: day("2026-12-20"),
            community_code: "370103-001-001".into(),
            address: String::new(),
            for_name: None,
            for_phone: None,
        }
    }

    #[test]
    fn a_wish_names_all_its_problems_at_once() {
        let today = day("2026-12-01");
        assert!(new_wish().problems(today).is_empty());
        let bad = NewWish {
            title: String::new(),
            story: "字".repeat(MAX_STORY + 1),
            value_yuan: MAX_VALUE_YUAN + 1,
            wanted_by: day("2026-11-30"),
            community_code: " ".into(),
            address: "址".repeat(MAX_ADDRESS + 1),
            // Ticked "for someone" without a name: refused, not posted as one's own.
            for_name: Some(" ".into()),
            for_phone: Some("123".into()),
            ..new_wish()
        };
        assert_eq!(
            bad.problems(today),
            vec![
                (Field::Title, InputProblem::Required),
                (Field::Story, InputProblem::TooLong),
                (Field::Value, InputProblem::OutOfRange),
                (Field::WantedBy, InputProblem::InPast),
                (Field::Community, InputProblem::Required),
                (Field::Address, InputProblem::TooLong),
                (Field::Name, InputProblem::Required),
                (Field::Phone, InputProblem::NotMobile),
            ]
        );
        let late = NewWish {
            wanted_by: day("2028-01-01"),
            ..new_wish()
        };
        assert_eq!(
            late.problems(today),
            vec![(Field::WantedBy, InputProblem::OutOfRange)]
        );
    }

    const WISHER: i64 = 1;
    const POSTER: i64 = 2;
    const CLAIMER: i64 = 3;

    fn place() -> Place {
        Place {
            grid: Some("G1".into()),
            community: Some("C1".into()),
            street: Some("S1".into()),
        }
    }

    fn facts(status: WishStatus, by_unit: bool) -> WishFacts {
        let claimed = matches!(
            status,
            WishStatus::Claimed | WishStatus::Fulfilled | WishStatus::Closed
        );
        WishFacts {
            status,
            place: place(),
            wisher: Some(WISHER),
            posted_by: POSTER,
            claimer: claimed.then_some(CLAIMER),
            claimer_unit: (claimed && by_unit).then_some(5),
        }
    }

    fn actors() -> Vec<(&'static str, i64, Vec<Grant>)> {
        let g = |role, scope| Grant::new(role, scope).unwrap();
        vec![
            ("wisher", WISHER, vec![g(Role::Resident, Scope::None)]),
            (
                "poster",
                POSTER,
                vec![g(Role::GridWorker, Scope::Grid("G1".into()))],
            ),
            (
                "claimer",
                CLAIMER,
                vec![g(Role::PartyMember, Scope::Unit(5))],
            ),
            ("resident", 10, vec![g(Role::Resident, Scope::None)]),
            ("member", 11, vec![g(Role::PartyMember, Scope::Unit(5))]),
            ("unit_admin", 12, vec![g(Role::UnitAdmin, Scope::Unit(5))]),
            ("other_unit", 13, vec![g(Role::UnitAdmin, Scope::Unit(6))]),
            (
                "community",
                14,
                vec![g(Role::CommunityAdmin, Scope::Community("C1".into()))],
            ),
            (
                "other_community",
                15,
                vec![g(Role::CommunityAdmin, Scope::Community("C2".into()))],
            ),
            (
                "street",
                16,
                vec![g(Role::StreetAdmin, Scope::Street("S1".into()))],
            ),
            (
                "worker",
                17,
                vec![g(Role::GridWorker, Scope::Grid("G1".into()))],
            ),
            (
                "department",
                18,
                vec![g(Role::Department, Scope::Department("CG".into()))],
            ),
            (
                "company",
                19,
                vec![g(Role::PropertyCompany, Scope::Company(1))],
            ),
            ("admin", 20, vec![g(Role::SystemAdmin, Scope::Everywhere)]),
        ]
    }

    /// Who may take each action, by state, when the wish was claimed by a
    /// member (`by_unit` false) or for a unit (true). Everything not listed
    /// is refused.
    fn expected(status: WishStatus, action: WishAction, by_unit: bool) -> &'static [&'static str] {
        use WishAction as A;
        use WishStatus as S;
        const COMMUNITY: &[&str] = &["community", "street", "admin"];
        match (status, action) {
            (S::Pending, A::Approve | A::Reject) => COMMUNITY,
            (S::Published, A::Claim) => &["claimer", "member"],
            (S::Published, A::ClaimForUnit) => &["unit_admin", "other_unit"],
            (S::Claimed, A::GiveBack | A::Fulfil) if by_unit => &["claimer", "unit_admin"],
            (S::Claimed, A::GiveBack | A::Fulfil) => &["claimer"],
            (S::Claimed, A::Release) => COMMUNITY,
            (S::Fulfilled, A::Confirm) => {
                &["wisher", "poster", "community", "street", "worker", "admin"]
            }
            (S::Pending | S::Published, A::Withdraw) => {
                &["wisher", "poster", "community", "street", "admin"]
            }
            _ => &[],
        }
    }

    #[test]
    fn every_role_state_and_action_is_decided_as_the_table_says() {
        let mut checked = 0;
        for by_unit in [false, true] {
            for status in WishStatus::ALL {
                let w = facts(status, by_unit);
                let anyone_may = actors().iter().any(|(_, id, g)| {
                    WishAction::ALL
                        .iter()
                        .any(|a| decide(*id, g, &w, *a).is_ok())
                });
                for action in WishAction::ALL {
                    let allowed = expected(status, action, by_unit);
                    for (name, id, grants) in actors() {
                        let got = decide(id, &grants, &w, action);
                        if allowed.contains(&name) {
                            assert_eq!(got, Ok(action.to()), "{name} {status:?} {action:?}");
                        } else if allowed.is_empty() {
                            assert_eq!(
                                got,
                                Err(WishRefusal::WrongState),
                                "{name} {status:?} {action:?}"
                            );
                        } else {
                            assert_eq!(
                                got,
                                Err(WishRefusal::NotYours),
                                "{name} {status:?} {action:?} by_unit={by_unit}"
                            );
                        }
                        checked += 1;
                    }
                }
                let terminal = matches!(
                    status,
                    WishStatus::Rejected | WishStatus::Closed | WishStatus::Withdrawn
                );
                assert_eq!(anyone_may, !terminal, "{status:?}");
            }
        }
        assert_eq!(checked, 2 * 7 * 10 * 14);
    }

    #[test]
    fn a_wisher_who_is_a_party_member_cannot_claim_their_own_wish() {
        let w = facts(WishStatus::Published, false);
        let grants = vec![Grant::new(Role::PartyMember, Scope::Unit(5)).unwrap()];
        assert_eq!(
            decide(WISHER, &grants, &w, WishAction::Claim),
            Err(WishRefusal::NotYours)
        );
    }

    #[test]
    fn the_contact_shows_to_the_claimer_only_once_claimed() {
        let member = vec![Grant::new(Role::PartyMember, Scope::Unit(5)).unwrap()];
        assert!(!sees_contact(
            CLAIMER,
            &member,
            &facts(WishStatus::Published, false)
        ));
        assert!(sees_contact(
            CLAIMER,
            &member,
            &facts(WishStatus::Claimed, false)
        ));
        assert!(!sees_contact(
            11,
            &member,
            &facts(WishStatus::Claimed, false)
        ));
        let unit = vec![Grant::new(Role::UnitAdmin, Scope::Unit(5)).unwrap()];
        assert!(sees_contact(12, &unit, &facts(WishStatus::Claimed, true)));
        assert!(!sees_contact(12, &unit, &facts(WishStatus::Claimed, false)));
        let resident = vec![Grant::new(Role::Resident, Scope::None).unwrap()];
        assert!(sees_contact(
            WISHER,
            &resident,
            &facts(WishStatus::Pending, false)
        ));
        assert!(!sees_contact(
            10,
            &resident,
            &facts(WishStatus::Closed, false)
        ));
    }

    #[test]
    fn a_claim_is_overdue_only_after_the_wanted_by_day() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let next = day.succ_opt().unwrap();
        assert!(!claim_overdue(WishStatus::Claimed, day, day));
        assert!(claim_overdue(WishStatus::Claimed, day, next));
        assert!(!claim_overdue(WishStatus::Fulfilled, day, next));
    }

    #[test]
    fn public_names_keep_the_surname_only() {
        assert_eq!(surname_only("张秀兰"), "张**");
        assert_eq!(surname_only("党员 吴磊"), "吴**");
        assert_eq!(surname_only("Anna"), "A.");
        assert_eq!(surname_only(""), "");
        assert_eq!(points_for_hours(1.5), 3);
        assert_eq!(points_for_hours(0.4), 0);
    }
}
