//! Who may see what and do what: the one policy. Services enforce it, store
//! filters mirror it (each filter names the rule it implements), and the UI
//! offers only what it allows. `../shared/docs/privacy.md` states the rules
//! in words; the authorisation matrix test checks the code against them.
//!
//! Workflow steps (confirm, dispatch, claim…) are decided by each
//! workflow's state machine (`case::decide`, `wish::decide`); this module
//! decides what a caller may read and which doors they may open at all.

use super::auth::{delegable_roles, Grant, Place, Role, Scope};
use super::case::{CaseFacts, CaseSource, CaseStatus, DispatchLevel, Queue};
use super::exchange::MatchFacts;
use super::geography::StaffPosition;
use super::meeting::{Owner, OwnerKind};
use super::wish::unit_of;

fn holds_at(grants: &[Grant], roles: &[Role], place: &Place) -> bool {
    grants
        .iter()
        .any(|g| roles.contains(&g.role) && g.scope.covers(place))
}

fn is_system_admin(grants: &[Grant]) -> bool {
    grants.iter().any(|g| g.role == Role::SystemAdmin)
}

/// Staff of a place and the admins above it ("staff of the place"): grid
/// worker, grid leader, instructor (read only), community, street, system
/// (`Role::is_place_staff`, the one list).
pub fn place_staff() -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| r.is_place_staff())
        .collect()
}

/// Whether the grants make their holder staff of `place`.
pub fn staff_of(grants: &[Grant], place: &Place) -> bool {
    grants
        .iter()
        .any(|g| g.role.is_place_staff() && g.scope.covers(place))
}

/// The department a user answers for, if any (the first, for a user of several).
pub fn department_of(grants: &[Grant]) -> Option<&str> {
    departments_of(grants).next()
}

/// Every department a user answers for.
pub fn departments_of(grants: &[Grant]) -> impl Iterator<Item = &str> {
    grants.iter().filter_map(|g| match (&g.scope, g.role) {
        (Scope::Department(d), Role::Department) => Some(d.as_str()),
        _ => None,
    })
}

/// The department of the user's that a case is with, if any.
pub fn department_with<'a>(grants: &'a [Grant], case: &CaseFacts) -> Option<&'a str> {
    departments_of(grants).find(|d| with_department(case, d))
}

/// The property company a user answers for, if any.
pub fn company_of(grants: &[Grant]) -> Option<i64> {
    grants.iter().find_map(|g| match (&g.scope, g.role) {
        (Scope::Company(c), Role::PropertyCompany) => Some(*c),
        _ => None,
    })
}

// ------------------------------------------------------------- alliance

/// Keeping a property company's record (物业联盟): system admins, and the
/// admins of the street that keeps it. A record kept by no street (made
/// before streets kept them) is a system admin's.
pub fn may_keep_company(grants: &[Grant], street: Option<&str>) -> bool {
    is_system_admin(grants)
        || street.is_some_and(|s| {
            holds_at(
                grants,
                &[Role::StreetAdmin],
                &Place {
                    street: Some(s.to_string()),
                    ..Place::default()
                },
            )
        })
}

/// Whether the user is on the staff of this property company (a user may
/// answer for several).
pub fn works_for_company(grants: &[Grant], company: i64) -> bool {
    grants
        .iter()
        .any(|g| g.role == Role::PropertyCompany && g.scope == Scope::Company(company))
}

/// A company's desk (its tasks, figures, contact and staff): its own
/// staff, and whoever keeps its record.
pub fn may_see_company_desk(grants: &[Grant], company: i64, street: Option<&str>) -> bool {
    works_for_company(grants, company) || may_keep_company(grants, street)
}

/// A task on a company's desk: listed to the company's own staff, and to
/// a keeper only where the case lies in the keeper's area — a company may
/// manage compounds beyond the street keeping its record, and a case is
/// for the staff of its place (privacy.md).
pub fn may_see_company_task(grants: &[Grant], company: i64, place: Option<&Place>) -> bool {
    works_for_company(grants, company) || place.is_some_and(|p| staff_of(grants, p))
}

/// Which company manages a compound is decided where the compound lies: by
/// the admins of its street (and system admins).
pub fn may_assign_compound(grants: &[Grant], compound: &Place) -> bool {
    holds_at(grants, &[Role::StreetAdmin, Role::SystemAdmin], compound)
}

/// The streets where these grants add companies; `None` means every street
/// (a system admin).
pub fn company_streets(grants: &[Grant]) -> Option<Vec<String>> {
    if is_system_admin(grants) {
        return None;
    }
    Some(
        grants
            .iter()
            .filter_map(|g| match (g.role, &g.scope) {
                (Role::StreetAdmin, Scope::Street(s)) => Some(s.clone()),
                _ => None,
            })
            .collect(),
    )
}

// ---------------------------------------------------------------- cases

/// On the public board (公开栏): the reporter ticked 公开, and the case is
/// neither rejected nor merged into another.
pub fn on_public_board(public: bool, status: CaseStatus) -> bool {
    public && !matches!(status, CaseStatus::Rejected | CaseStatus::Merged)
}

/// A case whistled to a department belongs to it from the call until the
/// case is reopened or sent elsewhere: to the lead, and to each assisting
/// department that did not send its part back.
pub fn with_department(case: &CaseFacts, department: &str) -> bool {
    case.level == Some(DispatchLevel::Department)
        && (case.department.as_deref() == Some(department)
            || case.assisting.iter().any(|d| d == department))
}

