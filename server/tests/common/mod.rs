//! Spawns the real router on a free port over a fresh database — SQLite in
//! a temp file, or a new database on the PostgreSQL server named by
//! `GRIDLINK_TEST_PG` (`make test` starts one) — and talks HTTP to it.
#![allow(dead_code)]

use app::backend::{demo, store, AppState, Config};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::net::SocketAddr;

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub database_url: String,
    /// Temporary files of this app (SQLite file, photos), removed on drop.
    scratch: Vec<std::path::PathBuf>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        for dir in &self.scratch {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A server function's answer: status and JSON body (or the raw text).
async fn answer(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The phone number of the demo account holding `role`.
pub fn phone_of(role: app::domain::auth::Role) -> &'static str {
    app::backend::demo::DEMO_ACCOUNTS
        .iter()
        .find(|(_, _, r)| *r == role)
        .map(|(p, _, _)| *p)
        .expect("a demo account per role")
}

pub enum Backend {
    Sqlite,
    Postgres,
}

fn unique() -> String {
    format!("{}_{}", std::process::id(), rand::random::<u64>())
}

/// A new, empty database of this backend (a SQLite file in a temp
/// directory, or a fresh PostgreSQL database), not yet migrated.
pub async fn fresh_database_url(backend: Backend) -> String {
    database_url(backend).await
}

async fn database_url(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("gridlink-test-{}", unique()));
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}/test.db", dir.display())
        }
        Backend::Postgres => {
            let admin = std::env::var("GRIDLINK_TEST_PG").expect(
                "GRIDLINK_TEST_PG is not set: run `make test` (it starts PostgreSQL) or export the URL of a server",
            );
            let name = format!("gl_test_{}", unique());
            let conn = sea_orm::Database::connect(admin.as_str())
                .await
                .expect("connect to the PostgreSQL admin database");
            use sea_orm::ConnectionTrait;
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            conn.close().await.ok();
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin);
            format!("{base}/{name}")
        }
    }
}

impl TestApp {
    /// A running app over an empty database.
    pub async fn empty(backend: Backend) -> TestApp {
        TestApp::at(database_url(backend).await).await
    }

    /// A running app over the database at `url`, migrated first (an
    /// existing database is upgraded in place).
    pub async fn at(url: String) -> TestApp {
        TestApp::at_with(url, Config::default()).await
    }

    /// A running app over an empty database with the given settings (a
    /// scratch photo folder unless `config` names one).
    pub async fn with_config(backend: Backend, config: Config) -> TestApp {
        TestApp::at_with(database_url(backend).await, config).await
    }

    /// A running app over the database at `url` with the given settings.
    pub async fn at_with(url: String, config: Config) -> TestApp {
        let db = store::connect(&url).await.expect("connect and migrate");
        let settings = server::Settings {
            database_url: url.clone(),
            site_addr: "127.0.0.1:0".parse().unwrap(),
            site_root: std::env::var("LEPTOS_SITE_ROOT")
                .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").into()),
            output_name: "gridlink".into(),
            config: config.clone(),
        };
        let photo_dir = std::env::temp_dir().join(format!("gridlink-photos-{}", unique()));
        let sqlite_dir = url
            .strip_prefix("sqlite://")
            .and_then(|p| std::path::Path::new(p).parent())
            .map(|p| p.to_path_buf());
        let config = Config {
            // One key for every app of a test process (the first installed stays).
            data_key: config
                .data_key
                .or(Some(app::backend::sealed::DataKey([0x5a; 32]))),
            photo_dir: Some(
                config
                    .photo_dir
                    .clone()
                    .unwrap_or_else(|| photo_dir.clone()),
            ),
            ..config
        };
        let state = AppState::new(db, settings.leptos_options(), config)
            .await
            .unwrap();
        // As a serving process does: on PostgreSQL it hears the other
        // servers (live updates, forgotten sessions) before it answers.
        server::watch_live(state.clone()).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let router = server::router(state.clone());
        tokio::spawn(async move { server::serve(listener, router).await.unwrap() });
        TestApp {
            base: format!("http://{addr}"),
            state,
            scratch: [Some(photo_dir), sqlite_dir]
                .into_iter()
                .flatten()
                .collect(),
            database_url: url,
        }
    }

    /// A running app with the demo district loaded.
    pub async fn demo(backend: Backend) -> TestApp {
        let app = TestApp::empty(backend).await;
        assert!(demo::seed_if_empty(&app.state.db, 0).await.unwrap());
        app.state.refresh_atlas().await.unwrap();
        app
    }

