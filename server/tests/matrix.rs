//! The authorisation matrix (issue 8): every server function and every REST
//! route, called by every role from inside its scope and from outside it,
//! and signed out, on SQLite and PostgreSQL. Each answer must be what
//! `shared/docs/privacy.md` says:
//!
//! - refused: 401, 403 or 404;
//! - allowed: 200, or 400/409/429 (input or state problems, which come after
//!   the door opened); anything else (405, 415, 5xx…) is a wrong cell too;
//! - an allowed answer carries a variant's secret (a contact phone, a wish's
//!   address, a household member's ID number) exactly when the caller may
//!   see it, and no answer anywhere carries the text of the private case or
//!   of the pending wish to anyone who may not read them.
//!
//! The table is checked against the server-function registry and against
//! the `.route(` calls of `server/src/lib.rs`: a new endpoint without a row
//! fails the test. Where the code and privacy.md disagree the expectation
//! follows privacy.md.
//!
//! Callers: the demo account of each role (scope: the demo grid
//! 370103-001-001-01, community 370103-001-001, street 370103-001, unit 1,
//! company 1, department CG, everywhere; the demo resident owns the target
//! objects) — "inside"; the same role scoped elsewhere (grid
//! 370103-002-001-01, community 370103-002-001, street 370103-002, another
//! unit, another company, department SJ; a fresh resident) — "outside"; and
//! a client without a session — "signed out". A system admin has no outside.

mod common;

use common::png;

use app::backend::services::auth as sessions;
use app::backend::store::{accounts, units};
use app::backend::{demo, state::ClaimLimits, Config};
use app::domain::auth::{Grant, Role, Scope, ScopeKind};
use app::domain::geography::StaffPosition;
use common::{phone_of, Backend, TestApp};
use futures::StreamExt;
use reqwest::{Client, RequestBuilder};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The middle of the demo grid.
const HOME: (f64, f64) = (36.6372, 117.0135);
const DEMO_GRID: &str = "370103-001-001-01";
const DEMO_COMMUNITY: &str = "370103-001-001";
const DEMO_STREET: &str = "370103-001";
const OTHER_GRID: &str = "370103-002-001-01";
const OTHER_COMMUNITY: &str = "370103-002-001";
const OTHER_STREET: &str = "370103-002";
const OTHER_DEPARTMENT: &str = "SJ";

/// The password of every account this test makes.
const PASSWORD: &str = "matrix-pass-1";
const NEW_PASSWORD: &str = "matrix-pass-2";
/// In the private case's description: only its reporter and the staff of
/// its place may ever receive it.
const MARK_CASE: &str = "MX私密诉求";
/// In the pending wish's story: only its wisher and the community side.
const MARK_WISH: &str = "MX待审心愿";
/// Every wish's private address (shown with the contact only).
const ADDRESS: &str = "MX幸福里3号楼2单元301";
/// The hotline caller's number (staff of the place only).
const HOTLINE_PHONE: &str = "13912340000";
/// The demo company 1 (the demo company account's) and its contact phone.
const DEMO_COMPANY: &str = "泉城红心物业服务有限公司";
const COMPANY_PHONE: &str = "0531-86001001";
/// A joint-meeting resolution the demo community owns.
const COMMUNITY_RESOLUTION: &str = "MX社区决议";
/// Calls in flight at once (all cells of one variant run together).
const CONCURRENCY: usize = 4;

const RES: Role = Role::Resident;
const PM: Role = Role::PartyMember;
const UA: Role = Role::UnitAdmin;
const GW: Role = Role::GridWorker;
const GL: Role = Role::GridLeader;
const INS: Role = Role::Instructor;
const CA: Role = Role::CommunityAdmin;
const SA: Role = Role::StreetAdmin;
const DEP: Role = Role::Department;
const CO: Role = Role::PropertyCompany;
const SYS: Role = Role::SystemAdmin;

/// Staff of a place and the admins above it (instructors read only).
const PLACE_STAFF: &[Role] = &[GW, GL, INS, CA, SA, SYS];
/// Staff who take steps at a place: not instructors.
const COORDINATORS: &[Role] = &[GW, GL, CA, SA, SYS];
/// The community, the street above it, system admins.
const AREA_ADMINS: &[Role] = &[CA, SA, SYS];
const SYSTEM: &[Role] = &[SYS];
/// The demo resident (inside = the owner) and the staff of the place.
const REPORTER_AND_STAFF: &[Role] = &[RES, GW, GL, INS, CA, SA, SYS];
/// The reporter and the staff who act (no instructor: read only).
const REPORTER_AND_COORDINATORS: &[Role] = &[RES, GW, GL, CA, SA, SYS];
/// The wisher (inside resident) and the community side.
const WISHER_AND_COMMUNITY: &[Role] = &[RES, CA, SA, SYS];

/// Who may ever receive [`MARK_CASE`] and [`MARK_WISH`], in any answer.
const CASE_READERS: Rule = Rule::Inside(REPORTER_AND_STAFF);
const WISH_READERS: Rule = Rule::Inside(WISHER_AND_COMMUNITY);

// ------------------------------------------------------------------ rules

