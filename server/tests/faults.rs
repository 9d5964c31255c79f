//! Faults (issue 13, `make test-faults`):
//! - the real server binary is killed with SIGKILL while a thousand reports
//!   are being filed through Open311, and started again: every report it
//!   answered with an id is there, once; nothing was filed twice; the
//!   restarted server takes reports again (SQLite and PostgreSQL);
//! - PostgreSQL is restarted under load: clean JSON 503s, never a 500 or a
//!   hang, and the same server serves again within 5 s;
//! - the photo store is out of space: a clear refusal, no row and no file.

mod common;

use app::backend::services::open311_clients;
use app::domain::auth::Role;
use common::*;
use sea_orm::{ConnectionTrait, Statement};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Reports filed, how many are in flight at once, and after how many
/// answers the server is killed.
const REPORTS: usize = 1_000;
const IN_FLIGHT: usize = 200;
const KILL_AFTER: usize = 300;
/// Open311 clients: each may file 120 a minute (`domain::open311`).
const CLIENTS: usize = 10;
/// A point inside the demo district's first grid (as `cases.rs`).
const HOME: (f64, f64) = (36.6372, 117.0135);

/// The PostgreSQL tests of this file one at a time: one of them restarts
/// the server the other uses.
static PG: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The server binary, killed when dropped (a failed test leaves none behind).
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `server` on a free port over `database_url` and waits until it
/// answers `/healthz`.
async fn start(database_url: &str, photos: &std::path::Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "LEPTOS_SITE_ROOT",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"),
        )
        // The test apps' key (`common`), so both read the same sealed fields.
        .env("GRIDLINK_DATA_KEY", "5a".repeat(32))
        .env("GRIDLINK_PHOTO_DIR", photos)
        .env_remove("GRIDLINK_DEMO")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server binary");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await {
            if r.status().is_success() {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not answer /healthz within 30 s");
}

/// Files report `i` with `key`: the id the server answered, if it did.
async fn file(client: &reqwest::Client, base: &str, key: &str, code: i64, i: usize) -> Option<i64> {
    let form = [
        ("api_key", key.to_string()),
        ("service_code", code.to_string()),
        ("lat", HOME.0.to_string()),
        ("long", HOME.1.to_string()),
        ("description", description(i)),
    ];
    let res = client
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&form)
        .send()
        .await
        .ok()?;
    if res.status() != reqwest::StatusCode::CREATED && res.status() != reqwest::StatusCode::OK {
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        panic!("report {i} refused: {status} {body}");
    }
    let body: serde_json::Value = res.json().await.ok()?;
    body[0]["service_request_id"].as_str()?.parse().ok()
}

fn description(i: usize) -> String {
    format!("故障演练第{i}份：路灯不亮，夜里看不清台阶")
}

/// Case ids by description, for the reports of this test.
async fn filed(app: &TestApp) -> HashMap<String, Vec<i64>> {
    let db = &app.state.db;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id, description FROM cases WHERE description LIKE '故障演练第%'".to_string(),
        ))
        .await
        .unwrap();
    let mut by_text: HashMap<String, Vec<i64>> = HashMap::new();
    for r in rows {
        let id: i64 = r.try_get("", "id").unwrap();
        let text: String = r.try_get("", "description").unwrap();
        by_text.entry(text).or_default().push(id);
    }
    by_text
}