/// A case belongs to a property company only when its point lies in a
/// compound the company manages (`case.company`) **and** it was dispatched
/// to the company. A complaint about the company, still with the grid, is
/// not the company's to read.
pub fn with_company(case: &CaseFacts, company: i64) -> bool {
    case.level == Some(DispatchLevel::Company) && case.company == Some(company)
}

/// How much of a case a caller may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CaseAccess {
    /// Nothing: answered as if the case did not exist.
    None,
    /// The public view: category, description, place blurred to ~100 m,
    /// public photos, the public timeline with role labels. Anyone, for a
    /// case on the board (followers included).
    Public,
    /// The reporter: their case in full (exact place, their photos, the
    /// public timeline, the result), but no staff names or internal notes.
    Reporter,
    /// A department or company the case is with: the whole case to handle
    /// it, without the reporter's contact.
    Handler,
    /// Staff of the place and admins above: everything, the reporter's
    /// name and phone included (each such read is audited).
    Staff,
}

impl CaseAccess {
    /// Sees internal notes and the names of staff on the timeline.
    pub fn internal(self) -> bool {
        self >= CaseAccess::Handler
    }

    /// Sees the exact place rather than the blurred one.
    pub fn exact_place(self) -> bool {
        self >= CaseAccess::Reporter
    }

    /// Sees the reporter's (or hotline caller's) name and phone.
    pub fn contact(self) -> bool {
        self == CaseAccess::Staff
    }
}

/// Whether a photo of a case shows to this reader. Staff and the handling
/// body see every photo; the reporter those marked public (their own and the
/// result's, 处置后), on a private case too, never staff's working photos
/// (处置前); anyone else a public photo of a case on the board.
pub fn may_see_photo(access: CaseAccess, photo_public: bool, case_on_board: bool) -> bool {
    match access {
        CaseAccess::Staff | CaseAccess::Handler => true,
        CaseAccess::Reporter => photo_public,
        CaseAccess::Public | CaseAccess::None => photo_public && case_on_board,
    }
}

/// What a caller (`None`: signed out) may read of a case.
pub fn case_access(viewer: Option<(i64, &[Grant])>, case: &CaseFacts, public: bool) -> CaseAccess {
    if let Some((id, grants)) = viewer {
        if staff_of(grants, &case.place) {
            return CaseAccess::Staff;
        }
        let handler = department_with(grants, case).is_some()
            || company_of(grants).is_some_and(|c| with_company(case, c));
        if handler {
            return CaseAccess::Handler;
        }
        if case.reporter == Some(id) {
            return CaseAccess::Reporter;
        }
    }
    if on_public_board(public, case.status) {
        CaseAccess::Public
    } else {
        CaseAccess::None
    }
}

/// Adding photos to a case: the reporter, whoever handles it, and staff of
/// the place who act on cases (instructors read only).
pub fn may_add_case_photo(access: CaseAccess, grants: &[Grant], place: &Place) -> bool {
    match access {
        CaseAccess::Reporter | CaseAccess::Handler => true,
        CaseAccess::Staff => holds_at(grants, &ACTING_STAFF, place),
        CaseAccess::Public | CaseAccess::None => false,
    }
}

/// Photos taken when handling a case (处置前 / 处置后) are for those who hold
/// it or act on its place, never the reporter's.
pub fn may_add_handling_photo(access: CaseAccess, grants: &[Grant], place: &Place) -> bool {
    match access {
        CaseAccess::Handler => true,
        CaseAccess::Staff => holds_at(grants, &ACTING_STAFF, place),
        CaseAccess::Reporter | CaseAccess::Public | CaseAccess::None => false,
    }
}

/// Staff of a place who act on its cases (instructors only read).
pub const ACTING_STAFF: [Role; 5] = [
    Role::GridWorker,
    Role::GridLeader,
    Role::CommunityAdmin,
    Role::StreetAdmin,
    Role::SystemAdmin,
];

/// Following ("me too") is for open cases the follower could already read:
/// board cases, or their own.
pub fn may_follow(access: CaseAccess, status: CaseStatus) -> bool {
    access != CaseAccess::None && status.is_open()
}

/// Who may file a case of each source at `place`: anyone signed in reports
/// as a resident; the grid's worker or leader files from patrol (巡查);
/// staff of the place (not instructors, who only read) enter a hotline call.
pub fn may_file(grants: &[Grant], source: CaseSource, place: &Place) -> bool {
    match source {
        CaseSource::Resident => true,
        CaseSource::Patrol => {
            holds_at(grants, &[Role::GridWorker, Role::GridLeader], place)
                || is_system_admin(grants)
        }
        CaseSource::Hotline => holds_at(
            grants,
            &[
                Role::GridWorker,
                Role::GridLeader,
                Role::CommunityAdmin,
                Role::StreetAdmin,
                Role::SystemAdmin,
            ],
            place,
        ),
        // Only through a registered client's API key, never by a person.
        CaseSource::Open311 => false,
    }
}

/// What an Open311 client reads of a case: what the public board shows,
/// and the cases it filed itself, whatever became of them (it follows them
/// to tell its user). Places are blurred and no person is named either way.
pub fn open311_sees(public: bool, status: CaseStatus, filed_by_asker: bool) -> bool {
    filed_by_asker || on_public_board(public, status)
}

/// Who registers and revokes Open311 client applications: system admins.
pub fn may_manage_open311(grants: &[Grant]) -> bool {
    is_system_admin(grants)
}

// ---------------------------------------------------------------- patrols

/// The grid a user patrols (巡查): the first grid they work as its worker
/// or leader.
pub fn patrol_grid(grants: &[Grant]) -> Option<&str> {
    patrol_grids(grants).next()
}

