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

/// Every index of the migrated database: table, name, columns in order,
/// unique, partial.
async fn indexes(app: &TestApp) -> Vec<(String, String, Vec<String>, bool, bool)> {
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            "SELECT m.name AS tbl, il.name AS idx, il.\"unique\" = 1 AS uniq, \
             il.partial = 1 AS part, (SELECT group_concat(name, ',') FROM \
             (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) AS cols \
             FROM sqlite_master m, pragma_index_list(m.name) il WHERE m.type = 'table'"
        }
        _ => {
            "SELECT t.relname::text AS tbl, i.relname::text AS idx, ix.indisunique AS uniq, \
             ix.indpred IS NOT NULL AS part, array_to_string(ARRAY(\
             SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(n, o) \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o), ',') AS cols \
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
             JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace s ON s.oid = t.relnamespace WHERE s.nspname = current_schema()"
        }
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let cols: String = r.try_get("", "cols").unwrap_or_default();
            (
                r.try_get("", "tbl").unwrap(),
                r.try_get("", "idx").unwrap(),
                cols.split(',').map(str::to_string).collect(),
                r.try_get("", "uniq").unwrap(),
                r.try_get("", "part").unwrap(),
            )
        })
        .collect()
}

/// No index only repeats the first columns of another on its table: every
/// write keeps each index up to date and the planner weighs each on every
/// read, and the longer index answers the same lookups. (A unique or
/// partial index is a rule of its own and is not counted as a repeat.)
async fn no_index_repeats_the_lead_of_another(backend: Backend) {
    let app = TestApp::empty(backend).await;
    let all = indexes(&app).await;
    assert!(
        all.iter().any(|i| i.1 == "idx_cases_grid_id"),
        "the queue indexes are listed: {all:?}"
    );
    let repeats: Vec<String> = all
        .iter()
        .filter(|(_, _, _, unique, partial)| !unique && !partial)
        .filter_map(|(table, name, cols, _, _)| {
            let longer = all.iter().find(|(t, n, c, _, partial)| {
                t == table && n != name && !partial && c.len() >= cols.len() && c.starts_with(cols)
            })?;
            Some(format!(
                "{table}: {name} {cols:?} leads {} {:?}",
                longer.1, longer.2
            ))
        })
        .collect();
    assert!(
        repeats.is_empty(),
        "repeated indexes:\n{}",
        repeats.join("\n")
    );
}

on_both_backends!(
    an_empty_database_migrates_to_the_entities,
    a_database_of_the_last_release_upgrades_in_place,
    no_index_repeats_the_lead_of_another,
);