/// Who a cell lets in.
#[derive(Clone, Copy, Debug)]
enum Rule {
    Nobody,
    /// Signed out too.
    Everyone,
    /// Any signed-in caller, inside or outside.
    SignedIn,
    /// These roles, only inside their scope (the demo resident is the
    /// owner; a system admin is always inside).
    Inside(&'static [Role]),
    /// These roles wherever their scope lies (their own inbox, unit…).
    Anywhere(&'static [Role]),
}

/// One way of calling an endpoint, with who gets in and who sees its secret.
struct Variant {
    what: &'static str,
    rule: Rule,
    /// Who must find the variant's secret (see [`Ctx::secret`]) in a 200
    /// answer; every other allowed caller must not.
    sees: Rule,
    /// 409 means "not yours to do now" here, a refusal.
    conflict_refuses: bool,
}

const fn v(what: &'static str, rule: Rule) -> Variant {
    Variant {
        what,
        rule,
        sees: Rule::Nobody,
        conflict_refuses: false,
    }
}

const fn seen(what: &'static str, rule: Rule, sees: Rule) -> Variant {
    Variant {
        what,
        rule,
        sees,
        conflict_refuses: false,
    }
}

const fn conflict_refuses(what: &'static str, rule: Rule) -> Variant {
    Variant {
        what,
        rule,
        sees: Rule::Nobody,
        conflict_refuses: true,
    }
}

/// One endpoint: exactly one row per server function and per route.
struct Row {
    path: &'static str,
    method: &'static str,
    variants: &'static [Variant],
}

/// A row as a struct literal (its `&[…]` of variants then lives as long
/// as the table).
macro_rules! post {
    ($path:expr, $variants:expr $(,)?) => {
        Row {
            path: $path,
            method: "POST",
            variants: $variants,
        }
    };
}

macro_rules! get {
    ($path:expr, $variants:expr $(,)?) => {
        Row {
            path: $path,
            method: "GET",
            variants: $variants,
        }
    };
}

use Rule::{Anywhere, Everyone, Inside, Nobody, SignedIn};

/// Every server function (`server_fn_paths()` must list exactly these).
const SERVER_FNS: &[Row] = &[
    // -- signing in and out
    post!("/api/register", &[v("-", Everyone)]),
    post!("/api/login", &[v("-", Everyone)]),
    post!("/api/logout", &[v("-", Everyone)]),
    post!("/api/session_user", &[v("-", Everyone)]),
    // -- one's own account
    post!("/api/change_password", &[v("-", SignedIn)]),
    get!("/api/my_data", &[v("-", SignedIn)]),
    post!("/api/delete_account", &[v("-", SignedIn)]),
    // The home of 我的: counts of what waits for the caller, never names.
    post!("/api/my_home", &[v("-", SignedIn)]),
    // -- the audit log: system admins, and the street for its area
    post!("/api/audit_log", &[v("-", Anywhere(&[SA, SYS]))]),
    // -- cases
    post!("/api/case_categories", &[v("-", Everyone)]),
    post!("/api/category_catalogue", &[v("-", Inside(SYSTEM))]),
    post!("/api/add_category", &[v("-", Inside(SYSTEM))]),
    post!("/api/edit_category", &[v("-", Inside(SYSTEM))]),
    post!(
        "/api/report_case",
        &[
            v("as a resident", SignedIn),
            v("from patrol", Inside(&[GW, GL, SYS])),
            v("a hotline call", Inside(COORDINATORS)),
        ],
    ),
    post!(
        "/api/case_detail",
        &[
            seen(
                "private case",
                Inside(REPORTER_AND_STAFF),
                Inside(PLACE_STAFF)
            ),
            // privacy.md: visitors read board cases (the public view).
            seen("board case", Everyone, Inside(PLACE_STAFF)),
            seen(
                "company case",
                Inside(&[RES, GW, GL, INS, CA, SA, SYS, CO]),
                Inside(PLACE_STAFF),
            ),
            seen(
                "department case",
                Inside(&[RES, GW, GL, INS, CA, SA, SYS, DEP]),
                Inside(PLACE_STAFF),
            ),
            seen("hotline case", Inside(PLACE_STAFF), Inside(PLACE_STAFF)),
        ],
    ),
    post!(
        "/api/act_on_case",
        &[
            v("confirm a new report", Inside(COORDINATORS)),
            v("whistle a department", Inside(&[SA, SYS])),
            v("accept for the company", Inside(&[CO, SYS])),
            v("evaluate the result", Inside(&[RES])),
            // 立即解决: the grid's own staff, in one step.
            v("solve a new report at once", Inside(&[GW, GL, SYS])),
        ],
    ),
    // 吹哨报到: each whistled department answers for its own part; the
    // street of the place (and system admins) close the whistle out.
    post!(
        "/api/whistle_step",
        &[
            v("accept for the department", Inside(&[DEP])),
            v("close out a reported whistle", Inside(&[SA, SYS])),
            v("take a whistle back", Inside(&[SA, SYS])),
        ],
    ),
    // 巡查走访: each grid worker or leader patrols their own grid; a patrol,
    // its visits and its photos are the worker's and their supervisors'.
    // The dashboard: the admins of an area; a department its own part.
    post!(
        "/api/dashboard_figures",
        &[
            v("demo community", Inside(AREA_ADMINS)),
            v("demo street", Inside(&[SA, SYS])),
            v("the caller's own", Anywhere(&[CA, SA, SYS, DEP])),
        ],
    ),
    // Exports: the admins of an area; a job is its starter's alone.
    post!(
        "/api/start_export",
        &[
            v("demo community", Inside(AREA_ADMINS)),
            v("the caller's own", Anywhere(&[CA, SA, SYS])),
            // privacy.md, people and households: a grid's records are its
            // staff's and the admins' above (masked in the file, audited).
            v("households of the demo grid", Inside(PLACE_STAFF)),
        ],
    ),
    post!(
        "/api/export_status",
        &[v("the street admin's export", Inside(&[SA]))]
    ),
    post!("/api/my_patrols", &[v("-", SignedIn)]),
    post!("/api/start_patrol", &[v("-", Anywhere(&[GW, GL]))]),
    post!(
        "/api/record_points",
        &[v("the demo worker's patrol", Inside(&[GW]))]
    ),
    post!(
        "/api/log_visit",
        &[v("the demo worker's patrol", Inside(&[GW]))]
    ),
    post!(
        "/api/visit_to_case",
        &[v("the demo worker's visit", Inside(&[GW]))]
    ),
    post!(
        "/api/end_patrol",
        &[v("the demo worker's patrol", Inside(&[GW]))]
    ),
    post!(
        "/api/patrol_detail",
        &[v("the demo worker's patrol", Inside(PLACE_STAFF))]
    ),
    post!("/api/patrol_day", &[v("demo grid", Inside(PLACE_STAFF))]),
    post!("/api/key_issues", &[v("demo grid", Inside(PLACE_STAFF))]),
    post!(
        "/api/add_key_issue",
        &[v("demo grid", Inside(COORDINATORS))]
    ),
    post!(
        "/api/review_key_issue",
        &[v("an issue of the demo grid", Inside(COORDINATORS))]
    ),
    // Issue 10: the grid leader and the admins above give a grid case to
    // another of the grid's staff.
    post!(
        "/api/assign_case",
        &[v(
            "give a new report to its leader",
            Inside(&[GL, CA, SA, SYS])
        )],
    ),
    // 催办: the reporter of an overdue case, once a day.
    post!(
        "/api/urge_case",
        &[v("urge an overdue report", Inside(&[RES]))]
    ),
    post!(
        "/api/case_queue",
        &[
            v("demo grid", Inside(PLACE_STAFF)),
            v("demo community", Inside(AREA_ADMINS)),
            v("demo street", Inside(&[SA, SYS])),
            v("department inbox", Anywhere(&[DEP])),
            v("company tasks", Anywhere(&[CO])),
            v("my reports", SignedIn),
            v("cases I follow", SignedIn),
        ],
    ),
    // The deadline tabs' counts: the same rule as the queue itself.
    post!(
        "/api/case_queue_counts",
        &[
            v("demo grid", Inside(PLACE_STAFF)),
            v("demo community", Inside(AREA_ADMINS)),
            v("demo street", Inside(&[SA, SYS])),
            v("department inbox", Anywhere(&[DEP])),
            v("company tasks", Anywhere(&[CO])),
        ],
    ),
    post!("/api/nearby_cases", &[v("-", SignedIn)]),
    post!(
        "/api/follow_case",
        &[
            v("board case", SignedIn),
            v("private case", Inside(REPORTER_AND_STAFF)),
        ],
    ),
    post!("/api/public_board", &[v("-", Everyone)]),
    // Time limits and holidays are shown with every deadline: not secret.
    post!("/api/deadline_settings", &[v("-", SignedIn)]),
    post!("/api/set_time_limits", &[v("-", Inside(SYSTEM))]),
    post!("/api/set_calendar_day", &[v("-", Inside(SYSTEM))]),
    post!("/api/map_cases", &[v("-", Everyone)]),
    // -- departments
    post!("/api/departments", &[v("-", Everyone)]),
    post!("/api/department_catalogue", &[v("-", Inside(SYSTEM))]),
    post!("/api/add_department", &[v("-", Inside(SYSTEM))]),
    post!("/api/edit_department", &[v("-", Inside(SYSTEM))]),
    // Open311 client applications: system admins keep them.
    post!("/api/open311_clients", &[v("-", Inside(SYSTEM))]),
    post!("/api/register_open311_client", &[v("-", Inside(SYSTEM))]),
    post!(
        "/api/revoke_open311_client",
        &[v("a registered client", Inside(SYSTEM))]
    ),
    // -- geography
    post!("/api/map_settings", &[v("-", Everyone)]),
    post!("/api/search_places", &[v("-", Everyone)]),
    post!("/api/grid_page", &[v("-", Everyone)]),
    // The 上岗公示 poster hangs in the street: public facts only.
    post!("/api/grid_poster", &[v("-", Everyone)]),
    post!("/api/import_geography", &[v("-", Inside(SYSTEM))]),
    // 网格力量: the admins of a grid change its roster (an unknown phone
    // answers 400 behind the door); the staffing list is an area's admins'.
    post!(
        "/api/change_roster",
        &[v(
            "an unknown phone onto the demo grid",
            Inside(AREA_ADMINS)
        )],
    ),
    post!(
        "/api/roster_gaps",
        &[
            v("demo community", Inside(AREA_ADMINS)),
            v("the caller's own", Anywhere(AREA_ADMINS)),
        ],
    ),
    // 四至清晰: the coverage check of an area is its admins'; asked for
    // nothing, an admin gets their own area (a system admin everything).
    post!(
        "/api/check_coverage",
        &[
            v("demo community", Inside(AREA_ADMINS)),
            v("demo street", Inside(&[SA, SYS])),
            v("the caller's own", Anywhere(AREA_ADMINS)),
        ],
    ),
    post!("/api/locate_point", &[v("-", Everyone)]),
    // 网格边界调整: the street of the place and system admins edit
    // boundaries and undo changes; nobody else reads the editor's outlines
    // or the history (who changed what).
    post!(
        "/api/boundary_editor",
        &[
            v("demo street", Inside(&[SA, SYS])),
            v("the caller's own", Anywhere(&[SA, SYS])),
        ],
    ),
    post!(
        "/api/editable_outline",
        &[v("demo grid", Inside(&[SA, SYS]))]
    ),
    post!(
        "/api/save_boundary",
        &[
            v("a crossed outline for the demo grid", Inside(&[SA, SYS])),
            v(
                "a crossed grid drawn in the demo community",
                Inside(&[SA, SYS])
            ),
        ],
    ),
    post!(
        "/api/boundary_change",
        &[v("a change in the demo street", Inside(&[SA, SYS]))]
    ),
    // The change was undone in setup: an allowed caller gets 409.
    post!(
        "/api/undo_boundary_change",
        &[v("a change in the demo street", Inside(&[SA, SYS]))]
    ),
    // 四步议事: anyone signed in proposes, seconds and votes (the rules of
    // the vote answer 400); public topics are read by everyone, one awaiting
    // review by its proposer and the community side only; the community
    // side takes the steps, enters paper ballots and sets the threshold.
    post!(
        "/api/propose_topic",
        &[v("a topic in the demo community", SignedIn)]
    ),
    post!("/api/topics", &[v("-", Everyone)]),
    post!(
        "/api/topic_detail",
        &[
            seen(
                "the topic awaiting review",
                Inside(WISHER_AND_COMMUNITY),
                Inside(WISHER_AND_COMMUNITY)
            ),
            v("the topic being voted on", Everyone),
        ],
    ),
    post!(
        "/api/second_topic",
        &[v("the topic collecting seconds", SignedIn)]
    ),
    post!("/api/cast_vote", &[v("the topic being voted on", SignedIn)]),
    post!(
        "/api/paper_ballot",
        &[v(
            "the topic being voted on, the demo household",
            Inside(AREA_ADMINS)
        )]
    ),
    post!(
        "/api/topic_step",
        &[v("approve the topic for review", Inside(AREA_ADMINS))]
    ),
    post!(
        "/api/topic_threshold",
        &[v("demo community", Inside(AREA_ADMINS))]
    ),
    // 物业联盟: the public list never carries a contact; a company's desk
    // (its tasks, figures and the contact phone) is for its own staff and
    // the street keeping it; the street keeps records, gives compounds of
    // its own area and opens staff accounts.
    post!("/api/alliance", &[v("-", Everyone)]),
    post!(
        "/api/company_desk",
        &[seen(
            "the demo company",
            Inside(&[CO, SA, SYS]),
            Inside(&[CO, SA, SYS])
        )],
    ),
    post!(
        "/api/save_company",
        &[
            v("the demo company's record", Inside(&[SA, SYS])),
            v("a new company in the demo street", Inside(&[SA, SYS])),
        ],
    ),
    post!(
        "/api/assign_compound",
        &[v(
            "the demo company's compound in the demo grid",
            Inside(&[SA, SYS])
        )],
    ),
    post!(
        "/api/add_company_staff",
        &[v("staff of the demo company", Inside(&[SA, SYS]))],
    ),
    // Joint meetings (物业联席会): the community side keeps them; the invited
    // company reads the meeting and its own resolution, never the
    // community's (privacy.md: resolutions are the community's and their
    // owners').
    post!(
        "/api/joint_meetings",
        &[seen("-", SignedIn, Inside(AREA_ADMINS))]
    ),
    post!(
        "/api/joint_meeting",
        &[seen(
            "the demo meeting",
            Inside(&[CO, CA, SA, SYS]),
            Inside(AREA_ADMINS)
        )],
    ),
    post!(
        "/api/save_joint_meeting",
        &[
            v("the demo meeting", Inside(AREA_ADMINS)),
            v("a new meeting in the demo community", Inside(AREA_ADMINS)),
        ],
    ),
    post!(
        "/api/keep_resolution",
        &[v("a resolution of the demo meeting", Inside(AREA_ADMINS))],
    ),
    post!(
        "/api/report_resolution",
        &[v(
            "the demo company's resolution",
            Inside(&[CO, CA, SA, SYS])
        )],
    ),
    // The 共享小屋: anyone sees what is in, anyone signed in borrows; the
    // community keeps it, records returns and reads who has what.
    post!("/api/sharing", &[seen("-", Everyone, Inside(AREA_ADMINS))]),
    post!(
        "/api/keep_shed_item",
        &[
            v("the demo shed's item", Inside(AREA_ADMINS)),
            v("a new item in the demo shed", Inside(AREA_ADMINS)),
        ],
    ),
    post!("/api/borrow_item", &[v("the demo shed's item", SignedIn)]),
    post!(
        "/api/return_loan",
        &[v("the demo resident's loan", Inside(AREA_ADMINS))]
    ),
    // 置换-分享: anyone reads the board (never a name or a phone); anyone
    // signed in posts and answers; only the two sides of a deal step it
    // and, once both agreed, see each other's contact; its author or the
    // community closes a post.
    post!("/api/exchanges", &[seen("-", Everyone, Nobody)]),
    post!("/api/post_exchange", &[v("-", SignedIn)]),
    post!("/api/answer_exchange", &[v("another's post", SignedIn)]),
    post!(
        "/api/exchange_step",
        &[v("the demo resident's agreed deal", Inside(&[RES]))]
    ),
    post!(
        "/api/close_exchange",
        &[v("the demo resident's post", Inside(&[RES, CA, SA, SYS]))]
    ),
    post!(
        "/api/exchange_contact",
        &[seen(
            "the demo resident's agreed deal",
            Inside(&[RES]),
            Inside(&[RES])
        )]
    ),
    // -- notices: their addressee only
    post!("/api/my_notices", &[v("-", SignedIn)]),
    post!("/api/unread_notices", &[v("-", SignedIn)]),
    post!("/api/mark_notices_read", &[v("-", SignedIn)]),
    // -- units, members, volunteering, the three lists
    post!("/api/register_unit", &[v("-", SignedIn)]),
    post!("/api/review_unit", &[v("-", Inside(AREA_ADMINS))]),
    post!("/api/my_units", &[v("-", SignedIn)]),
    post!("/api/unit_choices", &[v("-", Everyone)]),
    post!("/api/report_member", &[v("-", SignedIn)]),
    post!("/api/review_member", &[v("-", Inside(AREA_ADMINS))]),
    post!("/api/my_service", &[v("-", SignedIn)]),
    post!("/api/unit_ledger", &[v("-", Inside(&[UA, CA, SA, SYS]))]),
    post!("/api/leaderboard", &[v("-", Everyone)]),
    post!("/api/publish_activity", &[v("-", Inside(AREA_ADMINS))]),
    post!("/api/activities", &[v("-", Everyone)]),
    post!("/api/sign_up", &[v("-", SignedIn)]),
    post!("/api/attendees", &[v("-", Inside(AREA_ADMINS))]),
    post!("/api/check_in", &[v("-", Inside(AREA_ADMINS))]),
    post!("/api/community_lists", &[v("-", Everyone)]),
    post!("/api/add_need", &[v("-", Inside(AREA_ADMINS))]),
    post!("/api/add_resource", &[v("-", Anywhere(&[UA]))]),
    post!("/api/add_project", &[v("-", Inside(AREA_ADMINS))]),
    post!("/api/set_project_progress", &[v("-", Inside(AREA_ADMINS))]),
    post!("/api/suggest_resources", &[v("-", Everyone)]),
    // The lists' loop: the need's community takes a resource up, closes the
    // need and edits a project's links (a closed need answers 409).
    post!(
        "/api/accept_resource",
        &[v(
            "a unit's resource for the demo need",
            Inside(AREA_ADMINS)
        )]
    ),
    post!(
        "/api/close_need",
        &[v("the demo need", Inside(AREA_ADMINS))]
    ),
    post!(
        "/api/link_project",
        &[v("the demo project", Inside(AREA_ADMINS))]
    ),
    // -- staff accounts and rosters
    post!(
        "/api/grid_roster",
        &[seen("-", Inside(PLACE_STAFF), Inside(PLACE_STAFF))],
    ),
    post!(
        "/api/create_staff_account",
        &[
            v("grid worker of the demo grid", Inside(AREA_ADMINS)),
            v("admin of the demo community", Inside(&[SA, SYS])),
        ],
    ),
    post!("/api/list_accounts", &[v("-", Inside(AREA_ADMINS))]),
    // One's own roster entries: staff on a roster (outside ones are put
    // on their grid's roster in the setup).
    post!(
        "/api/set_phone_consent",
        &[v("-", Anywhere(&[GW, GL, INS]))]
    ),
    post!(
        "/api/revoke_role",
        &[
            v("grid worker of the demo grid", Inside(AREA_ADMINS)),
            v("the caller's own role", Nobody),
        ],
    ),
    post!(
        "/api/set_account_disabled",
        &[
            v("grid worker of the demo grid", Inside(AREA_ADMINS)),
            v("the caller's own account", Nobody),
        ],
    ),
    // -- micro-wishes
    post!(
        "/api/post_wish",
        &[
            v("own wish", SignedIn),
            // A grid worker (not an instructor: read only) or the community
            // posts for a resident without a phone.
            v("for a resident", Inside(COORDINATORS)),
        ],
    ),
    post!(
        "/api/wish_detail",
        &[
            seen("published wish", Everyone, Inside(WISHER_AND_COMMUNITY)),
            seen(
                "pending wish",
                Inside(WISHER_AND_COMMUNITY),
                Inside(WISHER_AND_COMMUNITY),
            ),
            seen("claimed wish", Everyone, Inside(&[RES, PM, CA, SA, SYS]),),
            // Posted by the demo grid worker: the poster and the community
            // side see everything (privacy.md), nobody else of the grid.
            seen("posted by staff", Everyone, Inside(&[GW, CA, SA, SYS])),
        ],
    ),
    post!(
        "/api/take_wish_step",
        &[
            v("approve", Inside(AREA_ADMINS)),
            v("claim", Anywhere(&[PM])),
            v("claim for the unit", Anywhere(&[UA])),
            v("fulfil", Inside(&[PM])),
            v("confirm", Inside(WISHER_AND_COMMUNITY)),
        ],
    ),
    post!(
        "/api/wishes_page",
        &[
            v("the wall", Everyone),
            v("mine", SignedIn),
            v("claimed", SignedIn),
            v("demo community", Inside(AREA_ADMINS)),
        ],
    ),
    post!("/api/wish_map", &[v("-", Everyone)]),
    post!("/api/overdue_wish_claims", &[v("-", SignedIn)]),
    // -- households (人房信息)
    // privacy.md, people and households: staff of the grid and the admins
    // above read its records (instructors read only), sensitive fields
    // masked until revealed; a resident sees only their own household;
    // departments, companies, units and party members as such: nothing.
    post!(
        "/api/household_records",
        &[
            v("demo grid", Inside(PLACE_STAFF)),
            // The grid's own staff are not staff of the whole community.
            v("demo community", Inside(AREA_ADMINS)),
            v("the caller's own", Anywhere(PLACE_STAFF)),
        ],
    ),
    // Not the resident either: theirs is `own_household`, masked.
    post!(
        "/api/household",
        &[v("the demo resident's home", Inside(PLACE_STAFF))]
    ),
    // Whoever may read the record may reveal it (audited); only a reveal
    // carries a member's ID number in full.
    post!(
        "/api/reveal_household",
        &[seen(
            "the demo resident's home",
            Inside(PLACE_STAFF),
            Inside(PLACE_STAFF)
        )],
    ),
    post!(
        "/api/save_household",
        &[v("a new door of the demo grid", Inside(COORDINATORS))]
    ),
    // 联户组: formed and given tasks by staff who act on the grid; the
    // 联保长 (the demo resident) ticks doors, nothing more.
    post!(
        "/api/create_household_group",
        &[v("a door already in a group", Inside(COORDINATORS))]
    ),
    post!(
        "/api/push_group_task",
        &[v("the demo resident's group", Inside(COORDINATORS))]
    ),
    post!(
        "/api/mark_group_door",
        &[v(
            "the demo resident's group",
            Inside(REPORTER_AND_COORDINATORS)
        )],
    ),
    // One's own household (none for most callers) and corrections to it.
    post!("/api/own_household", &[v("-", SignedIn)]),
    post!("/api/ask_correction", &[v("-", Inside(&[RES]))]),
    post!(
        "/api/close_correction",
        &[v("the demo resident's request", Inside(COORDINATORS))]
    ),
    // A sheet import is its starter's alone.
    post!(
        "/api/import_progress",
        &[
            v("nobody's import", Nobody),
            v("the demo worker's import", Inside(&[GW])),
        ],
    ),
];

/// Every route of `server::router` (checked against `server/src/lib.rs`).
const REST_ROUTES: &[Row] = &[
    get!("/healthz", &[v("-", Everyone)]),
    get!("/api/v1/grids.geojson", &[v("-", Everyone)]),
    // Street and community outlines: codes and names, nobody's data.
    get!("/api/v1/areas.geojson", &[v("-", Everyone)]),
    get!("/api/v1/locate", &[v("-", Everyone)]),
    get!("/api/v1/stream", &[v("-", SignedIn)]),
    get!("/api/v1/board.json", &[v("-", Everyone)]),
    // Open311: the board's cases as the spec's documents, for anyone.
    get!(
        "/open311/v2/{file}",
        &[
            v("discovery", Everyone),
            v("requests", Everyone),
            v("updates", Everyone),
            v("openapi", Everyone),
            // Filing takes a client's key: no session opens it, a
            // system admin's neither.
            v("file a request without a key", Nobody),
            v("file a request with a wrong key", Nobody),
        ]
    ),
    get!("/open311/v2/services/{file}", &[v("-", Everyone)]),
    get!(
        "/open311/v2/requests/{file}",
        &[v("board case", Everyone), v("private case", Nobody)]
    ),
    post!(
        "/api/v1/cases/{id}/photos",
        &[
            v("private case", Inside(REPORTER_AND_COORDINATORS)),
            v("board case", Inside(REPORTER_AND_COORDINATORS)),
            v("company case", Inside(&[RES, GW, GL, CA, SA, SYS, CO])),
            // Photos before / after handling (立即解决) are staff's, not the reporter's.
            v("handling photo, private case", Inside(COORDINATORS)),
            v(
                "handling photo, company case",
                Inside(&[GW, GL, CA, SA, SYS, CO])
            ),
        ],
    ),
    get!(
        "/api/v1/photos/{id}",
        &[
            v("board case photo", Everyone),
            v("private case photo", Inside(REPORTER_AND_STAFF)),
            v(
                "company case photo",
                Inside(&[RES, GW, GL, INS, CA, SA, SYS, CO]),
            ),
        ],
    ),
    post!(
        "/api/v1/visits/{id}/photos",
        &[v("the demo worker's visit", Inside(&[GW]))]
    ),
    get!(
        "/api/v1/visit-photos/{id}",
        &[v("the demo worker's visit photo", Inside(PLACE_STAFF))]
    ),
    get!(
        "/api/v1/export-jobs/{id}/file",
        &[v("the street admin's export", Inside(&[SA]))]
    ),
    get!("/api/v1/wishes.json", &[v("-", Everyone)]),
    post!(
        "/api/v1/wishes/{id}/photos",
        &[
            v("pending wish", Inside(WISHER_AND_COMMUNITY)),
            conflict_refuses("claimed wish", Inside(&[PM])),
        ],
    ),
    get!(
        "/api/v1/wish-photos/{id}",
        &[
            v("story photo", Everyone),
            v("fulfilment photo", Inside(&[RES, PM, CA, SA, SYS])),
        ],
    ),
    get!(
        "/api/v1/units/{id}/{file}",
        &[
            v("ledger.csv", Inside(&[UA, CA, SA, SYS])),
            v("ledger.xlsx", Inside(&[UA, CA, SA, SYS])),
        ],
    ),
    get!("/api/v1/audit.csv", &[v("-", Anywhere(&[SA, SYS]))]),
    // -- households (人房信息)
    // The template holds no records: any staff of a place. An import
    // changes a grid's records: staff who act on it (privacy.md, people
    // and households; instructors read only).
    get!(
        "/api/v1/households/template.xlsx",
        &[v("-", Anywhere(PLACE_STAFF))]
    ),
    post!(
        "/api/v1/households/import",
        &[v("into the demo grid", Inside(COORDINATORS))]
    ),
];

// ---------------------------------------------------------------- callers

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Inside,
    Outside,
}

struct Caller {
    label: String,
    /// `None`: signed out.
    role: Option<Role>,
    side: Side,
    id: i64,
    grant: Option<Grant>,
    client: Client,
}

fn admits(rule: Rule, who: &Caller) -> bool {
    match (rule, who.role) {
        (Rule::Everyone, _) => true,
        (Rule::Nobody, _) | (_, None) => false,
        (Rule::SignedIn, Some(_)) => true,
        (Rule::Inside(roles), Some(r)) => who.side == Side::Inside && roles.contains(&r),
        (Rule::Anywhere(roles), Some(r)) => roles.contains(&r),
    }
}

fn resident() -> Grant {
    Grant::new(Role::Resident, Scope::None).expect("a resident grant")
}

fn fresh_phone() -> String {
    format!("137{:08}", rand::random::<u32>() % 100_000_000)
}

/// A client carrying a session cookie, or none.
fn client_with(token: Option<&str>) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(t) = token {
        headers.insert(
            reqwest::header::COOKIE,
            format!("{}={t}", sessions::COOKIE).parse().unwrap(),
        );
    }
    Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A new account holding `grants`, with [`PASSWORD`] (hashed once: `hash`).
async fn new_account(app: &TestApp, hash: &str, name: &str, grants: &[Grant]) -> (i64, String) {
    loop {
        let phone = fresh_phone();
        if let Some(id) =
            accounts::insert_user(&app.state.db, &phone, name, Some(hash.to_string()), grants)
                .await
                .unwrap()
        {
            return (id, phone);
        }
    }
}

/// A client signed in as `user` through a session made directly (as
/// `TestApp::crowd` does: the login endpoint is rate-limited).
async fn session_for(app: &TestApp, user: i64) -> Client {
    let token = sessions::start_session(&app.state, user).await.unwrap();
    client_with(Some(&token))
}

/// A new account holding `grants` and a client signed in as it.
async fn client_for(app: &TestApp, hash: &str, name: &str, grants: &[Grant]) -> (i64, Client) {
    let (id, _) = new_account(app, hash, name, grants).await;
    (id, session_for(app, id).await)
}

/// The same role scoped away from the demo area.
fn outside_grant(role: Role, other_unit: i64, other_company: i64) -> Grant {
    let scope = match role.scope_kind() {
        ScopeKind::None => Scope::None,
        ScopeKind::Unit => Scope::Unit(other_unit),
        ScopeKind::Grid => Scope::Grid(OTHER_GRID.into()),
        ScopeKind::Community => Scope::Community(OTHER_COMMUNITY.into()),
        ScopeKind::Street => Scope::Street(OTHER_STREET.into()),
        ScopeKind::Department => Scope::Department(OTHER_DEPARTMENT.into()),
        ScopeKind::Company => Scope::Company(other_company),
        ScopeKind::Everywhere => panic!("a system admin has no outside"),
    };
    Grant::new(role, scope).expect("a well-formed grant")
}

// ------------------------------------------------------------ the context

struct Answer {
    status: u16,
    body: String,
}

async fn send(req: RequestBuilder) -> Answer {
    let res = req.send().await.expect("the server answers");
    let status = res.status().as_u16();
    let bytes = res.bytes().await.unwrap_or_default();
    Answer {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The status only, the body left unread (a live event stream never ends).
async fn send_head(req: RequestBuilder) -> Answer {
    let res = req.send().await.expect("the server answers");
    Answer {
        status: res.status().as_u16(),
        body: String::new(),
    }
}

/// A setup step that must succeed.
fn must(a: Answer, what: &str) -> Value {
    assert_eq!(a.status, 200, "setup: {what}: {}", a.body);
    serde_json::from_str(&a.body).unwrap_or(Value::Null)
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("an id in {v}"))
}

fn wish_id(w: &Value) -> i64 {
    w["card"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a wish id in {w}"))
}

/// A point of the demo grid inside a compound managed by `company`.
fn spot_of(app: &TestApp, company: i64) -> (f64, f64) {
    let atlas = app.state.atlas();
    for dy in -40..=40 {
        for dx in -40..=40 {
            let (lat, lng) = (HOME.0 + dy as f64 * 0.0001, HOME.1 + dx as f64 * 0.0001);
            if atlas.company_at(DEMO_GRID, lat, lng) == Some(company) {
                return (lat, lng);
            }
        }
    }
    panic!("no compound of company {company} in the demo grid")
}

/// The compound `company` manages in the demo grid.
async fn compound_of(app: &TestApp, company: i64) -> i64 {
    let grid = app
        .state
        .atlas()
        .region_id(DEMO_GRID)
        .expect("the demo grid");
    app::backend::store::geography::compounds(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.grid_id == grid && c.company_id == Some(company))
        .expect("a compound of the demo company in the demo grid")
        .id
}

/// The objects the cells aim at, all in the demo area.
#[derive(Default)]
struct Targets {
    unit: i64,
    category: i64,
    top_category: i64,
    department_id: i64,
    company_spot: (f64, f64),
    /// The demo company and its compound in the demo grid.
    company: i64,
    compound: i64,
    private_case: i64,
    board_case: i64,
    company_case: i64,
    department_case: i64,
    hotline_case: i64,
    private_photo: i64,
    board_photo: i64,
    company_photo: i64,
    published_wish: i64,
    pending_wish: i64,
    claimed_wish: i64,
    staff_wish: i64,
    story_photo: i64,
    fulfil_photo: i64,
    activity: i64,
    need: i64,
    project: i64,
    resource: i64,
    patrol: i64,
    visit: i64,
    visit_photo: i64,
    key_issue: i64,
    export_job: String,
    /// The demo resident's home (1号楼1单元101 of the demo grid).
    household: i64,
    /// The ID number of a member of it, in full (see [`Ctx::secret`]).
    id_number: String,
    /// The 联户组 the demo resident leads, and its task.
    group: i64,
    group_task: i64,
    /// A correction request of the demo resident's.
    correction: i64,
    /// A sheet import of the demo worker's.
    import_job: String,
    /// A boundary change in the demo street, already undone.
    boundary_change: i64,
    /// The demo resident's topics in the demo community: one awaiting
    /// review (never reviewed), one for the review step, one collecting
    /// seconds, one being voted on (one vote per household).
    topic_pending: i64,
    topic_review: i64,
    topic_seconding: i64,
    topic_voting: i64,
    topic_option: i64,
    /// A joint meeting of the demo community inviting the demo company,
    /// with a resolution the company owns and one the community owns.
    meeting: i64,
    company_resolution: i64,
    /// A thing in the demo community's 共享小屋 and the demo resident's loan of it.
    shed_item: i64,
    loan: i64,
    /// 置换-分享: a post by an account no caller is; two of its author's
    /// posts the demo resident answered and the author agreed to (one to
    /// step, one to read the contact of); the author's phone; a post of
    /// the demo resident's.
    swap_post: i64,
    swap_step: i64,
    swap_contact: i64,
    swap_author_phone: String,
    own_post: i64,
    /// An Open311 client application (registered from the command line).
    open311_client: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CaseStage {
    Reported,
    Confirmed,
    WithCompany,
    WithDepartment,
    /// Whistled to CG, which accepted and reported its part.
    DepartmentReported,
    FedBack,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum WishStage {
    Pending,
    Published,
    Claimed,
    Fulfilled,
}

struct Ctx {
    app: TestApp,
    /// The hash of [`PASSWORD`].
    hash: String,
    callers: Vec<Caller>,
    t: Targets,
    counter: AtomicUsize,
}

impl Ctx {
    /// The demo account's client of a role.
    fn inside(&self, role: Role) -> &Client {
        &self
            .callers
            .iter()
            .find(|c| c.role == Some(role) && c.side == Side::Inside)
            .expect("an inside caller per role")
            .client
    }

    async fn form(&self, c: &Client, f: &str, form: &[(&str, String)]) -> Answer {
        send(c.post(self.app.url(&format!("/api/{f}"))).form(form)).await
    }

    async fn json(&self, c: &Client, f: &str, body: Value) -> Answer {
        send(c.post(self.app.url(&format!("/api/{f}"))).json(&body)).await
    }

    /// The demo meeting's version now (read by a system admin), so an
    /// allowed edit is not refused for a stale one.
    async fn meeting_version(&self) -> i64 {
        let a = self
            .form(
                self.inside(SYS),
                "joint_meeting",
                &[("id", self.t.meeting.to_string())],
            )
            .await;
        must(a, "the meeting")["version"].as_i64().unwrap_or(0)
    }

    /// The demo company's resolution's version now.
    async fn resolution_version(&self) -> i64 {
        let a = self
            .form(
                self.inside(SYS),
                "joint_meeting",
                &[("id", self.t.meeting.to_string())],
            )
            .await;
        let v = must(a, "the meeting");
        v["resolutions"]
            .as_array()
            .and_then(|l| l.iter().find(|r| r["id"] == self.t.company_resolution))
            .and_then(|r| r["version"].as_i64())
            .unwrap_or(0)
    }

    async fn get(&self, c: &Client, path: &str) -> Answer {
        send(c.get(self.app.url(path))).await
    }

    async fn upload(&self, c: &Client, path: &str, bytes: Vec<u8>) -> Answer {
        send(c.post(self.app.url(path)).body(bytes)).await
    }

    async fn account(&self, grants: &[Grant], name: &str) -> (i64, String) {
        new_account(&self.app, &self.hash, name, grants).await
    }

    /// A new account with the caller's role and scope, signed in: for
    /// cells that change or end the caller's own account. Signed out: a
    /// client without a session.
    async fn clone_of(&self, who: &Caller) -> (i64, Client) {
        match &who.grant {
            Some(g) => client_for(&self.app, &self.hash, "矩阵替身", std::slice::from_ref(g)).await,
            None => (0, client_with(None)),
        }
    }

    /// A second session of the caller (logging out ends only that one).
    async fn second_session(&self, who: &Caller) -> Client {
        match who.role {
            Some(_) => session_for(&self.app, who.id).await,
            None => client_with(None),
        }
    }

    /// The secret a variant's answer carries exactly for `Variant::sees`.
    fn secret(&self, path: &str, what: &str) -> Option<String> {
        match (path, what) {
            ("/api/case_detail", "hotline case") => Some(HOTLINE_PHONE.into()),
            // The reporter's phone: the contact, for staff of the place.
            ("/api/case_detail", _) => Some(phone_of(RES).into()),
            ("/api/wish_detail", _) => Some(ADDRESS.into()),
            // A topic awaiting review: its proposer and the community side.
            ("/api/topic_detail", "the topic awaiting review") => Some("MX待审议题".into()),
            // Who borrowed: the community side only.
            ("/api/sharing", _) => Some(
                demo::DEMO_ACCOUNTS
                    .iter()
                    .find(|a| a.2 == RES)
                    .map(|a| a.1)
                    .unwrap_or_default()
                    .into(),
            ),
            // The other side of an agreed deal: that side only, never the board.
            ("/api/exchanges", _) | ("/api/exchange_contact", _) => {
                Some(self.t.swap_author_phone.clone())
            }
            // The community's own resolution: the community side only.
            ("/api/joint_meetings", _) | ("/api/joint_meeting", _) => {
                Some(COMMUNITY_RESOLUTION.into())
            }
            // The instructor did not consent to a public phone.
            ("/api/grid_roster", _)
            | ("/api/grid_page", _)
            | ("/api/grid_poster", _)
            | ("/api/v1/grids.geojson", _) => Some(phone_of(INS).into()),
            // A company's contact: its desk only, never the public list.
            ("/api/alliance", _) | ("/api/company_desk", _) => Some(COMPANY_PHONE.into()),
            // Account lists mask phones.
            ("/api/list_accounts", _) => Some(phone_of(GW).into()),
            // A member's ID number in full: only a reveal, by staff of the
            // place (privacy.md, people and households); the masked record,
            // the area's page, the resident's own view and the group's
            // never carry it.
            ("/api/reveal_household", _)
            | ("/api/household", _)
            | ("/api/household_records", _)
            | ("/api/own_household", _)
            | ("/api/ask_correction", _)
            | ("/api/push_group_task", _)
            | ("/api/mark_group_door", _) => Some(self.t.id_number.clone()),
            _ => None,
        }
    }

    async fn report(&self, c: &Client, at: (f64, f64), text: &str, public: bool) -> Answer {
        self.json(
            c,
            "report_case",
            json!({"case": {"category_id": self.t.category, "description": text, "lat": at.0, "lng": at.1, "public": public, "source": "resident", "contact_phone": null}}),
        )
        .await
    }

    async fn file_case(&self, c: &Client, source: &str, phone: Option<&str>) -> Answer {
        self.json(
            c,
            "report_case",
            json!({"case": {"category_id": self.t.category, "description": "巡查发现井盖松动", "lat": HOME.0, "lng": HOME.1, "public": false, "source": source, "contact_phone": phone}}),
        )
        .await
    }

    async fn act(&self, c: &Client, case: &Value, action: Value, extra: Value) -> Answer {
        let mut req = json!({"case_id": case["id"], "version": case["version"], "action": action, "note": ""});
        if let Some(extra) = extra.as_object() {
            for (k, v) in extra {
                req[k] = v.clone();
            }
        }
        self.json(c, "act_on_case", json!({ "request": req })).await
    }

    async fn whistle_step(&self, c: &Client, case: &Value, step: &str, extra: Value) -> Answer {
        let mut req = json!({"case_id": case["id"], "version": case["version"], "step": step});
        if let Some(extra) = extra.as_object() {
            for (k, v) in extra {
                req[k] = v.clone();
            }
        }
        self.json(c, "whistle_step", json!({ "request": req }))
            .await
    }

    /// A new private case of the demo resident in the demo grid, moved on
    /// to `stage`.
    async fn fresh_case(&self, stage: CaseStage) -> Value {
        let resident = self.inside(RES);
        let worker = self.inside(GW);
        let street = self.inside(SA);
        let at = if stage == CaseStage::WithCompany {
            self.t.company_spot
        } else {
            HOME
        };
        let case = must(
            self.report(resident, at, "楼道堆放杂物", false).await,
            "report a case",
        );
        let confirm = json!("confirm");
        match stage {
            CaseStage::Reported => case,
            CaseStage::Confirmed => {
                must(self.act(worker, &case, confirm, json!({})).await, "confirm")
            }
            CaseStage::WithCompany => {
                let case = must(self.act(worker, &case, confirm, json!({})).await, "confirm");
                must(
                    self.act(worker, &case, json!({"dispatch": "company"}), json!({}))
                        .await,
                    "dispatch to the company",
                )
            }
            CaseStage::WithDepartment | CaseStage::DepartmentReported => {
                let case = must(self.act(street, &case, confirm, json!({})).await, "confirm");
                let case = must(
                    self.act(
                        street,
                        &case,
                        json!({"dispatch": "department"}),
                        json!({"department": "CG"}),
                    )
                    .await,
                    "whistle CG",
                );
                if stage == CaseStage::WithDepartment {
                    return case;
                }
                let cg = self.inside(DEP);
                let case = must(
                    self.whistle_step(cg, &case, "accept", json!({})).await,
                    "CG accepts",
                );
                must(
                    self.whistle_step(cg, &case, "report", json!({"note": "已处理"}))
                        .await,
                    "CG reports",
                )
            }
            CaseStage::FedBack => {
                let mut case = case;
                for (action, note) in [
                    (json!("confirm"), ""),
                    (json!({"dispatch": "grid"}), ""),
                    (json!("accept"), ""),
                    (json!("resolve"), "已清理"),
                    (json!("feedback"), ""),
                ] {
                    case = must(
                        self.act(worker, &case, action, json!({ "note": note }))
                            .await,
                        "move the case on",
                    );
                }
                case
            }
        }
    }

    async fn post_wish(&self, c: &Client, story: &str, for_someone: bool) -> Answer {
        let wanted_by = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
        let for_name = if for_someone {
            json!("王奶奶")
        } else {
            Value::Null
        };
        self.json(
            c,
            "post_wish",
            json!({"wish": {"title": "想要一副老花镜", "story": story, "kind": "material", "value_yuan": 80, "wanted_by": wanted_by.to_string(), "community_code": DEMO_COMMUNITY, "address": ADDRESS, "for_name": for_name, "for_phone": null}}),
        )
        .await
    }

    async fn wish_step(
        &self,
        c: &Client,
        wish: &Value,
        action: &str,
        note: &str,
        hours: Option<f32>,
    ) -> Answer {
        self.json(
            c,
            "take_wish_step",
            json!({"step": {"wish_id": wish["card"]["id"], "version": wish["version"], "action": action, "note": note, "hours": hours}}),
        )
        .await
    }

    /// A new wish of the demo resident in the demo community, moved on to
    /// `stage` (claimed and fulfilled by the demo party member).
    async fn fresh_wish(&self, stage: WishStage) -> Value {
        let resident = self.inside(RES);
        let community = self.inside(CA);
        let member = self.inside(PM);
        let mut w = must(
            self.post_wish(resident, "腿脚不便，老花镜坏了", false)
                .await,
            "post a wish",
        );
        if stage >= WishStage::Published {
            w = must(
                self.wish_step(community, &w, "approve", "", None).await,
                "approve the wish",
            );
        }
        if stage >= WishStage::Claimed {
            w = must(
                self.wish_step(member, &w, "claim", "", None).await,
                "claim the wish",
            );
        }
        if stage >= WishStage::Fulfilled {
            w = must(
                self.wish_step(member, &w, "fulfil", "已送到", Some(1.0))
                    .await,
                "fulfil the wish",
            );
        }
        w
    }
}

fn activity(title: &str, starts: chrono::DateTime<chrono::Utc>) -> Value {
    json!({"activity": {"community_code": DEMO_COMMUNITY, "title": title, "description": "为社区老人义务理发", "place": "社区广场", "starts_at": starts, "ends_at": starts + chrono::Duration::hours(2), "capacity": 500, "hours": 2.0}})
}

// ------------------------------------------------------------------ setup

async fn setup(backend: Backend) -> Ctx {
    // Claims are limited per member and day; the matrix claims many wishes.
    let config = Config {
        claims: ClaimLimits {
            open_max: 1_000_000,
            daily_max: 1_000_000,
        },
        ..Config::default()
    };
    let app = TestApp::with_config(backend, config).await;
    assert!(
        demo::seed_if_empty(&app.state.db, 0).await.unwrap(),
        "a fresh database takes the demo district"
    );
    app.state.refresh_atlas().await.unwrap();
    {
        let atlas = app.state.atlas();
        for code in [
            DEMO_GRID,
            DEMO_COMMUNITY,
            DEMO_STREET,
            OTHER_GRID,
            OTHER_COMMUNITY,
            OTHER_STREET,
        ] {
            assert!(
                atlas.place_of(code).is_some(),
                "the demo district has {code}"
            );
        }
    }
    let hash = app::backend::password::hash(PASSWORD.to_string())
        .await
        .unwrap();

    // Inside: the demo account of each role.
    let mut callers = Vec::new();
    for role in Role::ALL {
        let user = accounts::user_by_phone(&app.state.db, phone_of(role))
            .await
            .unwrap()
            .expect("a demo account per role");
        let grant = accounts::grants_of(&app.state.db, user.id)
            .await
            .unwrap()
            .into_iter()
            .find(|g| g.role == role)
            .expect("the demo account holds its role");
        callers.push(Caller {
            label: format!("{} inside", role.as_str()),
            role: Some(role),
            side: Side::Inside,
            id: user.id,
            grant: Some(grant),
            client: session_for(&app, user.id).await,
        });
    }
    let scope_of = |role: Role| {
        callers
            .iter()
            .find(|c| c.role == Some(role))
            .and_then(|c| c.grant.as_ref())
            .map(|g| g.scope.clone())
    };
    let unit = match scope_of(UA) {
        Some(Scope::Unit(u)) => u,
        s => panic!("the demo unit admin's scope: {s:?}"),
    };
    let company = match scope_of(CO) {
        Some(Scope::Company(c)) => c,
        s => panic!("the demo company's scope: {s:?}"),
    };
    let other_unit = units::units_in(&app.state.db, None)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .find(|u| *u != unit)
        .expect("a second demo unit");
    let other_company = (1..=3).find(|c| *c != company).unwrap();

    // Outside: the same role elsewhere; grid staff on their grid's roster.
    let other_grid_id = app
        .state
        .atlas()
        .region_id(OTHER_GRID)
        .expect("the other grid");
    for role in Role::ALL.into_iter().filter(|r| *r != SYS) {
        let grant = outside_grant(role, other_unit, other_company);
        let (id, client) = client_for(
            &app,
            &hash,
            &format!("外区{}", role.as_str()),
            std::slice::from_ref(&grant),
        )
        .await;
        let position = match role {
            Role::GridWorker => Some(StaffPosition::FullTime),
            Role::GridLeader => Some(StaffPosition::Leader),
            Role::Instructor => Some(StaffPosition::Instructor),
            _ => None,
        };
        if let Some(p) = position {
            app::backend::store::geography::add_staff(
                &app.state.db,
                other_grid_id,
                id,
                p,
                "",
                false,
            )
            .await
            .unwrap();
        }
        callers.push(Caller {
            label: format!("{} outside", role.as_str()),
            role: Some(role),
            side: Side::Outside,
            id,
            grant: Some(grant),
            client,
        });
    }
    app.state.refresh_atlas().await.unwrap();
    callers.push(Caller {
        label: "signed out".into(),
        role: None,
        side: Side::Outside,
        id: 0,
        grant: None,
        client: client_with(None),
    });

    let mut ctx = Ctx {
        t: Targets {
            unit,
            company_spot: spot_of(&app, company),
            company,
            compound: compound_of(&app, company).await,
            ..Default::default()
        },
        app,
        hash,
        callers,
        counter: AtomicUsize::new(0),
    };

    // Catalogues.
    let cats = must(
        ctx.form(ctx.inside(RES), "case_categories", &[]).await,
        "categories",
    );
    let cats = cats.as_array().expect("a category list").clone();
    ctx.t.category = cats
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .and_then(|c| c["id"].as_i64())
        .expect("an item category");
    ctx.t.top_category = cats
        .iter()
        .find(|c| c["parent_id"].is_null())
        .and_then(|c| c["id"].as_i64())
        .expect("a top-level category");
    let deps = must(
        ctx.form(ctx.inside(RES), "departments", &[]).await,
        "departments",
    );
    ctx.t.department_id = deps
        .as_array()
        .expect("a department list")
        .iter()
        .find(|d| d["code"] == "CG")
        .and_then(|d| d["id"].as_i64())
        .expect("department CG");
    ctx.t.open311_client =
        app::backend::services::open311_clients::register_cli(&ctx.app.state, "MX应用")
            .await
            .expect("an Open311 client")
            .client
            .id;

    // Cases of the demo resident in the demo grid, with photos.
    let p = must(
        ctx.report(
            ctx.inside(RES),
            HOME,
            &format!("家里漏水，{MARK_CASE}"),
            false,
        )
        .await,
        "the private case",
    );
    ctx.t.private_case = id_of(&p);
    ctx.t.private_photo = id_of(&must(
        ctx.upload(
            ctx.inside(RES),
            &format!("/api/v1/cases/{}/photos", ctx.t.private_case),
            png(40, 30),
        )
        .await,
        "a photo of the private case",
    ));
    let b = must(
        ctx.report(ctx.inside(RES), HOME, "路灯不亮", true).await,
        "the board case",
    );
    ctx.t.board_case = id_of(&b);
    ctx.t.board_photo = id_of(&must(
        ctx.upload(
            ctx.inside(RES),
            &format!("/api/v1/cases/{}/photos", ctx.t.board_case),
            png(40, 30),
        )
        .await,
        "a photo of the board case",
    ));
    let c = ctx.fresh_case(CaseStage::WithCompany).await;
    ctx.t.company_case = id_of(&c);
    ctx.t.company_photo = id_of(&must(
        ctx.upload(
            ctx.inside(RES),
            &format!("/api/v1/cases/{}/photos", ctx.t.company_case),
            png(40, 30),
        )
        .await,
        "a photo of the company case",
    ));
    let d = ctx.fresh_case(CaseStage::WithDepartment).await;
    ctx.t.department_case = id_of(&d);
    let h = must(
        ctx.file_case(ctx.inside(GW), "hotline", Some(HOTLINE_PHONE))
            .await,
        "the hotline case",
    );
    ctx.t.hotline_case = id_of(&h);
    for (case, what) in [
        (&p, "private"),
        (&b, "board"),
        (&c, "company"),
        (&d, "department"),
        (&h, "hotline"),
    ] {
        assert_eq!(
            case["grid_code"], DEMO_GRID,
            "the {what} case lies in the demo grid"
        );
    }
    assert_eq!(c["level"], "company", "{c}");
    assert_eq!(d["department"], "CG", "{d}");

    // The demo worker's patrol with a visit, its photo, and a key issue.
    let gw = &ctx.inside(GW).clone();
    let p = must(ctx.form(gw, "start_patrol", &[]).await, "start a patrol");
    ctx.t.patrol = id_of(&p);
    let p = must(
        ctx.json(
            gw,
            "log_visit",
            json!({"visit": {"patrol_id": ctx.t.patrol, "kind": "place", "subject": "惠民超市",
                "note": "MX走访记录", "lat": HOME.0, "lng": HOME.1}}),
        )
        .await,
        "log a visit",
    );
    ctx.t.visit = id_of(&p["visits"][0]);
    ctx.t.visit_photo = id_of(&must(
        ctx.upload(
            gw,
            &format!("/api/v1/visits/{}/photos", ctx.t.visit),
            png(40, 30),
        )
        .await,
        "a visit photo",
    ));
    let issues = must(
        ctx.json(
            gw,
            "add_key_issue",
            json!({"issue": {"grid_code": DEMO_GRID, "category_id": ctx.t.category, "title": "外墙瓷砖脱落", "risk": "high"}}),
        )
        .await,
        "a key issue",
    );
    ctx.t.key_issue = id_of(&issues[0]);

    // An export of the street admin's.
    let job = must(
        ctx.json(
            &ctx.inside(SA).clone(),
            "start_export",
            json!({"ask": {"kind": "cases", "format": "csv", "filters": {"area": DEMO_STREET}}}),
        )
        .await,
        "an export",
    );
    ctx.t.export_job = job["id"].as_str().expect("an export id").to_string();

    // Wishes in the demo community.
    let w = must(
        ctx.post_wish(ctx.inside(RES), "想要一台收音机，听听戏曲", false)
            .await,
        "the published wish",
    );
    ctx.t.published_wish = wish_id(&w);
    ctx.t.story_photo = id_of(&must(
        ctx.upload(
            ctx.inside(RES),
            &format!("/api/v1/wishes/{}/photos", ctx.t.published_wish),
            png(40, 30),
        )
        .await,
        "a story photo",
    ));
    let w = must(
        ctx.form(
            ctx.inside(RES),
            "wish_detail",
            &[("id", ctx.t.published_wish.to_string())],
        )
        .await,
        "read the wish again",
    );
    must(
        ctx.wish_step(ctx.inside(CA), &w, "approve", "", None).await,
        "approve the published wish",
    );
    let w = must(
        ctx.post_wish(ctx.inside(RES), &format!("独居老人，{MARK_WISH}"), false)
            .await,
        "the pending wish",
    );
    ctx.t.pending_wish = wish_id(&w);
    let w = ctx.fresh_wish(WishStage::Claimed).await;
    ctx.t.claimed_wish = wish_id(&w);
    ctx.t.fulfil_photo = id_of(&must(
        ctx.upload(
            ctx.inside(PM),
            &format!("/api/v1/wishes/{}/photos", ctx.t.claimed_wish),
            png(40, 30),
        )
        .await,
        "a fulfilment photo",
    ));
    let w = must(
        ctx.post_wish(ctx.inside(GW), "王奶奶不会用手机，想要一台收音机", true)
            .await,
        "a wish the grid worker posts for a resident",
    );
    must(
        ctx.wish_step(ctx.inside(CA), &w, "approve", "", None).await,
        "approve the staff-posted wish",
    );
    ctx.t.staff_wish = wish_id(&w);

    // Volunteering (check-in opens an hour before the start) and the lists.
    let a = must(
        ctx.json(
            ctx.inside(CA),
            "publish_activity",
            activity(
                "上门理发",
                chrono::Utc::now() + chrono::Duration::minutes(30),
            ),
        )
        .await,
        "an activity",
    );
    ctx.t.activity = id_of(&a);
    let need = must(
        ctx.form(
            ctx.inside(CA),
            "add_need",
            &[
                ("community", DEMO_COMMUNITY.to_string()),
                ("category", "care".to_string()),
                ("title", "陪老人聊天".to_string()),
                ("detail", String::new()),
            ],
        )
        .await,
        "a need",
    );
    ctx.t.need = id_of(&need);
    let project = must(
        ctx.json(
            ctx.inside(CA),
            "add_project",
            json!({"community": DEMO_COMMUNITY, "title": "关爱独居老人", "detail": "", "needs": [ctx.t.need], "resources": []}),
        )
        .await,
        "a project",
    );
    ctx.t.project = project.as_i64().expect("a project id");
    let offered = must(
        ctx.form(
            ctx.inside(UA),
            "add_resource",
            &[
                ("category", "care".to_string()),
                ("title", "上门陪伴".to_string()),
                ("detail", String::new()),
                ("availability", "周末".to_string()),
            ],
        )
        .await,
        "a resource",
    );
    ctx.t.resource = id_of(&offered);

    // Household records (seeded with the demo district): the demo
    // resident's home in the demo grid, the 联户组 they lead with its task,
    // a correction request of theirs, and an import of the demo worker's.
    {
        use app::backend::store::households as records;
        let resident = ctx
            .callers
            .iter()
            .find(|c| c.role == Some(RES) && c.side == Side::Inside)
            .expect("the demo resident")
            .id;
        let db = &ctx.app.state.db;
        let home = records::of_resident(db, resident)
            .await
            .unwrap()
            .expect("the demo resident's household");
        let (row, members) = records::by_id(db, home)
            .await
            .unwrap()
            .expect("the demo resident's household row");
        assert_eq!(
            row.codes.grid, DEMO_GRID,
            "the demo resident lives in the demo grid"
        );
        let id_number = members
            .iter()
            .find_map(|m| m.id_number.clone())
            .expect("an ID number in the demo resident's household");
        let group = records::groups_led_by(db, resident)
            .await
            .unwrap()
            .into_iter()
            .next()
            .expect("the group the demo resident leads");
        assert_eq!(
            group.codes.grid, DEMO_GRID,
            "the group lies in the demo grid"
        );
        assert!(
            records::doors_of(db, &[group.id])
                .await
                .unwrap()
                .iter()
                .any(|d| d.1 == home),
            "the demo resident's home is a door of their group"
        );
        let task = records::tasks_of(db, &[group.id])
            .await
            .unwrap()
            .first()
            .expect("the demo group's task")
            .id;
        let correction = records::insert_correction(
            db,
            home,
            &row.codes,
            resident,
            "MX更正",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        ctx.t.household = home;
        ctx.t.id_number = id_number;
        ctx.t.group = group.id;
        ctx.t.group_task = task;
        ctx.t.correction = correction;
    }
    // Not a sheet: the job starts, and is refused in the background.
    let job = must(
        ctx.upload(
            &ctx.inside(GW).clone(),
            &format!("/api/v1/households/import?area={DEMO_GRID}"),
            b"not a sheet".to_vec(),
        )
        .await,
        "an import",
    );
    ctx.t.import_job = job["id"].as_str().expect("an import id").to_string();

    // A grid drawn in the demo community far from every other, then undone:
    // the geography is as it was and the change stays in the history.
    let sa = ctx.inside(SA).clone();
    let drawn = must(
        ctx.json(
            &sa,
            "save_boundary",
            json!({"edit": {"Draw": {"grid": "370103-001-001-MX", "name": "矩阵网格", "kind": "base", "community": DEMO_COMMUNITY, "ring": [[36.5, 116.5], [36.5, 116.501], [36.501, 116.501]]}}}),
        )
        .await,
        "a drawn grid",
    );
    ctx.t.boundary_change = drawn["change_id"].as_i64().expect("a change id");

    // Topics of the demo resident, in the stages the cells need.
    let res = ctx.inside(RES).clone();
    let ca = ctx.inside(CA).clone();
    let pending = propose(&ctx, &res, "MX待审议题").await;
    let review = propose(&ctx, &res, "待审核议题").await;
    let seconding = propose(&ctx, &res, "征集附议议题").await;
    let voting = propose(&ctx, &res, "表决议题").await;
    for t in [seconding, voting] {
        must(
            ctx.json(&ca, "topic_step", json!({"id": t, "step": "approve"}))
                .await,
            "a topic approved",
        );
    }
    let now = chrono::Utc::now();
    let opened = must(
        ctx.json(
            &ca,
            "topic_step",
            json!({"id": voting, "step": {"discuss": {"kind": "council", "held_at": now,
                "place": "议事厅", "minutes": "纪要", "options": ["同意", "不同意"],
                "mode": "household", "opens_at": now, "closes_at": now + chrono::Duration::days(1)}}}),
        )
        .await,
        "a vote opened",
    );
    ctx.t.topic_option = id_of(&opened["options"][0]);
    ctx.t.topic_pending = pending;
    ctx.t.topic_review = review;
    ctx.t.topic_seconding = seconding;
    ctx.t.topic_voting = voting;
    // A thing in the demo community's shed, the demo resident borrowing one.
    let shed = must(
        ctx.json(
            &ca,
            "keep_shed_item",
            json!({"item": {"id": null, "community_code": DEMO_COMMUNITY, "name": "矩阵梯子",
                "note": "", "total": 100, "loan_days": 7}}),
        )
        .await,
        "a shed item",
    );
    ctx.t.shed_item = id_of(&shed["items"][0]);
    let lent = must(
        ctx.form(
            &res,
            "borrow_item",
            &[
                ("item_id", ctx.t.shed_item.to_string()),
                ("quantity", "1".into()),
            ],
        )
        .await,
        "a loan",
    );
    ctx.t.loan = id_of(&lent["my_loans"][0]);
    // 置换-分享 posts by an account no caller is; the demo resident answers
    // two and the author agrees; a post of the demo resident's own.
    let (author_id, author_phone) = new_account(
        &ctx.app,
        &ctx.hash,
        "矩阵发布人",
        &[Grant::new(RES, Scope::None).unwrap()],
    )
    .await;
    let author = session_for(&ctx.app, author_id).await;
    let swap = |title: &str| {
        json!({"post": {"kind": "offer", "deal": "lend", "thing": "item",
            "community_code": DEMO_COMMUNITY, "title": title, "detail": "", "for_unit": false}})
    };
    let mut deals = Vec::new();
    for title in ["矩阵出借一", "矩阵出借二", "矩阵出借三"] {
        let post = must(
            ctx.json(&author, "post_exchange", swap(title)).await,
            "a post",
        );
        deals.push(post.as_i64().unwrap());
    }
    ctx.t.swap_post = deals[0];
    let mut agreed = Vec::new();
    for post in &deals[1..] {
        let answer = must(
            ctx.form(
                &res,
                "answer_exchange",
                &[
                    ("post_id", post.to_string()),
                    ("message", "矩阵想借".into()),
                ],
            )
            .await,
            "an answer",
        );
        let m = answer.as_i64().unwrap();
        must(
            ctx.form(
                &author,
                "exchange_step",
                &[("match_id", m.to_string()), ("action", "agree".into())],
            )
            .await,
            "agreed",
        );
        agreed.push(m);
    }
    ctx.t.swap_step = agreed[0];
    ctx.t.swap_contact = agreed[1];
    ctx.t.swap_author_phone = author_phone;
    let own = must(
        ctx.json(&res, "post_exchange", swap("矩阵自己的")).await,
        "own post",
    );
    ctx.t.own_post = own.as_i64().unwrap();
    // A joint meeting of the demo community, the demo company invited.
    let meeting = must(
        ctx.json(
            &ca,
            "save_joint_meeting",
            json!({"meeting": {"id": null, "version": 0, "community_code": DEMO_COMMUNITY,
                "title": "矩阵联席会", "starts_at": now, "place": "社区会议室", "compounds": [],
                "companies": [ctx.t.company], "committee": "", "representatives": "", "agenda": [],
                "minutes": "", "present": [], "committee_present": false, "representatives_present": 0}}),
        )
        .await,
        "a joint meeting",
    );
    ctx.t.meeting = id_of(&meeting);
    let due = now.date_naive() + chrono::Duration::days(30);
    for (text, owner) in [
        (
            "物业决议",
            json!({"kind": "company", "reference": ctx.t.company.to_string()}),
        ),
        (
            COMMUNITY_RESOLUTION,
            json!({"kind": "community", "reference": DEMO_COMMUNITY}),
        ),
    ] {
        let kept = must(
            ctx.json(
                &ca,
                "keep_resolution",
                json!({"resolution": {"id": null, "meeting_id": ctx.t.meeting, "version": 0,
                    "text": text, "owner": owner, "due_on": due, "case_id": null, "dropped": false}}),
            )
            .await,
            "a resolution",
        );
        ctx.t.company_resolution = id_of(&kept["resolutions"][0]);
    }
    must(
        ctx.form(
            &sa,
            "undo_boundary_change",
            &[("id", ctx.t.boundary_change.to_string())],
        )
        .await,
        "the drawn grid undone",
    );
    ctx
}

/// A topic the demo resident proposes in the demo community.
async fn propose(ctx: &Ctx, res: &Client, title: &str) -> i64 {
    id_of(&must(
        ctx.json(
            res,
            "propose_topic",
            json!({"topic": {"community_code": DEMO_COMMUNITY, "title": title, "body": "议题说明"}}),
        )
        .await,
        "a topic",
    ))
}

// ------------------------------------------------------------------ cells

/// Calls one endpoint one way as one caller. `None`: no call is written for
/// this row and variant.
async fn run_cell(ctx: &Ctx, path: &str, what: &str, who: &Caller, n: usize) -> Option<Answer> {
    let c = &who.client;
    let t = &ctx.t;
    let id = |x: i64| x.to_string();
    let none: &[(&str, String)] = &[];
    let queue = |q: Value| json!({"queue": q, "statuses": [], "after": null});
    let wishes = |l: Value| json!({"list": l, "filter": {}, "after": null});
    let not_a_photo = || b"%PDF-1.7 not a photo".to_vec();
    let answer = match (path, what) {
        // -- signing in and out
        ("/api/register", _) => {
            ctx.form(
                c,
                "register",
                &[
                    ("phone", fresh_phone()),
                    ("password", PASSWORD.to_string()),
                    ("name", format!("矩阵居民{n}")),
                    ("consent", "true".to_string()),
                ],
            )
            .await
        }
        ("/api/login", _) => {
            let (_, phone) = ctx.account(&[resident()], "矩阵登录").await;
            ctx.form(
                c,
                "login",
                &[("phone", phone), ("password", PASSWORD.to_string())],
            )
            .await
        }
        ("/api/logout", _) => {
            let own = ctx.second_session(who).await;
            ctx.form(&own, "logout", none).await
        }
        ("/api/session_user", _) => ctx.form(c, "session_user", none).await,
        // -- one's own account (a stand-in with the caller's role)
        ("/api/change_password", _) => {
            let (_, me) = ctx.clone_of(who).await;
            ctx.form(
                &me,
                "change_password",
                &[
                    ("current", PASSWORD.to_string()),
                    ("new_password", NEW_PASSWORD.to_string()),
                ],
            )
            .await
        }
        ("/api/my_data", _) => ctx.get(c, "/api/my_data").await,
        ("/api/delete_account", _) => {
            let (_, me) = ctx.clone_of(who).await;
            ctx.form(&me, "delete_account", &[("password", PASSWORD.to_string())])
                .await
        }
        ("/api/audit_log", _) => {
            ctx.json(c, "audit_log", json!({"filter": {}, "before": null}))
                .await
        }
        // -- cases
        ("/api/case_categories", _) => ctx.form(c, "case_categories", none).await,
        ("/api/category_catalogue", _) => ctx.form(c, "category_catalogue", none).await,
        ("/api/add_category", _) => {
            ctx.form(c, "add_category", &[("name", format!("矩阵类别{n}"))])
                .await
        }
        ("/api/edit_category", _) => {
            ctx.form(
                c,
                "edit_category",
                &[("id", id(t.top_category)), ("active", "true".to_string())],
            )
            .await
        }
        ("/api/report_case", "as a resident") => ctx.report(c, HOME, "井盖松动", false).await,
        ("/api/report_case", "from patrol") => ctx.file_case(c, "patrol", None).await,
        ("/api/report_case", "a hotline call") => {
            ctx.file_case(c, "hotline", Some("13912340001")).await
        }
        ("/api/case_detail", _) => {
            let case = match what {
                "private case" => t.private_case,
                "board case" => t.board_case,
                "company case" => t.company_case,
                "department case" => t.department_case,
                "hotline case" => t.hotline_case,
                _ => return None,
            };
            ctx.form(c, "case_detail", &[("id", id(case))]).await
        }
        ("/api/act_on_case", "confirm a new report") => {
            let case = ctx.fresh_case(CaseStage::Reported).await;
            ctx.act(c, &case, json!("confirm"), json!({})).await
        }
        ("/api/act_on_case", "whistle a department") => {
            let case = ctx.fresh_case(CaseStage::Confirmed).await;
            ctx.act(
                c,
                &case,
                json!({"dispatch": "department"}),
                json!({"department": "CG"}),
            )
            .await
        }
        ("/api/act_on_case", "accept for the company") => {
            let case = ctx.fresh_case(CaseStage::WithCompany).await;
            ctx.act(c, &case, json!("accept"), json!({})).await
        }
        ("/api/whistle_step", "accept for the department") => {
            let case = ctx.fresh_case(CaseStage::WithDepartment).await;
            ctx.whistle_step(c, &case, "accept", json!({})).await
        }
        ("/api/whistle_step", "close out a reported whistle") => {
            let case = ctx.fresh_case(CaseStage::DepartmentReported).await;
            ctx.whistle_step(
                c,
                &case,
                "close_out",
                json!({"note": "核查通过", "ratings": [{"department": "CG", "stars": 4}]}),
            )
            .await
        }
        ("/api/act_on_case", "evaluate the result") => {
            let case = ctx.fresh_case(CaseStage::FedBack).await;
            ctx.act(c, &case, json!("evaluate"), json!({"rating": 5}))
                .await
        }
        ("/api/act_on_case", "solve a new report at once") => {
            let case = ctx.fresh_case(CaseStage::Reported).await;
            let path = format!("/api/v1/cases/{}/photos?phase=after", case["id"]);
            // Cells run at once and the worker's uploads are admitted a few at
            // a time: a busy answer is waited out, as a phone would.
            let mut answer = ctx.upload(ctx.inside(GW), &path, png(40, 30)).await;
            while answer.status == 503 {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                answer = ctx.upload(ctx.inside(GW), &path, png(40, 30)).await;
            }
            must(answer, "an after photo");
            ctx.act(c, &case, json!("solve_now"), json!({"note": "已当场处理"}))
                .await
        }
        ("/api/assign_case", "give a new report to its leader") => {
            let case = ctx.fresh_case(CaseStage::Reported).await;
            let leader = accounts::user_by_phone(&ctx.app.state.db, phone_of(GL))
                .await
                .unwrap()
                .expect("the demo grid leader")
                .id;
            ctx.form(
                c,
                "assign_case",
                &[
                    ("id", case["id"].to_string()),
                    ("owner", leader.to_string()),
                    ("version", case["version"].to_string()),
                ],
            )
            .await
        }
        ("/api/whistle_step", "take a whistle back") => {
            let case = ctx.fresh_case(CaseStage::WithDepartment).await;
            ctx.whistle_step(c, &case, "recall", json!({"note": "部门未签收"}))
                .await
        }
        ("/api/dashboard_figures", _) => {
            let area = match what {
                "demo community" => json!(DEMO_COMMUNITY),
                "demo street" => json!(DEMO_STREET),
                _ => Value::Null,
            };
            ctx.json(c, "dashboard_figures", json!({"ask": {"area": area}}))
                .await
        }
        ("/api/start_export", _) => {
            let (kind, area) = match what {
                "demo community" => ("figures", json!(DEMO_COMMUNITY)),
                "households of the demo grid" => ("households", json!(DEMO_GRID)),
                _ => ("figures", Value::Null),
            };
            ctx.json(
                c,
                "start_export",
                json!({"ask": {"kind": kind, "format": "csv", "filters": {"area": area}}}),
            )
            .await
        }
        ("/api/export_status", _) => {
            ctx.form(c, "export_status", &[("id", t.export_job.clone())])
                .await
        }
        ("/api/v1/export-jobs/{id}/file", _) => {
            ctx.get(c, &format!("/api/v1/export-jobs/{}/file", t.export_job))
                .await
        }
        ("/api/my_patrols", _) => ctx.form(c, "my_patrols", &[]).await,
        ("/api/start_patrol", _) => ctx.form(c, "start_patrol", &[]).await,
        ("/api/record_points", _) => {
            let point = json!({"lat": HOME.0, "lng": HOME.1, "at": chrono::Utc::now()});
            ctx.json(
                c,
                "record_points",
                json!({"patrol_id": t.patrol, "points": [point]}),
            )
            .await
        }
        ("/api/log_visit", _) => {
            ctx.json(
                c,
                "log_visit",
                json!({"visit": {"patrol_id": t.patrol, "kind": "household", "subject": "5号楼",
                    "note": "", "lat": HOME.0, "lng": HOME.1}}),
            )
            .await
        }
        ("/api/visit_to_case", _) => {
            ctx.form(
                c,
                "visit_to_case",
                &[
                    ("visit_id", t.visit.to_string()),
                    ("category_id", t.category.to_string()),
                ],
            )
            .await
        }
        ("/api/end_patrol", _) => {
            ctx.form(c, "end_patrol", &[("patrol_id", t.patrol.to_string())])
                .await
        }
        ("/api/patrol_detail", _) => {
            ctx.form(c, "patrol_detail", &[("id", t.patrol.to_string())])
                .await
        }
        ("/api/patrol_day", _) => {
            ctx.form(c, "patrol_day", &[("area", DEMO_GRID.to_string())])
                .await
        }
        ("/api/key_issues", _) => {
            ctx.form(c, "key_issues", &[("grid", DEMO_GRID.to_string())])
                .await
        }
        ("/api/add_key_issue", _) => {
            ctx.json(
                c,
                "add_key_issue",
                json!({"issue": {"grid_code": DEMO_GRID, "category_id": t.category, "title": "井盖松动", "risk": "medium"}}),
            )
            .await
        }
        ("/api/review_key_issue", _) => {
            ctx.json(
                c,
                "review_key_issue",
                json!({"review": {"issue_id": t.key_issue, "kind": "note", "text": "已复查"}}),
            )
            .await
        }
        ("/api/v1/visits/{id}/photos", _) => {
            ctx.upload(
                c,
                &format!("/api/v1/visits/{}/photos", t.visit),
                not_a_photo(),
            )
            .await
        }
        ("/api/v1/visit-photos/{id}", _) => {
            ctx.get(c, &format!("/api/v1/visit-photos/{}", t.visit_photo))
                .await
        }
        ("/api/urge_case", "urge an overdue report") => {
            let case = ctx.fresh_case(CaseStage::Reported).await;
            common::make_overdue(&ctx.app, &case).await;
            ctx.form(c, "urge_case", &[("id", case["id"].to_string())])
                .await
        }
        ("/api/case_queue" | "/api/case_queue_counts", _) => {
            let q = match what {
                "demo grid" => json!({ "grid": DEMO_GRID }),
                "demo community" => json!({ "community": DEMO_COMMUNITY }),
                "demo street" => json!({ "street": DEMO_STREET }),
                "department inbox" => json!("department"),
                "company tasks" => json!("company"),
                "my reports" => json!("mine"),
                "cases I follow" => json!("following"),
                _ => return None,
            };
            if path == "/api/case_queue" {
                ctx.json(c, "case_queue", queue(q)).await
            } else {
                ctx.json(c, "case_queue_counts", json!({ "queue": q })).await
            }
        }
        ("/api/nearby_cases", _) => {
            ctx.form(
                c,
                "nearby_cases",
                &[
                    ("category_id", id(t.category)),
                    ("lat", HOME.0.to_string()),
                    ("lng", HOME.1.to_string()),
                ],
            )
            .await
        }
        ("/api/follow_case", "board case") => {
            ctx.form(c, "follow_case", &[("id", id(t.board_case))]).await
        }
        ("/api/follow_case", "private case") => {
            ctx.form(c, "follow_case", &[("id", id(t.private_case))]).await
        }
        ("/api/public_board", _) => ctx.form(c, "public_board", none).await,
        ("/api/deadline_settings", _) => ctx.form(c, "deadline_settings", none).await,
        ("/api/set_time_limits", _) => {
            // The defaults again: allowed calls change nothing.
            ctx.json(
                c,
                "set_time_limits",
                json!({"limits": {"grid": 1, "community": 3, "department": 5}}),
            )
            .await
        }
        ("/api/set_calendar_day", _) => {
            ctx.form(
                c,
                "set_calendar_day",
                &[
                    ("day", "2099-01-05".to_string()),
                    ("kind", "normal".to_string()),
                    ("name", String::new()),
                ],
            )
            .await
        }
        ("/api/map_cases", _) => ctx.form(c, "map_cases", none).await,
        // -- departments
        ("/api/departments", _) => ctx.form(c, "departments", none).await,
        ("/api/department_catalogue", _) => ctx.form(c, "department_catalogue", none).await,
        ("/api/open311_clients", _) => ctx.form(c, "open311_clients", none).await,
        ("/api/register_open311_client", _) => {
            ctx.form(c, "register_open311_client", &[("name", format!("MX应用{n}"))])
                .await
        }
        ("/api/revoke_open311_client", _) => {
            ctx.form(c, "revoke_open311_client", &[("id", id(t.open311_client))])
                .await
        }
        ("/api/add_department", _) => {
            ctx.form(
                c,
                "add_department",
                &[("code", format!("MX{n}")), ("name", format!("矩阵测试局{n}"))],
            )
            .await
        }
        ("/api/edit_department", _) => {
            ctx.form(
                c,
                "edit_department",
                &[("id", id(t.department_id)), ("active", "true".to_string())],
            )
            .await
        }
        // -- geography
        ("/api/map_settings", _) => ctx.form(c, "map_settings", none).await,
        ("/api/search_places", _) => {
            ctx.form(c, "search_places", &[("query", "兴隆".to_string())])
                .await
        }
        ("/api/grid_poster", _) => {
            ctx.form(c, "grid_poster", &[("code", DEMO_GRID.to_string())])
                .await
        }
        ("/api/grid_page", _) => {
            ctx.form(c, "grid_page", &[("code", DEMO_GRID.to_string())])
                .await
        }
        ("/api/change_roster", _) => {
            ctx.json(
                c,
                "change_roster",
                json!({"change": {"Set": {"grid": DEMO_GRID, "phone": "13999999999", "position": "part_time", "duties": "楼栋巡查"}}}),
            )
            .await
        }
        ("/api/roster_gaps", _) => {
            let area = match what {
                "demo community" => vec![("area", DEMO_COMMUNITY.to_string())],
                _ => vec![],
            };
            ctx.form(c, "roster_gaps", &area).await
        }
        ("/api/check_coverage", _) => {
            let area = match what {
                "demo community" => vec![("area", DEMO_COMMUNITY.to_string())],
                "demo street" => vec![("area", DEMO_STREET.to_string())],
                _ => vec![],
            };
            ctx.form(c, "check_coverage", &area).await
        }
        ("/api/import_geography", _) => {
            // Not GeoJSON: an allowed caller gets 400 and nothing changes.
            ctx.json(c, "import_geography", json!({"geojson": "not geojson"}))
                .await
        }
        ("/api/propose_topic", _) => {
            ctx.json(
                c,
                "propose_topic",
                json!({"topic": {"community_code": DEMO_COMMUNITY, "title": format!("议题{n}"), "body": "说明"}}),
            )
            .await
        }
        ("/api/topics", _) => ctx.form(c, "topics", none).await,
        ("/api/topic_detail", "the topic awaiting review") => {
            ctx.form(c, "topic_detail", &[("id", id(t.topic_pending))])
                .await
        }
        ("/api/topic_detail", _) => {
            ctx.form(c, "topic_detail", &[("id", id(t.topic_voting))])
                .await
        }
        ("/api/second_topic", _) => {
            ctx.form(c, "second_topic", &[("id", id(t.topic_seconding))])
                .await
        }
        ("/api/cast_vote", _) => {
            ctx.form(
                c,
                "cast_vote",
                &[("id", id(t.topic_voting)), ("option", id(t.topic_option))],
            )
            .await
        }
        ("/api/paper_ballot", _) => {
            ctx.form(
                c,
                "paper_ballot",
                &[
                    ("id", id(t.topic_voting)),
                    ("option", id(t.topic_option)),
                    ("household", id(t.household)),
                ],
            )
            .await
        }
        ("/api/topic_step", _) => {
            ctx.json(
                c,
                "topic_step",
                json!({"id": t.topic_review, "step": "approve"}),
            )
            .await
        }
        ("/api/alliance", _) => ctx.form(c, "alliance", none).await,
        ("/api/company_desk", _) => {
            ctx.form(c, "company_desk", &[("id", id(t.company))]).await
        }
        ("/api/save_company", _) => {
            let (company, name) = match what {
                "the demo company's record" => (Some(t.company), DEMO_COMPANY.to_string()),
                _ => (None, format!("矩阵物业{n}")),
            };
            ctx.json(
                c,
                "save_company",
                json!({"company": {"id": company, "name": name, "alliance": true, "party_org": "泉城红心物业党支部", "contact_name": "周经理", "contact_phone": COMPANY_PHONE, "street_code": DEMO_STREET}}),
            )
            .await
        }
        ("/api/assign_compound", _) => {
            // Already the company's: an allowed caller changes nothing.
            ctx.form(
                c,
                "assign_compound",
                &[
                    ("company", id(t.company)),
                    ("compound", id(t.compound)),
                    ("manage", "true".to_string()),
                ],
            )
            .await
        }
        ("/api/add_company_staff", _) => {
            ctx.json(
                c,
                "add_company_staff",
                json!({"staff": {"company_id": t.company, "phone": fresh_phone(), "name": format!("矩阵物业员{n}"), "password": PASSWORD}}),
            )
            .await
        }
        ("/api/topic_threshold", _) => {
            ctx.form(
                c,
                "topic_threshold",
                &[
                    ("community", DEMO_COMMUNITY.to_string()),
                    ("threshold", "5".to_string()),
                ],
            )
            .await
        }
        ("/api/boundary_editor", _) => {
            let area = match what {
                "demo street" => vec![("area", DEMO_STREET.to_string())],
                _ => vec![],
            };
            ctx.form(c, "boundary_editor", &area).await
        }
        ("/api/editable_outline", _) => {
            ctx.form(c, "editable_outline", &[("code", DEMO_GRID.to_string())])
                .await
        }
        ("/api/save_boundary", "a crossed outline for the demo grid") => {
            // A bow tie: an allowed caller gets 400 and nothing changes.
            ctx.json(
                c,
                "save_boundary",
                json!({"edit": {"Reshape": {"grid": DEMO_GRID, "parts": [[[[36.63, 117.01], [36.64, 117.02], [36.63, 117.02], [36.64, 117.01]]]], "stamp": "0"}}}),
            )
            .await
        }
        ("/api/save_boundary", _) => {
            ctx.json(
                c,
                "save_boundary",
                json!({"edit": {"Draw": {"grid": format!("370103-001-001-M{n}"), "name": "矩阵", "kind": "base", "community": DEMO_COMMUNITY, "ring": [[36.5, 116.5], [36.6, 116.6], [36.5, 116.6], [36.6, 116.5]]}}}),
            )
            .await
        }
        ("/api/boundary_change", _) => {
            ctx.form(c, "boundary_change", &[("id", id(t.boundary_change))])
                .await
        }
        ("/api/undo_boundary_change", _) => {
            ctx.form(c, "undo_boundary_change", &[("id", id(t.boundary_change))])
                .await
        }
        ("/api/locate_point", _) => {
            ctx.form(
                c,
                "locate_point",
                &[("lat", HOME.0.to_string()), ("lng", HOME.1.to_string())],
            )
            .await
        }
        // -- notices
        ("/api/my_notices", _) => ctx.form(c, "my_notices", none).await,
        ("/api/unread_notices", _) => ctx.form(c, "unread_notices", none).await,
        ("/api/mark_notices_read", _) => ctx.form(c, "mark_notices_read", none).await,
        // -- units, members, volunteering, lists
        ("/api/register_unit", _) => {
            ctx.json(
                c,
                "register_unit",
                json!({"unit": {"name": format!("矩阵单位{n}"), "kind": "enterprise", "party_org": "矩阵党支部", "contact_name": "联系人", "contact_phone": "13900001111", "community_code": DEMO_COMMUNITY}}),
            )
            .await
        }
        ("/api/review_unit", _) => {
            let unit = units::insert_unit(
                &ctx.app.state.db,
                &units::UnitRow {
                    id: 0,
                    name: format!("矩阵待审单位{n}"),
                    kind: Some(app::domain::unit::UnitKind::Enterprise),
                    party_org: "矩阵党支部".into(),
                    contact_name: "联系人".into(),
                    contact_phone: "13900001111".into(),
                    community_code: DEMO_COMMUNITY.into(),
                    status: app::domain::unit::Review::Pending,
                    applicant_id: None,
                    reject_reason: None,
                },
            )
            .await
            .unwrap()
            .expect("a new unit name");
            ctx.form(
                c,
                "review_unit",
                &[
                    ("unit_id", id(unit)),
                    ("approve", "false".to_string()),
                    ("reason", "矩阵测试".to_string()),
                ],
            )
            .await
        }
        ("/api/my_units", _) => ctx.form(c, "my_units", none).await,
        ("/api/unit_choices", _) => ctx.form(c, "unit_choices", none).await,
        ("/api/report_member", _) => {
            ctx.form(
                c,
                "report_member",
                &[
                    ("unit_id", id(t.unit)),
                    ("community", DEMO_COMMUNITY.to_string()),
                ],
            )
            .await
        }
        ("/api/review_member", _) => {
            let (member, _) = ctx.account(&[resident()], "待审党员").await;
            units::upsert_member(
                &ctx.app.state.db,
                member,
                t.unit,
                DEMO_COMMUNITY,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
            ctx.form(
                c,
                "review_member",
                &[("user_id", id(member)), ("approve", "false".to_string())],
            )
            .await
        }
        ("/api/my_service", _) => ctx.form(c, "my_service", none).await,
        ("/api/my_home", _) => ctx.form(c, "my_home", none).await,
        ("/api/unit_ledger", _) => {
            ctx.form(c, "unit_ledger", &[("unit_id", id(t.unit))]).await
        }
        ("/api/leaderboard", _) => {
            ctx.form(c, "leaderboard", &[("community", DEMO_COMMUNITY.to_string())])
                .await
        }
        ("/api/publish_activity", _) => {
            ctx.json(
                c,
                "publish_activity",
                activity(
                    &format!("矩阵活动{n}"),
                    chrono::Utc::now() + chrono::Duration::days(2),
                ),
            )
            .await
        }
        ("/api/activities", _) => ctx.form(c, "activities", none).await,
        ("/api/sign_up", _) => {
            ctx.form(
                c,
                "sign_up",
                &[("activity_id", id(t.activity)), ("join", "true".to_string())],
            )
            .await
        }
        ("/api/attendees", _) => {
            ctx.form(c, "attendees", &[("activity_id", id(t.activity))])
                .await
        }
        ("/api/check_in", _) => {
            let (volunteer, _) = ctx.account(&[resident()], "矩阵志愿者").await;
            let volunteer_client = session_for(&ctx.app, volunteer).await;
            must(
                ctx.form(
                    &volunteer_client,
                    "sign_up",
                    &[("activity_id", id(t.activity)), ("join", "true".to_string())],
                )
                .await,
                "a volunteer signs up",
            );
            ctx.form(
                c,
                "check_in",
                &[("activity_id", id(t.activity)), ("user_id", id(volunteer))],
            )
            .await
        }
        ("/api/community_lists", _) => {
            ctx.form(
                c,
                "community_lists",
                &[("community", DEMO_COMMUNITY.to_string())],
            )
            .await
        }
        ("/api/add_need", _) => {
            ctx.form(
                c,
                "add_need",
                &[
                    ("community", DEMO_COMMUNITY.to_string()),
                    ("category", "care".to_string()),
                    ("title", format!("矩阵需求{n}")),
                    ("detail", String::new()),
                ],
            )
            .await
        }
        ("/api/add_resource", _) => {
            ctx.form(
                c,
                "add_resource",
                &[
                    ("category", "legal".to_string()),
                    ("title", format!("矩阵资源{n}")),
                    ("detail", String::new()),
                    ("availability", "每周六上午".to_string()),
                ],
            )
            .await
        }
        ("/api/add_project", _) => {
            ctx.json(
                c,
                "add_project",
                json!({"community": DEMO_COMMUNITY, "title": format!("矩阵项目{n}"), "detail": "", "needs": [], "resources": []}),
            )
            .await
        }
        ("/api/set_project_progress", _) => {
            ctx.form(
                c,
                "set_project_progress",
                &[
                    ("project_id", id(t.project)),
                    ("status", "active".to_string()),
                    ("progress", "50".to_string()),
                ],
            )
            .await
        }
        ("/api/accept_resource", _) => {
            ctx.form(
                c,
                "accept_resource",
                &[("need_id", id(t.need)), ("resource_id", id(t.resource))],
            )
            .await
        }
        ("/api/close_need", _) => ctx.form(c, "close_need", &[("need_id", id(t.need))]).await,
        ("/api/link_project", _) => {
            ctx.json(
                c,
                "link_project",
                json!({"project_id": t.project, "needs": [t.need], "resources": [t.resource]}),
            )
            .await
        }
        ("/api/sharing", _) => ctx.form(c, "sharing", none).await,
        ("/api/exchanges", _) => ctx.form(c, "exchanges", none).await,
        ("/api/post_exchange", _) => {
            ctx.json(
                c,
                "post_exchange",
                json!({"post": {"kind": "ask", "deal": "give", "thing": "skill",
                    "community_code": DEMO_COMMUNITY, "title": format!("矩阵求助{n}"),
                    "detail": "", "for_unit": false}}),
            )
            .await
        }
        ("/api/answer_exchange", _) => {
            ctx.form(
                c,
                "answer_exchange",
                &[("post_id", id(t.swap_post)), ("message", "矩阵回应".into())],
            )
            .await
        }
        ("/api/exchange_step", _) => {
            ctx.form(
                c,
                "exchange_step",
                &[("match_id", id(t.swap_step)), ("action", "hand_over".into())],
            )
            .await
        }
        ("/api/close_exchange", _) => {
            ctx.form(
                c,
                "close_exchange",
                &[("post_id", id(t.own_post)), ("reason", "矩阵撤下".into())],
            )
            .await
        }
        ("/api/exchange_contact", _) => {
            ctx.form(
                c,
                "exchange_contact",
                &[("match_id", id(t.swap_contact))],
            )
            .await
        }
        ("/api/keep_shed_item", _) => {
            let item = match what {
                "the demo shed's item" => Some(t.shed_item),
                _ => None,
            };
            ctx.json(
                c,
                "keep_shed_item",
                json!({"item": {"id": item, "community_code": DEMO_COMMUNITY, "name": format!("矩阵物品{n}"),
                    "note": "", "total": 100, "loan_days": 7}}),
            )
            .await
        }
        ("/api/borrow_item", _) => {
            ctx.form(
                c,
                "borrow_item",
                &[("item_id", id(t.shed_item)), ("quantity", "1".into())],
            )
            .await
        }
        ("/api/return_loan", _) => {
            ctx.form(c, "return_loan", &[("loan_id", id(t.loan))]).await
        }
        ("/api/joint_meetings", _) => ctx.form(c, "joint_meetings", none).await,
        ("/api/joint_meeting", _) => {
            ctx.form(c, "joint_meeting", &[("id", id(t.meeting))]).await
        }
        ("/api/save_joint_meeting", _) => {
            let (meeting, version) = match what {
                "the demo meeting" => (Some(t.meeting), ctx.meeting_version().await),
                _ => (None, 0),
            };
            ctx.json(
                c,
                "save_joint_meeting",
                json!({"meeting": {"id": meeting, "version": version, "community_code": DEMO_COMMUNITY,
                    "title": format!("矩阵联席会{n}"), "starts_at": chrono::Utc::now(), "place": "社区会议室",
                    "compounds": [], "companies": [t.company], "committee": "", "representatives": "",
                    "agenda": [], "minutes": "", "present": [], "committee_present": false,
                    "representatives_present": 0}}),
            )
            .await
        }
        ("/api/keep_resolution", _) => {
            let due = chrono::Utc::now().date_naive() + chrono::Duration::days(30);
            ctx.json(
                c,
                "keep_resolution",
                json!({"resolution": {"id": null, "meeting_id": t.meeting, "version": 0,
                    "text": format!("矩阵决议{n}"), "owner": {"kind": "company", "reference": t.company.to_string()},
                    "due_on": due, "case_id": null, "dropped": false}}),
            )
            .await
        }
        ("/api/report_resolution", _) => {
            let version = ctx.resolution_version().await;
            ctx.json(
                c,
                "report_resolution",
                json!({"progress": {"resolution_id": t.company_resolution, "version": version,
                    "progress": 40, "note": "矩阵进度"}}),
            )
            .await
        }
        ("/api/suggest_resources", _) => {
            ctx.form(c, "suggest_resources", &[("need_id", id(t.need))])
                .await
        }
        // -- staff accounts and rosters
        ("/api/grid_roster", _) => {
            ctx.form(c, "grid_roster", &[("code", DEMO_GRID.to_string())])
                .await
        }
        ("/api/create_staff_account", _) => {
            let (role, scope) = match what {
                "grid worker of the demo grid" => ("grid_worker", DEMO_GRID),
                "admin of the demo community" => ("community_admin", DEMO_COMMUNITY),
                _ => return None,
            };
            ctx.json(
                c,
                "create_staff_account",
                json!({"account": {"phone": fresh_phone(), "name": format!("矩阵职员{n}"), "password": PASSWORD, "role": role, "scope": scope, "position": null}}),
            )
            .await
        }
        ("/api/list_accounts", _) => {
            ctx.form(c, "list_accounts", &[("code", DEMO_COMMUNITY.to_string())])
                .await
        }
        ("/api/set_phone_consent", _) => {
            // Off: the public pages lose a phone, never gain one.
            ctx.form(c, "set_phone_consent", &[("show", "false".to_string())])
                .await
        }
        ("/api/revoke_role", "grid worker of the demo grid") => {
            let g = Grant::new(GW, Scope::Grid(DEMO_GRID.into())).unwrap();
            let (worker, _) = ctx.account(std::slice::from_ref(&g), "待撤销网格员").await;
            ctx.json(c, "revoke_role", json!({"user_id": worker, "grant": g}))
                .await
        }
        ("/api/revoke_role", "the caller's own role") => {
            let (me, client) = ctx.clone_of(who).await;
            let g = who.grant.clone().unwrap_or_else(resident);
            ctx.json(&client, "revoke_role", json!({"user_id": me, "grant": g}))
                .await
        }
        ("/api/set_account_disabled", "grid worker of the demo grid") => {
            let g = Grant::new(GW, Scope::Grid(DEMO_GRID.into())).unwrap();
            let (worker, _) = ctx.account(&[g], "待停用网格员").await;
            ctx.form(
                c,
                "set_account_disabled",
                &[("user_id", id(worker)), ("disabled", "true".to_string())],
            )
            .await
        }
        ("/api/set_account_disabled", "the caller's own account") => {
            let (me, client) = ctx.clone_of(who).await;
            ctx.form(
                &client,
                "set_account_disabled",
                &[("user_id", id(me)), ("disabled", "true".to_string())],
            )
            .await
        }
        // -- wishes
        ("/api/post_wish", "own wish") => ctx.post_wish(c, "想要一副老花镜", false).await,
        ("/api/post_wish", "for a resident") => {
            ctx.post_wish(c, "王奶奶不会用手机，想要老花镜", true).await
        }
        ("/api/wish_detail", _) => {
            let wish = match what {
                "published wish" => t.published_wish,
                "pending wish" => t.pending_wish,
                "claimed wish" => t.claimed_wish,
                "posted by staff" => t.staff_wish,
                _ => return None,
            };
            ctx.form(c, "wish_detail", &[("id", id(wish))]).await
        }
        ("/api/take_wish_step", _) => {
            let (stage, action, note, hours) = match what {
                "approve" => (WishStage::Pending, "approve", "", None),
                "claim" => (WishStage::Published, "claim", "", None),
                "claim for the unit" => (WishStage::Published, "claim_for_unit", "", None),
                "fulfil" => (WishStage::Claimed, "fulfil", "已送到", Some(1.0f32)),
                "confirm" => (WishStage::Fulfilled, "confirm", "谢谢", None),
                _ => return None,
            };
            let w = ctx.fresh_wish(stage).await;
            ctx.wish_step(c, &w, action, note, hours).await
        }
        ("/api/wishes_page", _) => {
            let list = match what {
                "the wall" => json!("wall"),
                "mine" => json!("mine"),
                "claimed" => json!("claimed"),
                "demo community" => json!({ "community": DEMO_COMMUNITY }),
                _ => return None,
            };
            ctx.json(c, "wishes_page", wishes(list)).await
        }
        ("/api/wish_map", _) => ctx.json(c, "wish_map", json!({"filter": {}})).await,
        ("/api/overdue_wish_claims", _) => ctx.form(c, "overdue_wish_claims", none).await,
        // -- households
        ("/api/household_records", _) => {
            let mut form = vec![("q", String::new())];
            match what {
                "demo grid" => form.push(("area", DEMO_GRID.to_string())),
                "demo community" => form.push(("area", DEMO_COMMUNITY.to_string())),
                "the caller's own" => {}
                _ => return None,
            }
            ctx.form(c, "household_records", &form).await
        }
        ("/api/household", _) => ctx.form(c, "household", &[("id", id(t.household))]).await,
        ("/api/reveal_household", _) => {
            ctx.form(c, "reveal_household", &[("id", id(t.household))])
                .await
        }
        ("/api/save_household", _) => {
            // A building of its own per call: two first writes of one
            // building at once would race each other.
            ctx.json(
                c,
                "save_household",
                json!({"household": {"id": null, "grid": DEMO_GRID, "building": format!("MX{n}号楼"),
                    "unit": "", "room": "101", "housing": "owner_occupied", "care_tags": null,
                    "members": [{"id": null, "name": "矩阵", "relation": "head", "phone": "", "id_number": ""}],
                    "account_phone": ""}}),
            )
            .await
        }
        ("/api/create_household_group", _) => {
            // The demo resident's home is in their group already: an
            // allowed caller gets 400 and nothing is formed.
            ctx.json(
                c,
                "create_household_group",
                json!({"group": {"grid": DEMO_GRID, "name": "MX组", "kind": "households",
                    "leader_name": "某某", "leader_phone": "13700000000", "households": [t.household]}}),
            )
            .await
        }
        ("/api/push_group_task", _) => {
            ctx.json(
                c,
                "push_group_task",
                json!({"task": {"group_id": t.group, "title": "MX任务", "body": "", "due_on": null}}),
            )
            .await
        }
        ("/api/mark_group_door", _) => {
            ctx.form(
                c,
                "mark_group_door",
                &[
                    ("task_id", id(t.group_task)),
                    ("household_id", id(t.household)),
                    ("done", "true".to_string()),
                ],
            )
            .await
        }
        ("/api/own_household", _) => ctx.form(c, "own_household", none).await,
        ("/api/ask_correction", _) => {
            ctx.form(c, "ask_correction", &[("text", "MX门牌号有误".to_string())])
                .await
        }
        ("/api/close_correction", _) => {
            ctx.form(c, "close_correction", &[("id", id(t.correction))])
                .await
        }
        ("/api/import_progress", _) => {
            let job = match what {
                "nobody's import" => "00".repeat(16),
                "the demo worker's import" => t.import_job.clone(),
                _ => return None,
            };
            ctx.form(c, "import_progress", &[("id", job)]).await
        }
        // -- REST
        ("/healthz", _) => ctx.get(c, "/healthz").await,
        ("/api/v1/grids.geojson", _) => ctx.get(c, "/api/v1/grids.geojson").await,
        ("/api/v1/areas.geojson", _) => ctx.get(c, "/api/v1/areas.geojson").await,
        ("/api/v1/locate", _) => {
            ctx.get(c, &format!("/api/v1/locate?lat={}&lng={}", HOME.0, HOME.1))
                .await
        }
        ("/api/v1/stream", _) => send_head(c.get(ctx.app.url("/api/v1/stream"))).await,
        ("/api/v1/board.json", _) => ctx.get(c, "/api/v1/board.json").await,
        ("/open311/v2/{file}", "discovery") => ctx.get(c, "/open311/v2/discovery.json").await,
        ("/open311/v2/{file}", "updates") => {
            ctx.get(c, "/open311/v2/servicerequestupdates.xml").await
        }
        ("/open311/v2/{file}", "openapi") => ctx.get(c, "/open311/v2/openapi.json").await,
        ("/open311/v2/{file}", w) if w.starts_with("file a request") => {
            let mut form = vec![
                ("service_code", id(t.category)),
                ("lat", HOME.0.to_string()),
                ("long", HOME.1.to_string()),
                ("description", "矩阵测试：路灯不亮".to_string()),
            ];
            if w.ends_with("wrong key") {
                form.push(("api_key", "0".repeat(64)));
            }
            send(
                c.post(ctx.app.url("/open311/v2/requests.json"))
                    .form(&form),
            )
            .await
        }
        ("/open311/v2/{file}", _) => ctx.get(c, "/open311/v2/requests.xml").await,
        ("/open311/v2/services/{file}", _) => {
            ctx.get(c, &format!("/open311/v2/services/{}.json", t.category))
                .await
        }
        ("/open311/v2/requests/{file}", "board case") => {
            ctx.get(c, &format!("/open311/v2/requests/{}.xml", t.board_case))
                .await
        }
        ("/open311/v2/requests/{file}", _) => {
            ctx.get(c, &format!("/open311/v2/requests/{}.json", t.private_case))
                .await
        }
        ("/api/v1/cases/{id}/photos", w) if w.starts_with("handling photo") => {
            let case = if w.ends_with("company case") {
                t.company_case
            } else {
                t.private_case
            };
            let path = format!("/api/v1/cases/{case}/photos?phase=after");
            ctx.upload(c, &path, not_a_photo()).await
        }
        ("/api/v1/cases/{id}/photos", _) => {
            // Not an image: an allowed caller gets 400 and nothing is kept.
            let case = match what {
                "private case" => t.private_case,
                "board case" => t.board_case,
                "company case" => t.company_case,
                _ => return None,
            };
            ctx.upload(c, &format!("/api/v1/cases/{case}/photos"), not_a_photo())
                .await
        }
        ("/api/v1/photos/{id}", _) => {
            let photo = match what {
                "board case photo" => t.board_photo,
                "private case photo" => t.private_photo,
                "company case photo" => t.company_photo,
                _ => return None,
            };
            ctx.get(c, &format!("/api/v1/photos/{photo}")).await
        }
        ("/api/v1/wishes.json", _) => ctx.get(c, "/api/v1/wishes.json").await,
        ("/api/v1/wishes/{id}/photos", _) => {
            let wish = match what {
                "pending wish" => t.pending_wish,
                "claimed wish" => t.claimed_wish,
                _ => return None,
            };
            ctx.upload(c, &format!("/api/v1/wishes/{wish}/photos"), not_a_photo())
                .await
        }
        ("/api/v1/wish-photos/{id}", _) => {
            let photo = match what {
                "story photo" => t.story_photo,
                "fulfilment photo" => t.fulfil_photo,
                _ => return None,
            };
            ctx.get(c, &format!("/api/v1/wish-photos/{photo}")).await
        }
        ("/api/v1/units/{id}/{file}", _) => {
            if !what.starts_with("ledger.") {
                return None;
            }
            ctx.get(c, &format!("/api/v1/units/{}/{what}", t.unit)).await
        }
        ("/api/v1/audit.csv", _) => ctx.get(c, "/api/v1/audit.csv").await,
        ("/api/v1/households/template.xlsx", _) => {
            ctx.get(c, "/api/v1/households/template.xlsx").await
        }
        ("/api/v1/households/import", _) => {
            // Not a sheet: an allowed caller's job starts (200) and is
            // refused in the background; nothing is written.
            ctx.upload(
                c,
                &format!("/api/v1/households/import?area={DEMO_GRID}"),
                b"not a sheet".to_vec(),
            )
            .await
        }
        _ => return None,
    };
    Some(answer)
}

// --------------------------------------------------------------- judging

#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Refused,
    Allowed,
    /// Allowed, and the answer carries the variant's secret.
    Sees,
}

impl Want {
    fn text(self) -> &'static str {
        match self {
            Want::Refused => "refused (401/403/404)",
            Want::Allowed => "allowed",
            Want::Sees => "allowed, with the secret",
        }
    }
}

/// What is wrong with one cell's answer (empty: nothing), and whether it
/// is a leak (something given that privacy.md withholds).
fn judge(ctx: &Ctx, row: &Row, v: &Variant, who: &Caller, a: &Answer) -> (Vec<String>, bool) {
    let want = if !admits(v.rule, who) {
        Want::Refused
    } else if admits(v.sees, who) {
        Want::Sees
    } else {
        Want::Allowed
    };
    let refused = matches!(a.status, 401 | 403 | 404) || (v.conflict_refuses && a.status == 409);
    let allowed = !refused && matches!(a.status, 200 | 400 | 409 | 429);
    let mut wrong = Vec::new();
    let mut leak = false;
    match want {
        Want::Refused if allowed => {
            leak = true;
            wrong.push(format!("LEAK: expected {}", want.text()));
        }
        Want::Refused if !refused => wrong.push(format!("expected {}", want.text())),
        Want::Allowed | Want::Sees if !allowed => wrong.push(format!("expected {}", want.text())),
        _ => {}
    }
    if allowed && a.status == 200 {
        if let Some(secret) = ctx.secret(row.path, v.what) {
            let carries = a.body.contains(secret.as_str());
            match want {
                Want::Sees if !carries => {
                    wrong.push(format!("expected the answer to carry {secret}"))
                }
                Want::Allowed if carries => {
                    leak = true;
                    wrong.push(format!("LEAK: the answer carries {secret}"));
                }
                _ => {}
            }
        }
    }
    for (mark, readers) in [(MARK_CASE, CASE_READERS), (MARK_WISH, WISH_READERS)] {
        if a.body.contains(mark) && !admits(readers, who) {
            leak = true;
            wrong.push(format!("LEAK: the answer carries {mark}"));
        }
    }
    (wrong, leak)
}

/// The paths of every `.route("…"` in the router's source.
fn routes_in(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(i) = rest.find(".route(") {
        rest = &rest[i + ".route(".len()..];
        if let Some(s) = rest.trim_start().strip_prefix('"') {
            if let Some(end) = s.find('"') {
                out.push(s[..end].to_string());
            }
        }
    }
    out
}

/// The table against the registry and the router: problems, and the rows
/// that name something real (only those are called).
fn check_table() -> (Vec<String>, Vec<&'static Row>) {
    let mut problems = Vec::new();
    let registered: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, m)| (p.to_string(), m.as_str().to_string()))
        .collect();
    if registered.is_empty() {
        problems.push("the server-function registry is empty".to_string());
    }
    for (path, method) in &registered {
        let rows: Vec<&Row> = SERVER_FNS
            .iter()
            .filter(|r| r.path == path.as_str())
            .collect();
        match rows.as_slice() {
            [row] if row.method == method.as_str() => {}
            [row] => problems.push(format!(
                "server function {path} is {method}, its row says {}",
                row.method
            )),
            [] => problems.push(format!(
                "server function {path} ({method}) has no row in the matrix: add one to SERVER_FNS and a call to run_cell"
            )),
            _ => problems.push(format!("server function {path} has {} rows", rows.len())),
        }
    }
    let routes = routes_in(include_str!("../src/lib.rs"));
    if routes.is_empty() {
        problems.push("no `.route(` found in server/src/lib.rs".to_string());
    }
    for route in &routes {
        let n = REST_ROUTES
            .iter()
            .filter(|r| r.path == route.as_str())
            .count();
        if n != 1 {
            problems.push(format!(
                "route {route} of server/src/lib.rs has {n} rows in REST_ROUTES (want 1)"
            ));
        }
    }
    let mut runnable = Vec::new();
    for row in SERVER_FNS {
        if registered.iter().any(|(p, _)| p.as_str() == row.path) {
            runnable.push(row);
        } else {
            problems.push(format!(
                "row {} names no registered server function",
                row.path
            ));
        }
    }
    for row in REST_ROUTES {
        if routes.iter().any(|r| r.as_str() == row.path) {
            runnable.push(row);
        } else {
            problems.push(format!(
                "row {} is not a route of server/src/lib.rs",
                row.path
            ));
        }
    }
    (problems, runnable)
}

fn snippet(body: &str) -> String {
    body.chars().take(200).collect()
}

async fn authorisation_matrix(backend: Backend) {
    let started = Instant::now();
    let label = match &backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    // The router is built (and every server function registered) here.
    let ctx = setup(backend).await;
    let ctx = &ctx;
    let (mut failures, rows) = check_table();
    let mut cells = 0usize;
    let mut leaks = 0usize;
    for row in rows.iter().copied() {
        for variant in row.variants {
            let answers: Vec<(usize, Option<Answer>)> =
                futures::stream::iter(ctx.callers.iter().enumerate().map(
                    move |(i, who)| async move {
                        let n = ctx.counter.fetch_add(1, Ordering::Relaxed);
                        (
                            i,
                            Box::pin(run_cell(ctx, row.path, variant.what, who, n)).await,
                        )
                    },
                ))
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
            let mut answers = answers;
            answers.sort_by_key(|(i, _)| *i);
            for (i, answer) in answers {
                let who = &ctx.callers[i];
                let Some(a) = answer else {
                    failures.push(format!(
                        "{} {} [{}]: no call is written for this row in run_cell",
                        row.method, row.path, variant.what
                    ));
                    break;
                };
                cells += 1;
                let (wrong, leak) = judge(ctx, row, variant, who, &a);
                if leak {
                    leaks += 1;
                }
                if !wrong.is_empty() {
                    failures.push(format!(
                        "{} {} [{}] as {}: {}; got {} {}",
                        row.method,
                        row.path,
                        variant.what,
                        who.label,
                        wrong.join("; "),
                        a.status,
                        snippet(&a.body)
                    ));
                }
            }
        }
    }
    println!(
        "authorisation matrix: {cells} cells checked, {} endpoints, {leaks} leaks ({label}, {} callers, {:.1} s)",
        rows.len(),
        ctx.callers.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "authorisation matrix on {label}: {} wrong ({leaks} leaks) of {cells} cells:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

on_both_backends!(authorisation_matrix);