/// Every grid the user patrols (a worker of two grids patrols each), in the
/// order of their grants, each once.
pub fn patrol_grids(grants: &[Grant]) -> impl Iterator<Item = &str> {
    grants
        .iter()
        .enumerate()
        .filter_map(move |(i, g)| match (&g.scope, g.role) {
            (Scope::Grid(code), Role::GridWorker | Role::GridLeader)
                if !grants[..i].iter().any(|e| {
                    e.scope == g.scope && matches!(e.role, Role::GridWorker | Role::GridLeader)
                }) =>
            {
                Some(code.as_str())
            }
            _ => None,
        })
}

/// Reading a patrol: its track and visits are the worker's personal data
/// and the households'. The worker, and those who supervise the grid: its
/// leader and instructor, the community, the street, system admins (each
/// look by someone else is audited). Fellow workers do not.
pub fn may_see_patrol(user_id: i64, grants: &[Grant], worker: i64, place: &Place) -> bool {
    user_id == worker
        || holds_at(
            grants,
            &[
                Role::GridLeader,
                Role::Instructor,
                Role::CommunityAdmin,
                Role::StreetAdmin,
                Role::SystemAdmin,
            ],
            place,
        )
}

/// The day's rule for the workers of a place, and its key-issues list:
/// staff of the place.
pub fn may_see_patrol_work(grants: &[Grant], place: &Place) -> bool {
    staff_of(grants, place)
}

/// Entering and reviewing a grid's key issues: staff who act on the place
/// (instructors read only).
pub fn may_keep_key_issues(grants: &[Grant], place: &Place) -> bool {
    holds_at(grants, &ACTING_STAFF, place)
}

// ---------------------------------------------------------------- deliberation

/// Running a community's deliberation (四步议事): reviewing and hiding
/// topics, the meeting and its vote, paper ballots, the result and its
/// implementation, the seconding threshold. The community and the admins
/// above it.
pub fn may_run_topics(grants: &[Grant], place: &Place) -> bool {
    holds_at(
        grants,
        &[Role::CommunityAdmin, Role::StreetAdmin, Role::SystemAdmin],
        place,
    )
}

/// The places whose every topic (unpublished ones too) a user reads: what
/// [`may_run_topics`] allows, as a list filter (`all` for system admins).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopicStaffScope {
    pub all: bool,
    pub streets: Vec<String>,
    pub communities: Vec<String>,
}

pub fn topic_staff_scope(grants: &[Grant]) -> TopicStaffScope {
    let mut out = TopicStaffScope::default();
    for g in grants {
        match (g.role, &g.scope) {
            (Role::SystemAdmin, _) => out.all = true,
            (Role::StreetAdmin, Scope::Street(s)) => out.streets.push(s.clone()),
            (Role::CommunityAdmin, Scope::Community(c)) => out.communities.push(c.clone()),
            _ => {}
        }
    }
    out
}

/// Reading a topic: a public one (reviewed, not hidden) anyone, signed in or
/// not; one awaiting review or hidden only its proposer and those who run
/// the community's deliberation (privacy.md: topics are public after review).
pub fn may_see_topic(
    user: Option<i64>,
    grants: &[Grant],
    proposer: i64,
    public: bool,
    place: &Place,
) -> bool {
    public || user == Some(proposer) || may_run_topics(grants, place)
}

// ---------------------------------------------------------------- joint meetings

/// Convening and keeping a community's joint meetings (物业联席会) and
/// writing their resolutions: the community and the admins above it.
pub fn may_run_meetings(grants: &[Grant], place: &Place) -> bool {
    holds_at(
        grants,
        &[Role::CommunityAdmin, Role::StreetAdmin, Role::SystemAdmin],
        place,
    )
}

/// Whether the grants answer for a resolution's owner: the company's
/// staff, the unit's admins, the department's staff, the community's
/// admins (and those above, who run its meetings).
pub fn owns_resolution(grants: &[Grant], owner: &Owner, place: &Place) -> bool {
    match owner.kind {
        OwnerKind::Company => owner
            .reference
            .parse()
            .is_ok_and(|c| works_for_company(grants, c)),
        OwnerKind::Unit => owner.reference.parse().is_ok_and(|u: i64| {
            grants
                .iter()
                .any(|g| g.role == Role::UnitAdmin && g.scope == Scope::Unit(u))
        }),
        OwnerKind::Department => departments_of(grants).any(|d| d == owner.reference),
        OwnerKind::Community => may_run_meetings(grants, place),
    }
}

/// A joint-meeting resolution: the community and the owner named on it
/// (privacy.md). Its owner and the community report its progress.
pub fn may_see_resolution(grants: &[Grant], owner: &Owner, place: &Place) -> bool {
    may_run_meetings(grants, place) || owns_resolution(grants, owner, place)
}

/// A joint meeting (its agenda, attendance and minutes): the community,
/// the companies invited, and the owners of its resolutions — each of whom
/// reads only their own resolutions.
pub fn may_see_meeting(grants: &[Grant], place: &Place, invited: &[i64], owners: &[Owner]) -> bool {
    may_run_meetings(grants, place)
        || invited.iter().any(|c| works_for_company(grants, *c))
        || owners.iter().any(|o| owns_resolution(grants, o, place))
}

