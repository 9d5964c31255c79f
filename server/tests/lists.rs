//! Issue 11, item 5: the three lists (三张清单) close the loop — a community
//! takes up a suggested resource for a need (the resource joins the need's
//! project, the unit is told), edits a project's links, closes a need that
//! is met, and a wish-born need closes with its wish. On SQLite and
//! PostgreSQL through the real router.

mod common;

use app::backend::demo::DISTRICT_CODE;
use app::backend::store::audit as audit_log;
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::auth::{Grant, Role, Scope};
use common::{phone_of, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn community() -> String {
    format!("{DISTRICT_CODE}-001-001")
}

fn must(answer: (StatusCode, Value), what: &str) -> Value {
    assert_eq!(answer.0, StatusCode::OK, "{what}: {}", answer.1);
    answer.1
}

async fn resource(app: &TestApp, unit: &Client, title: &str) -> i64 {
    must(
        app.call(
            unit,
            "add_resource",
            &[
                ("category", "education"),
                ("title", title),
                ("availability", "每周六上午"),
            ],
        )
        .await,
        "add a resource",
    )["id"]
        .as_i64()
        .unwrap()
}

async fn need(app: &TestApp, admin: &Client, title: &str, wish: Option<i64>) -> i64 {
    let wish = wish.map(|w| w.to_string());
    let mut form = vec![
        ("community", community()),
        ("category", "education".to_string()),
        ("title", title.to_string()),
    ];
    if let Some(w) = wish {
        form.push(("wish_id", w));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    must(app.call(admin, "add_need", &form).await, "add a need")["id"]
        .as_i64()
        .unwrap()
}

async fn lists(app: &TestApp) -> Value {
    must(
        app.call(
            &app.client(),
            "community_lists",
            &[("community", &community())],
        )
        .await,
        "lists",
    )
}

async fn accept(app: &TestApp, c: &Client, need: i64, resource: i64) -> (StatusCode, Value) {
    app.call(
        c,
        "accept_resource",
        &[
            ("need_id", &need.to_string()),
            ("resource_id", &resource.to_string()),
        ],
    )
    .await
}

async fn a_taken_up_resource_joins_the_needs_project_and_the_unit_is_told(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let unit = app.signed_in(phone_of(Role::UnitAdmin)).await;
    let admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let member = app.signed_in(phone_of(Role::PartyMember)).await;
    let grant = Grant::new(
        Role::CommunityAdmin,
        Scope::Community(format!("{DISTRICT_CODE}-001-002")),
    )
    .unwrap();
    let (_, neighbour) = app.person("隔壁社区 书记", &[grant]).await;

    let reading = resource(&app, &unit, "周末阅读辅导").await;
    let maths = resource(&app, &unit, "初中数学答疑").await;
    let need_id = need(&app, &admin, "留守儿童课业辅导", None).await;

    // Only the need's community takes a resource up.
    for c in [&member, &neighbour, &unit] {
        assert_eq!(
            accept(&app, c, need_id, reading).await.0,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        accept(&app, &admin, need_id, 99_999).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        accept(&app, &admin, 99_999, reading).await.0,
        StatusCode::NOT_FOUND
    );
    let project = must(accept(&app, &admin, need_id, reading).await, "accept")
        .as_i64()
        .unwrap();
    // Again, and a second resource: the same project, each linked once.
    let again = must(accept(&app, &admin, need_id, reading).await, "again");
    assert_eq!(again.as_i64(), Some(project));
    must(accept(&app, &admin, need_id, maths).await, "a second");
    let l = lists(&app).await;
    let p = l["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == project)
        .expect("the project on the public lists")
        .clone();
    assert_eq!(p["title"], "留守儿童课业辅导");
    assert_eq!(p["needs"], json!([need_id]));
    let mut linked: Vec<i64> = p["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    linked.sort_unstable();
    assert_eq!(linked, vec![reading, maths]);
    assert_eq!(p["units"].as_array().unwrap().len(), 1, "{p}");

    // The unit's admin is told.
    let notices = must(app.call(&unit, "my_notices", &[]).await, "notices");
    assert!(
        notices
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["event"] == "resource_accepted" && n["title"] == "周末阅读辅导"),
        "{notices}"
    );

    // The project's links, edited by its community only.
    let links = |resources: Value| json!({"project_id": project, "needs": [need_id], "resources": resources});
    assert_eq!(
        app.call_json(&neighbour, "link_project", links(json!([reading])))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (s, body) = app
        .call_json(&admin, "link_project", links(json!([reading, 99_999])))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    must(
        app.call_json(&admin, "link_project", links(json!([reading])))
            .await,
        "link",
    );
    let l = lists(&app).await;
    let p = l["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == project)
        .unwrap()
        .clone();
    assert_eq!(p["resources"], json!([reading]));

    // A need that is met is closed, once; nothing is taken up for it then.
    assert_eq!(
        app.call(&member, "close_need", &[("need_id", &need_id.to_string())])
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    must(
        app.call(&admin, "close_need", &[("need_id", &need_id.to_string())])
            .await,
        "close",
    );
    assert_eq!(
        app.call(&admin, "close_need", &[("need_id", &need_id.to_string())])
            .await
            .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        accept(&app, &admin, need_id, maths).await.0,
        StatusCode::CONFLICT
    );
    let l = lists(&app).await;
    let n = l["needs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == need_id)
        .unwrap()
        .clone();
    assert_eq!(n["open"], false);

    // Each step is in the audit trail.
    let filter = AuditFilter {
        action: Some(AuditAction::ListsKept),
        ..Default::default()
    };
    let lines = audit_log::page(&app.state.db, None, &filter, None, 20)
        .await
        .unwrap();
    assert_eq!(
        lines.len(),
        4,
        "two take-ups (a second tap records nothing), one link edit, one close"
    );
    let told = must(app.call(&unit, "my_notices", &[]).await, "notices");
    assert_eq!(
        told.as_array()
            .unwrap()
            .iter()
            .filter(|n| n["event"] == "resource_accepted" && n["title"] == "周末阅读辅导")
            .count(),
        1,
        "the unit is told once: {told}"
    );
}

async fn a_wish_born_need_closes_with_its_wish(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let wanted_by = (chrono::Utc::now() + chrono::Duration::days(14))
        .date_naive()
        .to_string();
    let wish = must(
        app.call_json(
            &resident,
            "post_wish",
            json!({"wish": {
                "title": "孩子暑假想学游泳", "story": "家里没人会游泳，想请人教孩子。",
                "kind": "service", "value_yuan": 0, "wanted_by": wanted_by,
                "community_code": community(), "address": "阳光花园3号楼2单元401",
            }}),
        )
        .await,
        "post a wish",
    );
    let wish_id = wish["card"]["id"].as_i64().unwrap();
    let need_id = need(&app, &admin, "暑期游泳教学", Some(wish_id)).await;
    let open = |l: &Value| {
        l["needs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == need_id)
            .unwrap()["open"]
            .clone()
    };
    assert_eq!(open(&lists(&app).await), true);
    must(
        app.call_json(
            &resident,
            "take_wish_step",
            json!({"step": {"wish_id": wish_id, "version": wish["version"], "action": "withdraw", "note": ""}}),
        )
        .await,
        "withdraw",
    );
    assert_eq!(open(&lists(&app).await), false, "closed with its wish");
    // A need cannot be born of a wish that has ended: it would stay open.
    let (s, body) = app
        .call(
            &admin,
            "add_need",
            &[
                ("community", community().as_str()),
                ("category", "education"),
                ("title", "游泳"),
                ("wish_id", wish_id.to_string().as_str()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
}

async fn take_ups_at_once_make_one_project_and_a_done_one_is_left_alone(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let unit = app.signed_in(phone_of(Role::UnitAdmin)).await;
    let admin = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let mut offers = Vec::new();
    for i in 0..6 {
        offers.push(resource(&app, &unit, &format!("志愿辅导{i}")).await);
    }
    let need_id = need(&app, &admin, "社区四点半课堂", None).await;
    // Six take-ups of one need at once: one project, each resource once.
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for r in offers.clone() {
        let (app, admin) = (app.clone(), admin.clone());
        tasks.push(tokio::spawn(async move {
            must(accept(&app, &admin, need_id, r).await, "take up")
                .as_i64()
                .unwrap()
        }));
    }
    let mut projects = Vec::new();
    for t in tasks {
        projects.push(t.await.unwrap());
    }
    projects.dedup();
    assert_eq!(projects.len(), 1, "one project: {projects:?}");
    let project = projects[0];
    let l = lists(&app).await;
    let p = l["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == project)
        .unwrap()
        .clone();
    assert_eq!(p["resources"].as_array().unwrap().len(), 6, "{p}");
    assert_eq!(
        l["projects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["title"] == "社区四点半课堂")
            .count(),
        1
    );

    // Once the project is done, a new take-up starts a new project.
    must(
        app.call(
            &admin,
            "set_project_progress",
            &[
                ("project_id", &project.to_string()),
                ("status", "done"),
                ("progress", "100"),
            ],
        )
        .await,
        "done",
    );
    let more = resource(&app, &unit, "暑期托管").await;
    let next = must(accept(&app, &admin, need_id, more).await, "take up")
        .as_i64()
        .unwrap();
    assert_ne!(next, project, "a done project is left as it was");
}

on_both_backends!(
    a_taken_up_resource_joins_the_needs_project_and_the_unit_is_told,
    a_wish_born_need_closes_with_its_wish,
    take_ups_at_once_make_one_project_and_a_done_one_is_left_alone,
);