    pub fn client(&self) -> Client {
        // A stalled response fails the test instead of hanging the run.
        Client::builder()
            .cookie_store(true)
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Calls a form-encoded server function.
    pub async fn call(
        &self,
        client: &Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let res = client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .unwrap();
        answer(res).await
    }

    /// Calls a JSON-encoded server function.
    pub async fn call_json(
        &self,
        client: &Client,
        endpoint: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let res = client
            .post(self.url(&format!("/api/{endpoint}")))
            .json(&body)
            .send()
            .await
            .unwrap();
        answer(res).await
    }

    /// The account id of a phone number (a demo account's, say).
    pub async fn user_id(&self, phone: &str) -> i64 {
        store::accounts::user_by_phone(&self.state.db, phone)
            .await
            .unwrap()
            .expect("an account with this number")
            .id
    }

    /// A client signed in with a demo phone number.
    pub async fn signed_in(&self, phone: &str) -> Client {
        let c = self.client();
        let (status, body) = self
            .call(
                &c,
                "login",
                &[("phone", phone), ("password", demo::DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {phone}: {body}");
        c
    }

    /// `n` new residents, each with a client signed in through a session
    /// made directly (the login endpoint would rate-limit a crowd from one
    /// address, which is what it is for).
    pub async fn crowd(&self, n: usize) -> Vec<(i64, Client)> {
        use app::domain::auth::{Grant, Role, Scope};
        let resident = Grant::new(Role::Resident, Scope::None).unwrap();
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            out.push(
                self.person(&format!("居民{i}"), std::slice::from_ref(&resident))
                    .await,
            );
        }
        out
    }

    /// A new account holding `grants`, with a client signed in through a
    /// session made directly (see [`TestApp::crowd`]).
    pub async fn person(&self, name: &str, grants: &[app::domain::auth::Grant]) -> (i64, Client) {
        use app::backend::services::auth;
        let phone = format!("137{:08}", rand::random::<u32>() % 100_000_000);
        let id = store::accounts::insert_user(&self.state.db, &phone, name, None, grants)
            .await
            .unwrap()
            .expect("a fresh number");
        let token = auth::start_session(&self.state, id).await.unwrap();
        (id, self.with_token(&token))
    }

    /// A client that sends this session token on every request, whatever
    /// the server answers (a sign-out's cleared cookie included): what a
    /// copied or stolen cookie does.
    pub fn with_token(&self, token: &str) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::COOKIE,
            format!("{}={token}", app::backend::services::auth::COOKIE)
                .parse()
                .unwrap(),
        );
        Client::builder()
            .default_headers(headers)
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let res = reqwest::get(self.url(path)).await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// The HTML of the page at `path` as a stranger gets it.
    pub async fn page(&self, path: &str) -> String {
        reqwest::get(self.url(path))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn grid_layer(&self) -> String {
        reqwest::get(self.url("/api/v1/grids.geojson"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

/// Runs one async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            }
        )*
    };
}

/// The first item of the case catalogue (a category a report may take).
pub async fn category(app: &TestApp, c: &Client) -> i64 {
    let (s, cats) = app.call(c, "case_categories", &[]).await;
    assert_eq!(s, StatusCode::OK);
    cats.as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// A resident's report at a point, under the first catalogue item.
pub async fn report_case(
    app: &TestApp,
    c: &Client,
    (lat, lng): (f64, f64),
    text: &str,
    public: bool,
) -> (StatusCode, Value) {
    let cat = category(app, c).await;
    app.call_json(
        c,
        "report_case",
        serde_json::json!({"case": {"category_id": cat, "description": text, "lat": lat, "lng": lng, "public": public, "source": "resident", "contact_phone": null}}),
    )
    .await
}

/// One step of the case loop on the version the caller saw, with extra
/// request fields (`department`, `merge_into`, `rating`…).
pub async fn act(
    app: &TestApp,
    c: &Client,
    case: &Value,
    action: Value,
    extra: Value,
) -> (StatusCode, Value) {
    let mut req = serde_json::json!({"case_id": case["id"], "version": case["version"], "action": action, "note": ""});
    for (k, v) in extra.as_object().unwrap() {
        req[k] = v.clone();
    }
    app.call_json(c, "act_on_case", serde_json::json!({"request": req}))
        .await
}

/// Uploads one photo to a case: the status and the JSON answer.
pub async fn upload_case_photo(
    app: &TestApp,
    c: &Client,
    case: &Value,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let res = c
        .post(app.url(&format!("/api/v1/cases/{}/photos", case["id"])))
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Moves a case's deadline into the past (as if days went by), through the
/// store as a scheduler would.
pub async fn make_overdue(app: &TestApp, case: &Value) {
    use app::backend::store::cases as store;
    let now = chrono::Utc::now();
    let change = store::CaseChange {
        started_at: Some(now - chrono::Duration::days(6)),
        due_at: Some(Some(now - chrono::Duration::days(1))),
        ..Default::default()
    };
    let event = store::NewEvent {
        actor_id: None,
        actor_name: String::new(),
        actor_role: "system_admin".into(),
        action: "progress".into(),
        from_status: None,
        to_status: app::domain::case::CaseStatus::parse(case["status"].as_str().unwrap()).unwrap(),
        note: "测试：时间过去了".into(),
        public: false,
    };
    let (id, version) = (
        case["id"].as_i64().unwrap(),
        case["version"].as_i64().unwrap(),
    );
    assert!(
        store::apply(&app.state.db, id, version, &change, &event, now)
            .await
            .unwrap()
    );
}

/// A small blank PNG of `w`×`h` pixels (a photo to upload).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(w, h)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}