/// The owners whose resolutions these grants answer for, as a list filter
/// beside [`topic_staff_scope`] (the community side reads every meeting of
/// its area): companies, units and departments.
pub fn resolution_owners(grants: &[Grant]) -> Vec<Owner> {
    grants
        .iter()
        .filter_map(|g| match (g.role, &g.scope) {
            (Role::PropertyCompany, Scope::Company(c)) => Some(Owner::company(*c)),
            (Role::UnitAdmin, Scope::Unit(u)) => Some(Owner {
                kind: OwnerKind::Unit,
                reference: u.to_string(),
            }),
            (Role::Department, Scope::Department(d)) => Some(Owner {
                kind: OwnerKind::Department,
                reference: d.clone(),
            }),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------- sharing

/// Keeping a community's 共享小屋 (its things, and taking them back): the
/// community and the admins above it; the loans list with borrowers'
/// names is theirs too.
pub fn may_keep_shed(grants: &[Grant], place: &Place) -> bool {
    holds_at(
        grants,
        &[Role::CommunityAdmin, Role::StreetAdmin, Role::SystemAdmin],
        place,
    )
}

/// The other side's name and phone in a 置换-分享 deal: the two sides
/// only, and only once both agreed and while the deal is under way.
pub fn may_see_exchange_contact(user: i64, deal: &MatchFacts) -> bool {
    deal.is_side(user) && deal.under_way()
}

/// Taking a 置换-分享 post down (with a reason its author sees): the
/// community's admins, as for its shed.
pub fn may_take_down_post(grants: &[Grant], place: &Place) -> bool {
    may_keep_shed(grants, place)
}

// ---------------------------------------------------------------- households

/// Reading a place's household records (人房信息): staff of the place and
/// the admins above it (instructors read only). Departments, companies,
/// units and party members as such: nothing.
pub fn may_see_households(grants: &[Grant], place: &Place) -> bool {
    staff_of(grants, place)
}

/// Adding, changing and importing a place's records, forming its 联户组 and
/// pushing tasks to them: staff who act on the place.
pub fn may_keep_households(grants: &[Grant], place: &Place) -> bool {
    holds_at(grants, &ACTING_STAFF, place)
}

/// Showing a record's sensitive fields (ID number, phone, care tags) in
/// full: whoever may read the record; each reveal is audited.
pub fn may_reveal_household(grants: &[Grant], place: &Place) -> bool {
    may_see_households(grants, place)
}

/// What someone may see of a 联户组 (privacy.md: the 联保长 sees the
/// group's names, doors and tasks, not care tags or ID numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupAccess {
    /// Staff of the group's grid: everything (instructors read only;
    /// [`may_keep_households`] says who manages it).
    Staff,
    /// The group's leader: doors, names, tasks; ticks doors done.
    Leader,
    None,
}

pub fn group_access(
    user_id: i64,
    grants: &[Grant],
    place: &Place,
    leader: Option<i64>,
) -> GroupAccess {
    if may_see_households(grants, place) {
        GroupAccess::Staff
    } else if leader == Some(user_id) {
        GroupAccess::Leader
    } else {
        GroupAccess::None
    }
}

/// Whose account may be linked to a household or lead a 联户组 (and so see
/// it under 我的家庭): residents and party members as residents, never an
/// account holding a staff or a body's role.
pub fn may_see_a_household(grants: &[Grant]) -> bool {
    !grants.is_empty()
        && grants
            .iter()
            .all(|g| matches!(g.role, Role::Resident | Role::PartyMember))
}

/// A resident sees their own household (the one linked to their account)
/// and may ask for a correction; nobody else's.
pub fn owns_household(user_id: i64, resident: Option<i64>) -> bool {
    resident == Some(user_id)
}

/// The rows a queue holds, as the store filters them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QueueScope {
    Reporter(i64),
    Following(i64),
    Grid(String),
    Community(String),
    Street(String),
    /// Cases whistled to the department (see [`with_department`]).
    Department(String),
    /// Cases dispatched to the company in its compounds (see [`with_company`]).
    Company(i64),
}

/// The queue a caller may open, or `None`. `place_of` finds a region's
/// place by code (`None` when no such region exists).
pub fn queue_scope(
    user_id: i64,
    grants: &[Grant],
    queue: &Queue,
    place_of: impl Fn(&str) -> Option<Place>,
) -> Option<QueueScope> {
    let at =
        |code: &str, roles: &[Role]| place_of(code).is_some_and(|p| holds_at(grants, roles, &p));
    match queue {
        Queue::Mine => Some(QueueScope::Reporter(user_id)),
        Queue::Following => Some(QueueScope::Following(user_id)),
        Queue::Grid(code) => at(code, &place_staff()).then(|| QueueScope::Grid(code.clone())),
        Queue::Community(code) => at(
            code,
            &[Role::CommunityAdmin, Role::StreetAdmin, Role::SystemAdmin],
        )
        .then(|| QueueScope::Community(code.clone())),
        Queue::Street(code) => at(code, &[Role::StreetAdmin, Role::SystemAdmin])
            .then(|| QueueScope::Street(code.clone())),
        Queue::Department => department_of(grants).map(|d| QueueScope::Department(d.to_string())),
        Queue::Company => company_of(grants).map(QueueScope::Company),
    }
}

/// The case layer of the map: staff see the open cases of their place
/// exactly; everyone else the public board's, blurred.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LayerScope {
    Staff(QueueScope),
    Public,
}

