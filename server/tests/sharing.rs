//! Issue 11: the 共享小屋 through the real router on SQLite and PostgreSQL —
//! the community keeps its shed, anyone sees what is in, residents borrow,
//! loans at once never take more than the shed holds, the community sees
//! who has what and records returns, and an overdue loan is reminded once.

mod common;

use app::backend::services::sharing as service;
use app::backend::store::audit as audit_log;
use app::domain::audit::{AuditAction, AuditFilter};
use app::domain::auth::{Grant, Role, Scope};
use app::domain::deadline::china_date;
use common::{phone_of, Backend, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const COMMUNITY: &str = "370103-001-001";
const OTHER_COMMUNITY: &str = "370103-002-001";

fn must(answer: (StatusCode, Value), what: &str) -> Value {
    assert_eq!(answer.0, StatusCode::OK, "{what}: {}", answer.1);
    answer.1
}

async fn keep(app: &TestApp, c: &Client, item: Value) -> (StatusCode, Value) {
    app.call_json(c, "keep_shed_item", json!({ "item": item }))
        .await
}

async fn borrow(app: &TestApp, c: &Client, item: i64, n: u32) -> (StatusCode, Value) {
    app.call(
        c,
        "borrow_item",
        &[("item_id", &item.to_string()), ("quantity", &n.to_string())],
    )
    .await
}

fn item_of<'a>(view: &'a Value, name: &str) -> &'a Value {
    view["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {view}"))
}

async fn a_shed_lends_what_it_holds_and_no_more(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ca = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let grant = Grant::new(
        Role::CommunityAdmin,
        Scope::Community(OTHER_COMMUNITY.into()),
    )
    .unwrap();
    let (_, elsewhere) = app.person("别的社区 书记", &[grant]).await;

    // Only the community keeps its shed.
    let ladder = json!({"id": null, "community_code": COMMUNITY, "name": "铝合金折叠梯",
        "note": "2米", "total": 5, "loan_days": 3});
    for c in [&resident, &elsewhere] {
        assert_eq!(keep(&app, c, ladder.clone()).await.0, StatusCode::FORBIDDEN);
    }
    let mut bad = ladder.clone();
    bad["name"] = json!(" ");
    bad["loan_days"] = json!(0);
    let (s, body) = keep(&app, &ca, bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Item");
    let kept = must(keep(&app, &ca, ladder).await, "the ladder");
    let id = item_of(&kept, "铝合金折叠梯")["id"].as_i64().unwrap();
    assert_eq!(item_of(&kept, "铝合金折叠梯")["available"], 5);

    // A stranger sees it and how many are in.
    let guest = must(app.call(&app.client(), "sharing", &[]).await, "public");
    assert_eq!(item_of(&guest, "铝合金折叠梯")["available"], 5);

    // 20 residents at once, one piece each: exactly five get one.
    let crowd = app.crowd(20).await;
    let answers =
        futures::future::join_all(crowd.iter().map(|(_, c)| borrow(&app, c, id, 1))).await;
    let ok = answers.iter().filter(|a| a.0 == StatusCode::OK).count();
    assert_eq!(
        ok,
        5,
        "{:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    for (s, body) in answers.iter().filter(|a| a.0 != StatusCode::OK) {
        assert_eq!(*s, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["field"], "Quantity");
    }
    let now = must(app.call(&ca, "sharing", &[]).await, "after");
    assert_eq!(item_of(&now, "铝合金折叠梯")["available"], 0);

    // The community sees who has it; nobody else reads a borrower's name.
    let out = now["kept_loans"].as_array().unwrap();
    assert_eq!(out.len(), 5);
    assert!(out.iter().all(|l| l["borrower"].is_string()), "{now}");
    let (_, first) = &crowd[answers.iter().position(|a| a.0 == StatusCode::OK).unwrap()];
    let mine = must(app.call(first, "sharing", &[]).await, "a borrower's view");
    assert_eq!(mine["my_loans"].as_array().unwrap().len(), 1);
    assert!(mine["my_loans"][0]["borrower"].is_null(), "{mine}");
    assert_eq!(mine["kept_loans"], json!([]));
    let public = must(app.call(&app.client(), "sharing", &[]).await, "public");
    assert_eq!(public["kept_loans"], json!([]));
    let other = must(
        app.call(&elsewhere, "sharing", &[]).await,
        "another community",
    );
    assert_eq!(other["kept_loans"], json!([]));

    // Not fewer than are out; more is fine and lends at once.
    let mut fewer = json!({"id": id, "community_code": COMMUNITY, "name": "铝合金折叠梯",
        "note": "2米", "total": 4, "loan_days": 3});
    let (s, body) = keep(&app, &ca, fewer.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "Stock");
    fewer["total"] = json!(6);
    let more = must(keep(&app, &ca, fewer).await, "one more ladder");
    assert_eq!(item_of(&more, "铝合金折叠梯")["available"], 1);
    must(borrow(&app, &resident, id, 1).await, "the sixth");
    let (s, _) = borrow(&app, &resident, id, 1).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "none left");

    // The return: recorded by the community, once; not by the borrower or
    // another community.
    let loan = must(app.call(&resident, "sharing", &[]).await, "mine")["my_loans"][0]["id"]
        .as_i64()
        .unwrap();
    let give = |c: &Client| {
        let c = c.clone();
        let app = &app;
        async move {
            app.call(&c, "return_loan", &[("loan_id", &loan.to_string())])
                .await
        }
    };
    assert_eq!(give(&resident).await.0, StatusCode::FORBIDDEN);
    assert_eq!(give(&elsewhere).await.0, StatusCode::NOT_FOUND);
    let (a, b) = tokio::join!(give(&ca), give(&ca));
    let codes = [a.0, b.0];
    assert!(
        codes.contains(&StatusCode::OK) && codes.contains(&StatusCode::CONFLICT),
        "{codes:?}"
    );
    let back = must(app.call(&ca, "sharing", &[]).await, "back");
    assert_eq!(item_of(&back, "铝合金折叠梯")["available"], 1);

    // One person, at most five loans out at once.
    let tables = must(
        keep(
            &app,
            &ca,
            json!({"id": null, "community_code": COMMUNITY, "name": "折叠桌", "note": "",
                "total": 50, "loan_days": 2}),
        )
        .await,
        "tables",
    );
    let tables = item_of(&tables, "折叠桌")["id"].as_i64().unwrap();
    for _ in 0..5 {
        must(borrow(&app, &resident, tables, 1).await, "a table");
    }
    let (s, body) = borrow(&app, &resident, tables, 1).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["problem"], "TooMany");
    let (s, _) = borrow(&app, &ca, tables, MAX_BORROW_PLUS_ONE).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "more than a loan may take");
    // …also when one person asks ten times at once.
    let (_, eager) = app.crowd(1).await.remove(0);
    let answers = futures::future::join_all((0..10).map(|_| borrow(&app, &eager, tables, 1))).await;
    let ok = answers.iter().filter(|a| a.0 == StatusCode::OK).count();
    assert_eq!(
        ok,
        5,
        "{:?}",
        answers.iter().map(|a| &a.1).collect::<Vec<_>>()
    );

    let filter = AuditFilter {
        action: Some(AuditAction::SharingKept),
        ..Default::default()
    };
    let lines = audit_log::page(&app.state.db, None, &filter, None, 20)
        .await
        .unwrap();
    assert_eq!(lines.len(), 4, "two added, one edited, one return");
}

