//! Migrations are frozen steps: an empty database migrates to exactly what
//! the entities describe, and a database written by the last release
//! (commit 7eabdf8, kept as a small fixture for each backend) upgrades in
//! place with its data intact.

mod common;

use app::backend::store;
use common::{fresh_database_url, phone_of, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};

async fn count(app: &TestApp, table: &str) -> i64 {
    let db = &app.state.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn an_empty_database_migrates_to_the_entities(backend: Backend) {
    let app = TestApp::empty(backend).await;
    let drift = store::schema_check::drift(&app.state.db).await.unwrap();
    assert!(
        drift.is_empty(),
        "schema differs from the entities:\n{}",
        drift.join("\n")
    );
    // Migrating again is a no-op.
    store::connect(&app.database_url)
        .await
        .expect("second migration run");
}

/// Loads the last release's database into a fresh one, without migrating.
async fn last_release(backend: Backend) -> String {
    let url = fresh_database_url(backend).await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    if let Some(path) = url.strip_prefix("sqlite://") {
        std::fs::copy(format!("{dir}/release-7eabdf8.sqlite"), path).expect("copy the fixture");
    } else {
        let sql = std::fs::read_to_string(format!("{dir}/release-7eabdf8.pg.sql")).unwrap();
        let conn = sea_orm::Database::connect(url.as_str()).await.unwrap();
        conn.execute_unprepared(&sql)
            .await
            .expect("load the PostgreSQL fixture");
        conn.close().await.ok();
    }
    url
}

async fn a_database_of_the_last_release_upgrades_in_place(backend: Backend) {
    let app = TestApp::at(last_release(backend).await).await;
    let drift = store::schema_check::drift(&app.state.db).await.unwrap();
    assert!(
        drift.is_empty(),
        "upgraded schema differs:\n{}",
        drift.join("\n")
    );
    // The data is all there.
    assert_eq!(count(&app, "cases").await, 30);
    assert_eq!(count(&app, "wishes").await, 20);
    assert_eq!(count(&app, "regions").await, 83);
    assert!(count(&app, "users").await > 300);
    assert_eq!(count(&app, "audit_log").await, 0);
    // Each case already with a department got the whistle its call would
    // have made: the lead alone, open while the case is handled.
    assert_eq!(count(&app, "whistles").await, 5);
    assert_eq!(count(&app, "whistle_parts").await, 5);
    let w = app::backend::store::whistles::latest_of_case(&app.state.db, 5)
        .await
        .unwrap()
        .expect("case 5 was with ZJ");
    assert_eq!(w.state, app::domain::whistle::WhistleState::Open);
    assert_eq!(
        (w.parts[0].department.as_str(), w.parts[0].state),
        ("ZJ", app::domain::whistle::PartState::Accepted)
    );
    let w = app::backend::store::whistles::latest_of_case(&app.state.db, 3)
        .await
        .unwrap()
        .expect("case 3 was with XF");
    assert_eq!(w.state, app::domain::whistle::WhistleState::Closed);
    // And it works: the release's accounts sign in, cases read and move.
    app.state.refresh_atlas().await.unwrap();
    let worker = app
        .signed_in(phone_of(app::domain::auth::Role::GridWorker))
        .await;
    let (s, queue) = app
        .call_json(
            &worker,
            "case_queue",
            serde_json::json!({"queue": {"grid": format!("{}-001-001-01", app::backend::demo::DISTRICT_CODE)}, "statuses": [], "after": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{queue}");
    let (s, deps) = app.call(&worker, "departments", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        deps.as_array().unwrap().len(),
        5,
        "old departments are active: {deps}"
    );
    let resident = app
        .signed_in(phone_of(app::domain::auth::Role::Resident))
        .await;
    let (s, mine) = app
        .call_json(
            &resident,
            "case_queue",
            serde_json::json!({"queue": "mine", "statuses": [], "after": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    // The upgrade gave the release's running cases their deadline alarms: the
    // overdue ones as flagged history, so the first sweep moves none up a level.
    let r = app::backend::services::deadlines::sweep(&app.state, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(r.escalated, 0, "{r:?}");
}

on_both_backends!(
    an_empty_database_migrates_to_the_entities,
    a_database_of_the_last_release_upgrades_in_place,
);
