//! 网格力量 (issue 12 item 3) through the real router: an admin puts someone
//! on a grid, changes their position, moves them and takes them off — the
//! grid role follows each step, every step is audited — and the staffing
//! list names the grids missing a position against "1+1+N+X" / "1+X+Y".

mod common;

use app::backend::store::{accounts, audit as audit_log};
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::auth::{Grant, Role, Scope};
use common::{phone_of, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const GRID: &str = "370103-001-001-01";
const NEXT_DOOR: &str = "370103-001-001-02";
const OTHER_STREET_GRID: &str = "370103-002-001-01";

async fn change(app: &TestApp, c: &reqwest::Client, change: Value) -> (StatusCode, Value) {
    app.call_json(c, "change_roster", json!({ "change": change }))
        .await
}

fn on(roster: &Value, phone: &str) -> Option<Value> {
    roster
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["phone"] == phone)
        .cloned()
}

async fn grid_grants(app: &TestApp, phone: &str) -> Vec<Grant> {
    let id = app.user_id(phone).await;
    accounts::grants_of(&app.state.db, id)
        .await
        .unwrap()
        .into_iter()
        .filter(|g| matches!(g.scope, Scope::Grid(_)))
        .collect()
}

async fn staffing_of(app: &TestApp, c: &reqwest::Client, grid: &str) -> Value {
    let (s, report) = app
        .call(c, "roster_gaps", &[("area", "370103-001-001")])
        .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    report["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == grid)
        .cloned()
        .unwrap()
}

async fn an_admin_puts_moves_and_takes_off_staff_with_their_roles(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let member = phone_of(Role::PartyMember);

    // The demo grid is fully staffed (1+1+N+X).
    let g = staffing_of(&app, &admin, GRID).await;
    assert_eq!(g["gaps"], json!([]), "{g}");
    assert_eq!(g["counts"], json!([1, 1, 2, 1]));

    // The party member becomes a part-time worker of the demo grid.
    let (s, roster) = change(
        &app,
        &admin,
        json!({"Set": {"grid": GRID, "phone": member, "position": "part_time", "duties": "党员中心户，联系3号楼"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{roster}");
    let entry = on(&roster, member).expect("on the roster");
    assert_eq!(entry["position"], "part_time");
    assert_eq!(entry["duties"], "党员中心户，联系3号楼");
    assert_eq!(
        grid_grants(&app, member).await,
        vec![Grant::new(Role::GridWorker, Scope::Grid(GRID.into())).unwrap()]
    );
    assert_eq!(
        staffing_of(&app, &admin, GRID).await["counts"],
        json!([1, 1, 3, 1])
    );

    // Made an instructor: the role follows the position, one grid role at a time.
    let (s, roster) = change(
        &app,
        &admin,
        json!({"Set": {"grid": GRID, "phone": member, "position": "instructor", "duties": "指导网格工作"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{roster}");
    assert_eq!(on(&roster, member).unwrap()["position"], "instructor");
    assert_eq!(
        grid_grants(&app, member).await,
        vec![Grant::new(Role::Instructor, Scope::Grid(GRID.into())).unwrap()]
    );

    // Moved next door, position and duties with them.
    let (s, roster) = change(
        &app,
        &admin,
        json!({"Move": {"grid": GRID, "phone": member, "to": NEXT_DOOR}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{roster}");
    assert_eq!(on(&roster, member).unwrap()["duties"], "指导网格工作");
    let (_, old) = app.call(&admin, "grid_roster", &[("code", GRID)]).await;
    assert!(on(&old, member).is_none(), "gone from the first grid");
    assert_eq!(
        grid_grants(&app, member).await,
        vec![Grant::new(Role::Instructor, Scope::Grid(NEXT_DOOR.into())).unwrap()]
    );

    // Not beyond the community: a grid of the other street is refused.
    let (s, _) = change(
        &app,
        &admin,
        json!({"Move": {"grid": NEXT_DOOR, "phone": member, "to": OTHER_STREET_GRID}}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Taken off: no roster place, no grid role.
    let (s, roster) = change(
        &app,
        &admin,
        json!({"Remove": {"grid": NEXT_DOOR, "phone": member}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{roster}");
    assert!(on(&roster, member).is_none());
    assert!(grid_grants(&app, member).await.is_empty());
    let (s, _) = change(
        &app,
        &admin,
        json!({"Remove": {"grid": NEXT_DOOR, "phone": member}}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "not there any more");

    // Every step is in the audit log.
    let filter = AuditFilter {
        action: Some(AuditAction::RosterChanged),
        target_kind: Some("user".into()),
        target_id: Some(app.user_id(member).await.to_string()),
        ..Default::default()
    };
    let lines = audit_log::page(&app.state.db, None, &filter, None, 10)
        .await
        .unwrap();
    assert_eq!(lines.len(), 4, "{lines:?}");

    // Readable refusals: an unknown phone, duties too long.
    let (s, body) = change(
        &app,
        &admin,
        json!({"Set": {"grid": GRID, "phone": "13999999999", "position": "part_time", "duties": ""}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let (s, body) = change(
        &app,
        &admin,
        json!({"Set": {"grid": GRID, "phone": member, "position": "part_time", "duties": "长".repeat(121)}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    // A grid worker edits no roster.
    let worker = app.signed_in(phone_of(Role::GridWorker)).await;
    let (s, _) = change(
        &app,
        &worker,
        json!({"Remove": {"grid": GRID, "phone": phone_of(Role::GridLeader)}}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn the_staffing_list_names_grids_missing_a_position(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let admin = app.signed_in(phone_of(Role::StreetAdmin)).await;
    // The leader leaves the demo grid; its instructor moves next door.
    let (s, _) = change(
        &app,
        &admin,
        json!({"Remove": {"grid": GRID, "phone": phone_of(Role::GridLeader)}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = change(
        &app,
        &admin,
        json!({"Move": {"grid": GRID, "phone": phone_of(Role::Instructor), "to": NEXT_DOOR}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, report) = app
        .call(&admin, "roster_gaps", &[("area", "370103-001")])
        .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let grids = report["grids"].as_array().unwrap();
    assert_eq!(grids.len(), 38, "every grid of the street");
    assert_eq!(grids[0]["code"], GRID, "grids missing a position first");
    assert_eq!(grids[0]["gaps"], json!(["NoLeader", "NoInstructor"]));
    let next = grids.iter().find(|g| g["code"] == NEXT_DOOR).unwrap();
    assert_eq!(next["counts"], json!([1, 1, 2, 2]));
    assert_eq!(next["gaps"], json!([]));
    assert!(grids[1..].iter().all(|g| g["gaps"] == json!([])));
    // The poster follows at once: the leader is gone from the public page.
    let (_, page) = app.call(&admin, "grid_page", &[("code", GRID)]).await;
    assert!(!page.to_string().contains("网格长 赵敏"), "{page}");
}

/// The owner of a case as stored.
async fn owner_of(app: &TestApp, id: i64) -> Option<i64> {
    app::backend::store::cases::case_by_id(&app.state.db, id)
        .await
        .unwrap()
        .unwrap()
        .owner_id
}

/// A resident's report in the demo grid (its full-time worker owns it).
async fn case_in_the_demo_grid(app: &TestApp, text: &str) -> i64 {
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let spot = app.state.atlas().spot_in(GRID, (0.5, 0.5)).unwrap();
    let (s, case) = common::report_case(app, &resident, spot, text, false).await;
    assert_eq!(s, StatusCode::OK, "{case}");
    case["id"].as_i64().unwrap()
}

/// A resident's report in the demo grid, owned by its full-time worker:
/// the case, the worker, the grid's leader (the next owner) and a signed-in
/// community admin to change the roster.
struct Handover {
    id: i64,
    worker: i64,
    leader: i64,
    admin: reqwest::Client,
}

async fn worker_owns_a_case(app: &TestApp, text: &str) -> Handover {
    let id = case_in_the_demo_grid(app, text).await;
    let worker = app.user_id(phone_of(Role::GridWorker)).await;
    let leader = app.user_id(phone_of(Role::GridLeader)).await;
    assert_eq!(
        owner_of(app, id).await,
        Some(worker),
        "the full-time worker's"
    );
    let admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    Handover {
        id,
        worker,
        leader,
        admin,
    }
}

/// A worker moved to another grid leaves their open cases to the grid's
/// next owner, with an "assign" step on each timeline.
async fn leaving_a_grid_hands_its_open_cases_on(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let Handover {
        id, leader, admin, ..
    } = worker_owns_a_case(&app, "楼道堆物").await;
    let (s, _) = change(
        &app,
        &admin,
        json!({"Move": {"grid": GRID, "phone": phone_of(Role::GridWorker), "to": NEXT_DOOR}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        owner_of(&app, id).await,
        Some(leader),
        "handed to the leader"
    );
    let events = app::backend::store::cases::events(&app.state.db, id)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.action == "assign"), "{events:?}");
}

/// A disabled worker's open cases pass to the grid's next owner too.
async fn a_disabled_workers_cases_are_handed_on(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let Handover {
        id,
        worker,
        leader,
        admin,
    } = worker_owns_a_case(&app, "井盖松动").await;
    let (s, body) = app
        .call(
            &admin,
            "set_account_disabled",
            &[("user_id", &worker.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        owner_of(&app, id).await,
        Some(leader),
        "handed to the leader"
    );
}

/// A worker made the grid's instructor stays on the grid but owns no case
/// (`policy::may_own`): their open cases pass to the grid's next owner.
async fn a_worker_made_instructor_hands_the_open_cases_on(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let Handover {
        id,
        worker,
        leader,
        admin,
    } = worker_owns_a_case(&app, "路灯不亮").await;
    // Duties changed in the same position: the cases stay.
    let (s, body) = change(
        &app,
        &admin,
        json!({"Set": {"grid": GRID, "phone": phone_of(Role::GridWorker), "position": "full_time", "duties": "联系1-3号楼"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(owner_of(&app, id).await, Some(worker), "still theirs");
    let (s, body) = change(
        &app,
        &admin,
        json!({"Set": {"grid": GRID, "phone": phone_of(Role::GridWorker), "position": "instructor", "duties": "指导网格工作"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        owner_of(&app, id).await,
        Some(leader),
        "handed to the leader"
    );
}

on_both_backends!(
    a_worker_made_instructor_hands_the_open_cases_on,
    a_disabled_workers_cases_are_handed_on,
    leaving_a_grid_hands_its_open_cases_on,
    an_admin_puts_moves_and_takes_off_staff_with_their_roles,
    the_staffing_list_names_grids_missing_a_position,
);