const MAX_BORROW_PLUS_ONE: u32 = app::domain::sharing::MAX_BORROW + 1;

async fn an_overdue_loan_is_reminded_once(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let ca = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let kept = must(
        keep(
            &app,
            &ca,
            json!({"id": null, "community_code": COMMUNITY, "name": "电钻", "note": "",
                "total": 1, "loan_days": 2}),
        )
        .await,
        "a drill",
    );
    let id = item_of(&kept, "电钻")["id"].as_i64().unwrap();
    must(borrow(&app, &resident, id, 1).await, "borrow");
    let today = china_date(chrono::Utc::now());
    assert_eq!(service::flag_overdue(&app.state, today).await.unwrap(), 0);
    let later = today + chrono::Duration::days(5);
    let (a, b) = tokio::join!(
        service::flag_overdue(&app.state, later),
        service::flag_overdue(&app.state, later),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(service::flag_overdue(&app.state, later).await.unwrap(), 0);
    let count = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "sharing")
            .count()
    };
    let told = must(app.call(&resident, "my_notices", &[]).await, "notices");
    assert_eq!(count(&told), 1, "{told}");
    let told = must(app.call(&ca, "my_notices", &[]).await, "notices");
    assert_eq!(count(&told), 1, "{told}");
}

/// A first `make run` shows the shed with things out, one of them late.
async fn the_demo_shows_a_shed_at_work(backend: Backend) {
    let app = TestApp::empty(backend).await;
    assert!(app::backend::demo::seed_if_empty(&app.state.db, 60)
        .await
        .unwrap());
    app.state.refresh_atlas().await.unwrap();
    let guest = must(app.call(&app.client(), "sharing", &[]).await, "public");
    assert_eq!(guest["items"].as_array().unwrap().len(), 6, "{guest}");
    assert_eq!(item_of(&guest, "铝合金折叠梯")["available"], 1);
    let ca = app.signed_in(phone_of(Role::CommunityAdmin)).await;
    let kept = must(app.call(&ca, "sharing", &[]).await, "kept");
    let out = kept["kept_loans"].as_array().unwrap();
    assert_eq!(out.len(), 4, "{kept}");
    assert_eq!(out[0]["overdue"], true, "overdue first: {kept}");
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let mine = must(app.call(&resident, "sharing", &[]).await, "mine");
    assert_eq!(mine["my_loans"][0]["item"], "铝合金折叠梯", "{mine}");
    assert_eq!(mine["my_loans"][0]["overdue"], true);
}

on_both_backends!(
    a_shed_lends_what_it_holds_and_no_more,
    the_demo_shows_a_shed_at_work,
    an_overdue_loan_is_reminded_once,
);