pub fn layer_scope(grants: &[Grant]) -> LayerScope {
    let staff = grants.iter().find_map(|g| match (&g.scope, g.role) {
        (Scope::Grid(c), Role::GridWorker | Role::GridLeader | Role::Instructor) => {
            Some(QueueScope::Grid(c.clone()))
        }
        (Scope::Community(c), Role::CommunityAdmin) => Some(QueueScope::Community(c.clone())),
        (Scope::Street(c), Role::StreetAdmin) => Some(QueueScope::Street(c.clone())),
        (Scope::Department(d), Role::Department) => Some(QueueScope::Department(d.clone())),
        (Scope::Company(c), Role::PropertyCompany) => Some(QueueScope::Company(*c)),
        _ => None,
    });
    staff.map(LayerScope::Staff).unwrap_or(LayerScope::Public)
}

/// Who may merge a duplicate into `target`: only into an open case of the
/// same community (a merge hides the duplicate from its reporter's board
/// view, so it must land somewhere its coordinator sees).
pub fn may_merge_into(case: &CaseFacts, target: &CaseFacts, target_id: i64, case_id: i64) -> bool {
    target_id != case_id
        && target.status.is_open()
        && target.place.community.is_some()
        && target.place.community == case.place.community
}

/// The named owner of a case (issue 10): the grid staff member answerable for
/// it while it is with the grid. A new case goes to the grid's full-time
/// worker 专职网格员, or to the grid leader 网格长 when there is none; `roster`
/// is the grid's active staff as (user, position).
pub fn first_owner(roster: &[(i64, StaffPosition)]) -> Option<i64> {
    [StaffPosition::FullTime, StaffPosition::Leader]
        .into_iter()
        .find_map(|want| {
            roster
                .iter()
                .filter(|(_, p)| *p == want)
                .map(|(u, _)| *u)
                .min()
        })
}

/// The owner a case keeps or gets: `keep` while they are still on `roster`
/// (the grid's active candidates), else [`first_owner`].
pub fn owner_among(roster: &[(i64, StaffPosition)], keep: Option<i64>) -> Option<i64> {
    keep.filter(|k| roster.iter().any(|(u, _)| u == k))
        .or_else(|| first_owner(roster))
}

/// Who may give an open case at grid level another owner: its grid leader,
/// and the community, street and system admins above the grid. The new owner
/// must be a grid worker or leader on that grid's roster ([`may_own`]).
pub fn may_assign(grants: &[Grant], case: &CaseFacts) -> bool {
    case.status.is_open()
        && matches!(case.level, None | Some(DispatchLevel::Grid))
        && assigns_at(grants, &case.place)
}

/// The permission half of [`may_assign`], whatever the case's state: a caller
/// who holds it learns that a stale page was overtaken, anyone else is refused.
pub fn assigns_at(grants: &[Grant], place: &Place) -> bool {
    place.grid.is_some()
        && holds_at(
            grants,
            &[
                Role::GridLeader,
                Role::CommunityAdmin,
                Role::StreetAdmin,
                Role::SystemAdmin,
            ],
            place,
        )
}

/// 催办: the reporter of an open case past its deadline may urge it, once a
/// day ([`URGE_EVERY`]); its owner and their supervisor are told.
pub fn may_urge(user_id: i64, case: &CaseFacts, overdue: bool) -> bool {
    overdue && case.status.is_open() && case.reporter == Some(user_id)
}

/// How often one reporter may urge one case.
pub const URGE_EVERY: chrono::Duration = chrono::Duration::hours(24);

/// Who may own a grid's cases: its leader and its full-time and part-time
/// workers (an instructor 指导员 advises; they do not handle cases).
pub fn may_own(position: StaffPosition) -> bool {
    matches!(
        position,
        StaffPosition::Leader | StaffPosition::FullTime | StaffPosition::PartTime
    )
}

// ---------------------------------------------------------- administration

/// Keeping the catalogues (categories, departments), time limits and the
/// calendar: system admins.
pub fn may_manage_settings(grants: &[Grant]) -> bool {
    is_system_admin(grants)
}

/// Which lines of the audit log a caller reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditScope {
    Everything,
    Street(String),
}

/// System admins read the whole audit log; street admins their street's.
pub fn audit_scope(grants: &[Grant]) -> Option<AuditScope> {
    if is_system_admin(grants) {
        return Some(AuditScope::Everything);
    }
    grants.iter().find_map(|g| match (&g.scope, g.role) {
        (Scope::Street(s), Role::StreetAdmin) => Some(AuditScope::Street(s.clone())),
        _ => None,
    })
}

// ------------------------------------------------------------------ home

/// A staff inbox (待办) the home page (我的) counts for a user.
#[derive(Clone, Debug, PartialEq)]
pub struct Inbox {
    pub queue: Queue,
    /// Whether the holder takes steps on its cases ([`ACTING_STAFF`],
    /// departments, companies). An instructor only reads: what is overdue
    /// in their grid is theirs to see, nothing waits for them.
    pub acts: bool,
}