async fn answered_reports_survive_a_kill(backend: Backend) {
    let _alone = PG.lock().await;
    let app = TestApp::demo(backend).await;
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let code = category(&app, &resident).await;
    let mut keys = Vec::new();
    for n in 0..CLIENTS {
        let made = open311_clients::register_cli(&app.state, &format!("演练平台{n}"))
            .await
            .unwrap();
        keys.push(made.key);
    }
    let photos = std::env::temp_dir().join(format!("gridlink-faults-{}", rand::random::<u64>()));

    let server = start(&app.database_url, &photos).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let answers = Arc::new(Mutex::new(Vec::<(usize, i64)>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::with_capacity(REPORTS);
    for i in 0..REPORTS {
        let (client, base, key) = (
            client.clone(),
            server.base.clone(),
            keys[i % CLIENTS].clone(),
        );
        let (answers, count, gate) = (answers.clone(), count.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _slot = gate.acquire_owned().await.unwrap();
            if let Some(id) = file(&client, &base, &key, code, i).await {
                answers.lock().unwrap().push((i, id));
                count.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    // SIGKILL (`Child::kill`) once enough were answered: no shutdown, no
    // flush, the requests in flight cut off.
    let mut server = server;
    let waited = std::time::Instant::now();
    while count.load(Ordering::SeqCst) < KILL_AFTER {
        assert!(
            waited.elapsed() < Duration::from_secs(120),
            "only {} answered in two minutes",
            count.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let answers = answers.lock().unwrap().clone();
    assert!(
        answers.len() >= KILL_AFTER && answers.len() < REPORTS,
        "{} of {REPORTS} answered: the kill should fall in the middle",
        answers.len()
    );

    // Started again over the same database.
    let again = start(&app.database_url, &photos).await;
    let stored = filed(&app).await;
    for (i, id) in &answers {
        assert_eq!(
            stored.get(&description(*i)),
            Some(&vec![*id]),
            "report {i}, answered with id {id}, is not there exactly once"
        );
    }
    let before = stored.values().map(Vec::len).sum::<usize>();
    println!(
        "{} of {REPORTS} reports answered before the kill; {before} stored (the rest of those in flight were cut off before or after their commit)",
        answers.len(),
    );

    // The clients send again what went unanswered, unchanged, as
    // FixMyStreet does until a report is answered; and one answered report
    // whose answer they take as lost. Those stored before the kill get
    // their first id back; none is filed twice.
    use futures::stream::StreamExt;
    let answered: HashMap<usize, i64> = answers.iter().copied().collect();
    let lost_answer = answers[0].0;
    let resend: Vec<usize> = (0..REPORTS)
        .filter(|i| !answered.contains_key(i) || *i == lost_answer)
        .collect();
    let ids: Vec<(usize, Option<i64>)> = futures::stream::iter(resend.clone())
        .map(|i| {
            let (client, base, key) = (&client, &again.base, &keys[i % CLIENTS]);
            async move { (i, file(client, base, key, code, i).await) }
        })
        .buffer_unordered(20)
        .collect()
        .await;
    let stored = filed(&app).await;
    for (i, id) in ids {
        let id = id.unwrap_or_else(|| panic!("report {i} resent was not answered"));
        assert_eq!(
            stored.get(&description(i)),
            Some(&vec![id]),
            "report {i}, resent and answered with id {id}, is not there exactly once"
        );
        if let Some(first) = answered.get(&i) {
            assert_eq!(id, *first, "an answered report resent got a new id");
        }
    }
    assert_eq!(stored.len(), REPORTS, "every report is there once");
    println!(
        "{} resent after the restart: {} of them had been stored before the kill, unanswered, and kept their case",
        resend.len(),
        before - answers.len()
    );
    let twice: Vec<_> = stored.iter().filter(|(_, ids)| ids.len() > 1).collect();
    assert!(twice.is_empty(), "filed more than once: {twice:?}");
    // Open311 knows each answered one as its client's (the link row was
    // written with the case).
    let db = &app.state.db;
    let linked = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM open311_cases".to_string(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    let cases: usize = stored.values().map(Vec::len).sum();
    assert_eq!(
        linked as usize, cases,
        "a case without its Open311 link, or a link without its case"
    );

    // And it takes reports again.
    let id = file(&client, &again.base, &keys[0], code, REPORTS)
        .await
        .expect("the restarted server answers");
    let res = client
        .get(format!(
            "{}/open311/v2/requests/{id}.json?api_key={}",
            again.base, keys[0]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    drop(again);
    let _ = std::fs::remove_dir_all(&photos);
}

/// The photo store out of space: the disk's free space is under the floor
/// the store keeps (a floor set above any disk's size: the store's own
/// check of the real disk, `statvfs`, says no). The upload is refused with
/// the words a resident reads (507, `storage_full`), the case stays as it
/// was with no photo row, and no file, whole or partial, is left behind.
async fn a_full_photo_store_keeps_nothing(backend: Backend) {
    let photos = std::env::temp_dir().join(format!("gridlink-full-{}", rand::random::<u64>()));
    let app = TestApp::with_config(
        backend,
        app::backend::Config {
            photo_dir: Some(photos.clone()),
            photo_min_free_mb: Some(u64::MAX / (1024 * 1024)),
            ..app::backend::Config::default()
        },
    )
    .await;
    assert!(app::backend::demo::seed_if_empty(&app.state.db, 0)
        .await
        .unwrap());
    app.state.refresh_atlas().await.unwrap();
    let resident = app.signed_in(phone_of(Role::Resident)).await;
    let (s, case) = report_case(&app, &resident, HOME, "垃圾桶满了没人清，气味很大", false).await;
    assert_eq!(s, reqwest::StatusCode::OK, "{case}");

    let (s, body) = upload_case_photo(&app, &resident, &case, png(640, 480)).await;
    assert_eq!(s.as_u16(), 507, "{body}");
    assert_eq!(body["code"], "storage_full", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("存储空间已满"),
        "{body}"
    );

    let db = &app.state.db;
    let rows = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT COUNT(*) AS n FROM case_photos WHERE case_id = {}",
                case["id"]
            ),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(rows, 0, "a photo row without its file");
    let (s, detail) = app
        .call(&resident, "case_detail", &[("id", &case["id"].to_string())])
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{detail}");
    fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .map(|d| {
                d.flat_map(|e| {
                    let p = e.unwrap().path();
                    if p.is_dir() {
                        files(&p)
                    } else {
                        vec![p]
                    }
                })
                .collect()
            })
            .unwrap_or_default()
    }
    // The store got as far as the case's folder (so the check below looks
    // where the photo would have gone) and kept nothing in it.
    assert!(photos.join(format!("cases/{}", case["id"])).is_dir());
    assert_eq!(files(&photos), Vec::<std::path::PathBuf>::new());
    let _ = std::fs::remove_dir_all(&photos);
}

on_both_backends!(
    answered_reports_survive_a_kill,
    a_full_photo_store_keeps_nothing
);

/// One request of the load: when it was sent and answered, and how.
#[derive(Debug)]
struct Answer {
    sent: std::time::Instant,
    took: Duration,
    outcome: Result<(u16, bool, bool), String>,
}

/// PostgreSQL restarted (fast: every connection cut) while twenty clients
/// read the board: each request gets its page or a JSON 503 with
/// Retry-After, never a 500, a hang or a dropped connection; within 5 s of
/// the database being back the same server serves again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load() {
    let _alone = PG.lock().await;
    let app = TestApp::demo(Backend::Postgres).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut loaders = Vec::new();
    for _ in 0..20 {
        let (client, url, stop) = (client.clone(), app.url("/api/v1/board.json"), stop.clone());
        loaders.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let sent = std::time::Instant::now();
                let outcome = match client.get(&url).send().await {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let retry = r.headers().contains_key("retry-after");
                        let json = r
                            .text()
                            .await
                            .ok()
                            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                            .is_some();
                        Ok((status, json, retry))
                    }
                    Err(e) => Err(e.to_string()),
                };
                answers.push(Answer {
                    sent,
                    took: sent.elapsed(),
                    outcome,
                });
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            answers
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let restarted = tokio::task::spawn_blocking(|| {
        Command::new("bash")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/pg.sh"))
            .arg("restart")
            .status()
            .expect("run scripts/pg.sh restart")
    })
    .await
    .unwrap();
    assert!(
        restarted.success(),
        "scripts/pg.sh restart failed: this test restarts the PostgreSQL of scripts/pg.sh (make test starts it)"
    );
    let back = std::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(6)).await;
    stop.store(true, Ordering::SeqCst);
    let mut answers = Vec::new();
    for l in loaders {
        answers.extend(l.await.unwrap());
    }

    let mut unavailable = 0;
    for a in &answers {
        match &a.outcome {
            Ok((200, true, _)) => {}
            Ok((503, true, true)) => unavailable += 1,
            other => panic!("a request got {other:?} after {:?}", a.took),
        }
    }
    let first_after = answers
        .iter()
        .filter(|a| a.sent >= back && matches!(a.outcome, Ok((200, _, _))))
        .map(|a| (a.sent + a.took) - back)
        .min()
        .expect("nothing was served after the restart");
    println!(
        "{} requests, {unavailable} answered 503 during the restart; served again {first_after:?} after the database was back",
        answers.len()
    );
    assert!(
        first_after <= Duration::from_secs(5),
        "served again only {first_after:?} after the database was back"
    );
}