/// The staff inboxes these grants open, as the cases page offers them: a
/// grid's for its worker, leader and instructor, a community's and a
/// street's for their admins, the department's, the company's. Each is one
/// [`queue_scope`] lets them open. An inbox lying inside another of theirs
/// (a grid of the community they run) is left out, so no case counts
/// twice. System admins have no inbox of their own (everywhere is no
/// queue). `place_of` as in [`queue_scope`].
pub fn inboxes(grants: &[Grant], place_of: impl Fn(&str) -> Option<Place>) -> Vec<Inbox> {
    let mut found: Vec<Inbox> = Vec::new();
    for g in grants {
        let queue = match (&g.scope, g.role) {
            (Scope::Grid(c), Role::GridWorker | Role::GridLeader | Role::Instructor) => {
                Queue::Grid(c.clone())
            }
            (Scope::Community(c), Role::CommunityAdmin) => Queue::Community(c.clone()),
            (Scope::Street(c), Role::StreetAdmin) => Queue::Street(c.clone()),
            (Scope::Department(_), Role::Department) => Queue::Department,
            (Scope::Company(_), Role::PropertyCompany) => Queue::Company,
            _ => continue,
        };
        // The user id only matters for the resident's own queues.
        if queue_scope(0, grants, &queue, &place_of).is_none() {
            continue;
        }
        let acts = match &queue {
            Queue::Grid(c) | Queue::Community(c) | Queue::Street(c) => {
                place_of(c.as_str()).is_some_and(|p| holds_at(grants, &ACTING_STAFF, &p))
            }
            _ => true,
        };
        match found.iter_mut().find(|i| i.queue == queue) {
            Some(i) => i.acts |= acts,
            None => found.push(Inbox { queue, acts }),
        }
    }
    // The area of a place inbox, as a scope that covers places.
    let area = |q: &Queue| match q {
        Queue::Grid(c) => Some(Scope::Grid(c.clone())),
        Queue::Community(c) => Some(Scope::Community(c.clone())),
        Queue::Street(c) => Some(Scope::Street(c.clone())),
        _ => None,
    };
    let inside = |q: &Queue, other: &Queue| {
        q != other
            && match (q, area(other)) {
                (Queue::Grid(c) | Queue::Community(c) | Queue::Street(c), Some(outer)) => {
                    place_of(c.as_str()).is_some_and(|p| outer.covers(&p))
                }
                _ => false,
            }
    };
    found
        .iter()
        .filter(|i| !found.iter().any(|o| inside(&i.queue, &o.queue)))
        .cloned()
        .collect()
}

/// Whether the grants let their holder claim wishes (`wish::decide`: a
/// party member for themself, a unit admin for the unit), so their home
/// counts their open claims.
pub fn claims_wishes(grants: &[Grant]) -> bool {
    unit_of(grants, Role::PartyMember).is_some() || unit_of(grants, Role::UnitAdmin).is_some()
}

/// Whether the grants put their holder to work on cases: staff of some
/// place, a department, a property company (the cases page opens an inbox
/// or the places' queues for them).
pub fn works_cases(grants: &[Grant]) -> bool {
    grants.iter().any(|g| g.role.is_place_staff())
        || department_of(grants).is_some()
        || company_of(grants).is_some()
}

/// Whether the grants make their holder an admin (社区、街道、系统管理员):
/// one who hands out roles ([`delegable_roles`]).
pub fn administers(grants: &[Grant]) -> bool {
    !delegable_roles(grants).is_empty()
}

/// Whether the 管理 page has something for the holder: admins hand out roles,
/// and staff of a place keep its roster there. The navigation and 我的's
/// shortcuts offer the page on this rule.
pub fn opens_admin(grants: &[Grant]) -> bool {
    administers(grants) || grants.iter().any(|g| g.role.is_place_staff())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open311_client_reads_the_board_and_its_own() {
        // Another's private case: never.
        assert!(!open311_sees(false, CaseStatus::Reported, false));
        // The board's: yes; a rejected one leaves the board.
        assert!(open311_sees(true, CaseStatus::Confirmed, false));
        assert!(!open311_sees(true, CaseStatus::Rejected, false));
        // Its own, whatever became of it.
        assert!(open311_sees(false, CaseStatus::Rejected, true));
        // Nobody files as Open311 through the form, not a system admin either.
        let admin = [Grant::new(Role::SystemAdmin, Scope::Everywhere).unwrap()];
        assert!(!may_file(&admin, CaseSource::Open311, &place()));
        assert!(may_manage_open311(&admin));
        let street = [Grant::new(Role::StreetAdmin, Scope::Street("S1".into())).unwrap()];
        assert!(!may_manage_open311(&street));
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
            reporter: Some(7),
            level,
            department: Some("CG".into()),
            assisting: Vec::new(),
            company: Some(3),
        }
    }

    fn g(role: Role, scope: Scope) -> Vec<Grant> {
        vec![Grant::new(role, scope).unwrap()]
    }

    #[test]
    fn a_company_record_is_its_streets_and_its_desk_also_its_staffs() {
        let street = g(Role::StreetAdmin, Scope::Street("S1".into()));
        let other = g(Role::StreetAdmin, Scope::Street("S2".into()));
        let sys = g(Role::SystemAdmin, Scope::Everywhere);
        let staff = g(Role::PropertyCompany, Scope::Company(7));
        let community = g(Role::CommunityAdmin, Scope::Community("C1".into()));
        assert!(may_keep_company(&street, Some("S1")));
        assert!(!may_keep_company(&other, Some("S1")));
        assert!(!may_keep_company(&street, None));
        assert!(may_keep_company(&sys, None));
        assert!(!may_keep_company(&staff, Some("S1")));
        assert!(!may_keep_company(&community, Some("S1")));
        assert!(may_see_company_desk(&staff, 7, Some("S1")));
        assert!(!may_see_company_desk(&staff, 8, Some("S1")));
        assert!(may_see_company_desk(&street, 8, Some("S1")));
        assert!(!may_see_company_desk(&other, 8, Some("S1")));
        let compound = Place {
            grid: Some("G1".into()),
            community: Some("C1".into()),
            street: Some("S1".into()),
        };
        assert!(may_assign_compound(&street, &compound));
        assert!(!may_assign_compound(&other, &compound));
        assert!(!may_assign_compound(&community, &compound));
        assert_eq!(company_streets(&street), Some(vec!["S1".to_string()]));
        assert_eq!(company_streets(&sys), None);
        assert_eq!(company_streets(&staff), Some(vec![]));
    }

    #[test]
    fn a_stranger_reads_only_board_cases_and_follows_only_those() {
        let resident = g(Role::Resident, Scope::None);
        let private = facts(CaseStatus::Reported, None);
        assert_eq!(
            case_access(Some((8, &resident)), &private, false),
            CaseAccess::None
        );
        assert!(!may_follow(CaseAccess::None, CaseStatus::Reported));
        assert_eq!(
            case_access(Some((8, &resident)), &private, true),
            CaseAccess::Public
        );
        assert_eq!(case_access(None, &private, true), CaseAccess::Public);
        let merged = facts(CaseStatus::Merged, None);
        assert_eq!(case_access(None, &merged, true), CaseAccess::None);
        assert_eq!(
            case_access(Some((7, &resident)), &private, false),
            CaseAccess::Reporter
        );
    }

    #[test]
    fn companies_and_departments_read_only_what_was_sent_to_them() {
        let company = g(Role::PropertyCompany, Scope::Company(3));
        let other = g(Role::PropertyCompany, Scope::Company(4));
        let dept = g(Role::Department, Scope::Department("CG".into()));
        let reported = facts(CaseStatus::Reported, None);
        assert_eq!(
            case_access(Some((20, &company)), &reported, false),
            CaseAccess::None,
            "a complaint in its compound, still with the grid"
        );
        let sent = facts(CaseStatus::Dispatched, Some(DispatchLevel::Company));
        assert_eq!(
            case_access(Some((20, &company)), &sent, false),
            CaseAccess::Handler
        );
        assert_eq!(
            case_access(Some((21, &other)), &sent, false),
            CaseAccess::None
        );
        assert_eq!(
            case_access(Some((22, &dept)), &sent, false),
            CaseAccess::None
        );
        let whistled = facts(CaseStatus::Dispatched, Some(DispatchLevel::Department));
        assert_eq!(
            case_access(Some((22, &dept)), &whistled, false),
            CaseAccess::Handler
        );
    }

    #[test]
    fn staff_read_in_their_place_only() {
        let worker = g(Role::GridWorker, Scope::Grid("G1".into()));
        let elsewhere = g(Role::GridWorker, Scope::Grid("G2".into()));
        let case = facts(CaseStatus::Reported, None);
        assert_eq!(
            case_access(Some((30, &worker)), &case, false),
            CaseAccess::Staff
        );
        assert_eq!(
            case_access(Some((31, &elsewhere)), &case, false),
            CaseAccess::None
        );
        assert!(CaseAccess::Staff.contact() && !CaseAccess::Handler.contact());
        assert!(!CaseAccess::Reporter.internal() && CaseAccess::Handler.internal());
        assert!(!CaseAccess::Public.exact_place());
    }

    #[test]
    fn filing_patrol_and_hotline_cases_is_for_the_places_staff() {
        let p = place();
        let worker = g(Role::GridWorker, Scope::Grid("G1".into()));
        let instructor = g(Role::Instructor, Scope::Grid("G1".into()));
        let resident = g(Role::Resident, Scope::None);
        assert!(may_file(&worker, CaseSource::Patrol, &p));
        assert!(may_file(&worker, CaseSource::Hotline, &p));
        assert!(!may_file(&instructor, CaseSource::Hotline, &p));
        assert!(!may_file(&instructor, CaseSource::Patrol, &p));
        assert!(!may_file(&resident, CaseSource::Patrol, &p));
        assert!(may_file(&resident, CaseSource::Resident, &p));
    }

    #[test]
    fn queues_open_inside_their_scope() {
        let places = |code: &str| match code {
            "G1" | "C1" | "S1" => Some(place()),
            "G2" => Some(Place {
                grid: Some("G2".into()),
                community: Some("C2".into()),
                street: Some("S1".into()),
            }),
            _ => None,
        };
        let community = g(Role::CommunityAdmin, Scope::Community("C1".into()));
        assert!(queue_scope(1, &community, &Queue::Grid("G1".into()), places).is_some());
        assert!(queue_scope(1, &community, &Queue::Grid("G2".into()), places).is_none());
        assert!(queue_scope(1, &community, &Queue::Street("S1".into()), places).is_none());
        assert!(queue_scope(1, &community, &Queue::Company, places).is_none());
        let company = g(Role::PropertyCompany, Scope::Company(3));
        assert_eq!(
            queue_scope(1, &company, &Queue::Company, places),
            Some(QueueScope::Company(3))
        );
    }

    #[test]
    fn merges_stay_in_the_community_and_go_to_open_cases() {
        let a = facts(CaseStatus::Reported, None);
        let mut b = facts(CaseStatus::Confirmed, None);
        assert!(may_merge_into(&a, &b, 2, 1));
        assert!(!may_merge_into(&a, &b, 1, 1));
        b.place.community = Some("C9".into());
        assert!(!may_merge_into(&a, &b, 2, 1));
        let closed = facts(CaseStatus::Closed, None);
        assert!(!may_merge_into(&a, &closed, 2, 1));
    }

    #[test]
    fn inboxes_come_from_the_grants_once_each() {
        let places = |code: &str| match code {
            "G1" => Some(place()),
            "C1" => Some(Place {
                grid: None,
                ..place()
            }),
            "S1" => Some(Place {
                street: Some("S1".into()),
                ..Default::default()
            }),
            _ => None,
        };
        let worker = g(Role::GridWorker, Scope::Grid("G1".into()));
        assert_eq!(
            inboxes(&worker, places),
            [Inbox {
                queue: Queue::Grid("G1".into()),
                acts: true
            }]
        );
        let instructor = g(Role::Instructor, Scope::Grid("G1".into()));
        assert_eq!(
            inboxes(&instructor, places),
            [Inbox {
                queue: Queue::Grid("G1".into()),
                acts: false
            }]
        );
        // A grid of the community one runs counts once, in the community.
        let mut both = g(Role::Instructor, Scope::Grid("G1".into()));
        both.extend(g(Role::CommunityAdmin, Scope::Community("C1".into())));
        assert_eq!(
            inboxes(&both, places),
            [Inbox {
                queue: Queue::Community("C1".into()),
                acts: true
            }]
        );
        // A grid unknown to the atlas opens no inbox.
        assert!(inboxes(&g(Role::GridWorker, Scope::Grid("G9".into())), places).is_empty());
        for nobody in [
            g(Role::Resident, Scope::None),
            g(Role::PartyMember, Scope::Unit(1)),
            g(Role::UnitAdmin, Scope::Unit(1)),
            g(Role::SystemAdmin, Scope::Everywhere),
        ] {
            assert!(inboxes(&nobody, places).is_empty(), "{nobody:?}");
        }
        assert_eq!(
            inboxes(&g(Role::PropertyCompany, Scope::Company(3)), places),
            [Inbox {
                queue: Queue::Company,
                acts: true
            }]
        );
    }

    #[test]
    fn home_rules_follow_the_roles() {
        assert!(claims_wishes(&g(Role::PartyMember, Scope::Unit(1))));
        assert!(claims_wishes(&g(Role::UnitAdmin, Scope::Unit(1))));
        assert!(!claims_wishes(&g(Role::Resident, Scope::None)));
        assert!(works_cases(&g(Role::Instructor, Scope::Grid("G1".into()))));
        assert!(works_cases(&g(
            Role::Department,
            Scope::Department("CG".into())
        )));
        assert!(!works_cases(&g(Role::UnitAdmin, Scope::Unit(1))));
        assert!(administers(&g(
            Role::CommunityAdmin,
            Scope::Community("C1".into())
        )));
        assert!(administers(&g(Role::SystemAdmin, Scope::Everywhere)));
        assert!(!administers(&g(Role::GridLeader, Scope::Grid("G1".into()))));
    }

    #[test]
    fn the_audit_log_is_for_system_and_street_admins() {
        assert_eq!(
            audit_scope(&g(Role::SystemAdmin, Scope::Everywhere)),
            Some(AuditScope::Everything)
        );
        assert_eq!(
            audit_scope(&g(Role::StreetAdmin, Scope::Street("S1".into()))),
            Some(AuditScope::Street("S1".into()))
        );
        assert_eq!(
            audit_scope(&g(Role::CommunityAdmin, Scope::Community("C1".into()))),
            None
        );
    }

    #[test]
    fn a_new_case_goes_to_the_full_time_worker_or_else_the_leader() {
        use StaffPosition::*;
        assert_eq!(
            first_owner(&[(5, Leader), (9, FullTime), (4, PartTime)]),
            Some(9)
        );
        assert_eq!(first_owner(&[(9, FullTime), (8, FullTime)]), Some(8));
        assert_eq!(
            first_owner(&[(5, Leader), (4, PartTime), (3, Instructor)]),
            Some(5)
        );
        assert_eq!(first_owner(&[(4, PartTime), (3, Instructor)]), None);
        assert_eq!(first_owner(&[]), None);
        let roster = [(5, Leader), (9, FullTime)];
        assert_eq!(
            owner_among(&roster, Some(5)),
            Some(5),
            "kept while on the roster"
        );
        assert_eq!(
            owner_among(&roster, Some(7)),
            Some(9),
            "else the first owner"
        );
        assert_eq!(owner_among(&roster, None), Some(9));
        assert!(may_own(PartTime) && may_own(Leader) && may_own(FullTime));
        assert!(!may_own(Instructor));
    }

    #[test]
    fn the_leader_and_the_admins_above_reassign_a_case_still_with_the_grid() {
        let open = facts(CaseStatus::Confirmed, Some(DispatchLevel::Grid));
        let fresh = facts(CaseStatus::Reported, None);
        let leader = g(Role::GridLeader, Scope::Grid("G1".into()));
        for grants in [
            leader.clone(),
            g(Role::CommunityAdmin, Scope::Community("C1".into())),
            g(Role::StreetAdmin, Scope::Street("S1".into())),
            g(Role::SystemAdmin, Scope::Everywhere),
        ] {
            assert!(may_assign(&grants, &open) && may_assign(&grants, &fresh));
        }
        // Not the worker, not an instructor, not another grid's leader.
        for grants in [
            g(Role::GridWorker, Scope::Grid("G1".into())),
            g(Role::Instructor, Scope::Grid("G1".into())),
            g(Role::GridLeader, Scope::Grid("G2".into())),
            g(Role::Resident, Scope::None),
        ] {
            assert!(!may_assign(&grants, &open));
        }
        // Not once it has left the grid, nor once it is closed.
        assert!(!may_assign(
            &leader,
            &facts(CaseStatus::Dispatched, Some(DispatchLevel::Street))
        ));
        assert!(!may_assign(
            &leader,
            &facts(CaseStatus::Closed, Some(DispatchLevel::Grid))
        ));
        let mut no_grid = open.clone();
        no_grid.place.grid = None;
        assert!(!may_assign(
            &g(Role::SystemAdmin, Scope::Everywhere),
            &no_grid
        ));
    }
}
