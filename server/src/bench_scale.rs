//! `server bench-scale`: city-scale load over real HTTP (issue 13). A
//! generated city (`--grids`) in two databases side by side: one with
//! `--small` generated cases, one with `--cases`, each behind its own real
//! router on a loopback port. wrk drives every route with `--clients`
//! connections for `--seconds` on the small database, then on the large
//! one, `--repeats` times in turn: the queues, a case page, the map layer,
//! the board (JSON and the server-rendered page), Open311 GET, next to a
//! static file the size of the board page; then report submission. The
//! budgets are ratios (p99 at `--cases` ≤ 1.5× p99 at `--small`; the
//! page's p99 ≤ 3× the static file's; HTTP submissions ≥ 0.5× bare
//! inserts of the same rows), each taken from the medians of drives made
//! in turn: a shared machine's speed drifts within a run (a static file's
//! p99 went 23 → 52 ms between the two sizes when all of one size was
//! measured before all of the other). Each drive also prints the CPU a
//! request cost in this process, in PostgreSQL and in wrk: a route that
//! slows down while its queries do not shows where (session 24: PostgreSQL
//! planning every call of a queue at 10 M, docs/performance.md).

use crate::bench_cases::{
    bench_dir, city_at, create_pg_database, drop_pg_database, fill, pg_url, places_of, Place,
};
use app::backend::services::{auth, cases};
use app::backend::store::{self, cases as db};
use app::backend::AppState;
use app::domain::auth::{Grant, Role, Scope};
use app::domain::case::Queue;
use chrono::Utc;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct Sizes {
    pub grids: usize,
    pub small: usize,
    pub cases: usize,
    pub clients: usize,
    pub seconds: u64,
    /// How many times each route is driven on each size, in turn.
    pub repeats: usize,
}

/// One route as wrk drives it.
struct Route {
    name: &'static str,
    method: &'static str,
    path: String,
    cookie: Option<String>,
    body: Option<(&'static str, String)>,
}

impl Route {
    fn get(name: &'static str, path: impl Into<String>) -> Route {
        Route {
            name,
            method: "GET",
            path: path.into(),
            cookie: None,
            body: None,
        }
    }

    fn post(
        name: &'static str,
        path: &str,
        cookie: &str,
        ctype: &'static str,
        body: String,
    ) -> Route {
        Route {
            name,
            method: "POST",
            path: path.into(),
            cookie: Some(format!("gl_sid={cookie}")),
            body: Some((ctype, body)),
        }
    }
}

/// What wrk measured on one route.
#[derive(Clone, Copy, Debug, Default)]
struct Figures {
    p50_ms: f64,
    p99_ms: f64,
    per_sec: f64,
    requests: u64,
    bytes: usize,
    /// CPU time a request cost, in microseconds: this process (both
    /// routers; with SQLite its database too), PostgreSQL's processes, wrk.
    cpu: [f64; 3],
}

pub async fn run(s: Sizes) -> Result<(), String> {
    if s.small == 0 || s.cases <= s.small || s.repeats == 0 {
        return Err("--cases must be larger than --small (both above 0), --repeats above 0".into());
    }
    if Command::new("wrk").arg("-v").output().is_err() {
        return Err(
            "wrk is not installed (make bench-scale installs it from Debian's packages)".into(),
        );
    }
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let admin = env("GRIDLINK_BENCH_DB");
    // `KEEP=1`: the large database is left for a look at its plans
    // (`EXPLAIN`); `REUSE=name`: a kept one is driven again without the
    // quarter of an hour its ten million rows take to write.
    let keep = env("GRIDLINK_BENCH_KEEP").is_some_and(|v| v == "1");
    let reuse = env("GRIDLINK_BENCH_REUSE");
    // On PostgreSQL, databases of the bench's own, dropped at the end:
    // ten million cases are gigabytes.
    let mut made = Vec::new();
    let (small_url, big_url) = match admin.as_deref() {
        Some(a) if a.starts_with("postgres") => {
            let (small, name) = create_pg_database(a, "gl_bench_small").await?;
            made.push(name);
            let big = match &reuse {
                Some(name) => pg_url(a, name),
                None => {
                    let (big, name) = create_pg_database(a, "gl_bench_scale").await?;
                    if !keep {
                        made.push(name);
                    }
                    big
                }
            };
            (small, big)
        }
        Some(a) => (
            format!("sqlite://{}/small.db", dir.display()),
            a.to_string(),
        ),
        None => (
            format!("sqlite://{}/small.db", dir.display()),
            format!("sqlite://{}/bench.db", dir.display()),
        ),
    };
    let result = measure(&s, &small_url, &big_url, reuse.is_some(), &dir).await;
    if let Some(admin) = &admin {
        for name in &made {
            drop_pg_database(admin, name).await?;
        }
    }
    if keep || reuse.is_some() {
        println!("large database kept: {}", server::redact(&big_url));
    }
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The people the routes are driven as, each with a session cookie.
struct Callers {
    worker: String,
    community: String,
    street: String,
    resident: String,
    resident_id: i64,
}

/// The bench's people (made, or found in a database a run kept), each
/// with a fresh session.
async fn callers(state: &AppState, place: &Place) -> Result<Callers, String> {
    let (grid, community, street, _) = place;
    let (mut tokens, mut ids) = (Vec::new(), Vec::new());
    for (i, (role, scope)) in [
        (Role::GridWorker, Scope::Grid(grid.clone())),
        (Role::CommunityAdmin, Scope::Community(community.clone())),
        (Role::StreetAdmin, Scope::Street(street.clone())),
        (Role::Resident, Scope::None),
    ]
    .into_iter()
    .enumerate()
    {
        let phone = format!("1990000{i:04}");
        let grant = Grant::new(role, scope).ok_or("a bench grant")?;
        let made =
            store::accounts::insert_user(&state.db, &phone, &format!("压测{i}"), None, &[grant])
                .await
                .map_err(|e| e.to_string())?;
        let id = match made {
            Some(id) => id,
            None => {
                store::accounts::user_by_phone(&state.db, &phone)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or("a bench account vanished")?
                    .id
            }
        };
        tokens.push(
            auth::start_session(state, id)
                .await
                .map_err(|e| format!("{e:?}"))?,
        );
        ids.push(id);
    }
    let mut t = tokens.into_iter();
    let mut next = || t.next().unwrap_or_default();
    Ok(Callers {
        worker: next(),
        community: next(),
        street: next(),
        resident: next(),
        resident_id: ids[3],
    })
}

/// One database and the real router serving it.
struct Side {
    state: AppState,
    places: Vec<Place>,
    categories: Vec<i64>,
    who: Callers,
    addr: SocketAddr,
    /// The static file as large as this side's board page.
    static_file: String,
}

async fn side(s: &Sizes, url: &str, reused: bool, tag: &str) -> Result<Side, String> {
    let (state, places, categories) = if reused {
        places_of(s.grids, url).await?
    } else {
        city_at(s.grids, url).await?
    };
    let who = callers(&state, &places[0]).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // As a serving process does: it hears its own and the other servers'
    // messages (and trusts its session cache only while it does).
    server::watch_live(state.clone()).await;
    if !state.sessions.trusted() {
        return Err("the server does not hear the channel: sessions would not be kept".into());
    }
    let app = server::router(state.clone());
    tokio::spawn(async move { server::serve(listener, app).await });
    println!("{tag}: real router on http://{addr}");
    Ok(Side {
        state,
        places,
        categories,
        who,
        addr,
        static_file: format!("/bench-static-{tag}.html"),
    })
}

async fn measure(
    s: &Sizes,
    small_url: &str,
    big_url: &str,
    reused: bool,
    dir: &Path,
) -> Result<(), String> {
    let now = Utc::now();
    let small = side(s, small_url, false, "small").await?;
    let big = side(s, big_url, reused, "large").await?;
    println!(
        "wrk: {} connections, 2 threads, {} s a drive, each route {} times on each size in turn",
        s.clients, s.seconds, s.repeats
    );
    for (side, want) in [(&small, s.small), (&big, s.cases)] {
        let have = count(&side.state).await? as usize;
        if have < want {
            fill(
                &side.state,
                &side.places,
                &side.categories,
                want - have,
                now,
            )
            .await?;
        }
        analyze(&side.state).await?;
    }

    let small_routes = routes(&small, dir).await?;
    let big_routes = routes(&big, dir).await?;
    let (small_cases, big_cases) = (count(&small.state).await?, count(&big.state).await?);
    let (mut small_figures, mut big_figures) = (Vec::new(), Vec::new());
    for (a, b) in small_routes.iter().zip(&big_routes) {
        // A route that fails is reported and the run goes on: one slow
        // route must not hide the others' figures.
        let (mut at_small, mut at_big) = (Vec::new(), Vec::new());
        for _ in 0..s.repeats {
            for (side, r, into) in [(&small, a, &mut at_small), (&big, b, &mut at_big)] {
                match drive(s, side.addr, dir, r).await {
                    Ok(f) => into.push(f),
                    Err(e) => println!(
                        "  {:<38} FAILED: {}",
                        r.name,
                        e.lines().next().unwrap_or("")
                    ),
                }
            }
        }
        for (cases, figures, all) in [
            (small_cases, &mut small_figures, at_small),
            (big_cases, &mut big_figures, at_big),
        ] {
            // A route with a failed drive has no figure.
            let f = (all.len() == s.repeats).then(|| median(&all));
            if let Some(f) = f {
                let p99s: Vec<String> = all.iter().map(|f| format!("{:.1}", f.p99_ms)).collect();
                println!(
                    "  {:<38} @{:<5} p50 {:>8.2} ms  p99 {:>8.2} ms  {:>8.0} req/s  ({} bytes; p99 of each drive {}; CPU a request: app {:.0} µs, PostgreSQL {:.0} µs, wrk {:.0} µs)",
                    a.name,
                    short(cases),
                    f.p50_ms,
                    f.p99_ms,
                    f.per_sec,
                    f.bytes,
                    p99s.join(" / "),
                    f.cpu[0],
                    f.cpu[1],
                    f.cpu[2]
                );
            }
            figures.push((a.name, f));
        }
    }
    for side in [&small, &big] {
        open311_alone(&side.state).await?;
    }
    let small_round = writes(s, &small, small_cases, small_figures, dir).await?;
    let big_round = writes(s, &big, big_cases, big_figures, dir).await?;
    report(s, &small.state, &small_round, &big_round).await
}

/// Each figure's median over the drives (p50 and p99 taken apart).
fn median(all: &[Figures]) -> Figures {
    let mid = |f: fn(&Figures) -> f64| {
        let mut v: Vec<f64> = all.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Figures {
        p50_ms: mid(|f| f.p50_ms),
        p99_ms: mid(|f| f.p99_ms),
        per_sec: mid(|f| f.per_sec),
        requests: all.iter().map(|f| f.requests).sum(),
        bytes: all.last().map(|f| f.bytes).unwrap_or_default(),
        cpu: [mid(|f| f.cpu[0]), mid(|f| f.cpu[1]), mid(|f| f.cpu[2])],
    }
}

/// PostgreSQL after a bulk load settled as years of service would leave
/// it: statistics and the visibility map as autovacuum keeps them, and the
/// load's dirty pages written out. Without it the first round after ten
/// million fresh rows paid for setting their hint bits and for the
/// checkpoint flushing them (SQLite's planner is left as the app leaves it).
async fn analyze(state: &AppState) -> Result<(), String> {
    use sea_orm::ConnectionTrait;
    if state.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let t = Instant::now();
        for sql in ["VACUUM (ANALYZE)", "CHECKPOINT"] {
            state
                .db
                .execute_unprepared(sql)
                .await
                .map_err(|e| format!("{sql}: {e}"))?;
        }
        println!("VACUUM (ANALYZE) and CHECKPOINT in {:.1?}", t.elapsed());
    }
    Ok(())
}

async fn count(state: &AppState) -> Result<u64, String> {
    db::count_cases(&state.db).await.map_err(|e| e.to_string())
}

/// One size's figures: each route by name, then submissions and inserts.
struct Round {
    cases: u64,
    routes: Vec<(&'static str, Option<Figures>)>,
    submissions: Figures,
    /// The same with the session looked up in the database on every
    /// request: what a resident who reports once, with no other request
    /// in the seconds before, costs (`backend::sessions`).
    unkept_submissions: Figures,
    inserts_per_sec: f64,
}

/// The read routes of one side, as its own people ask for them.
async fn routes(side: &Side, dir: &Path) -> Result<Vec<Route>, String> {
    let (state, who, addr) = (&side.state, &side.who, side.addr);
    let (grid, community, street, _) = &side.places[0];

    // Ids to read: the newest case in the worker's grid (its case page) and
    // the newest public case (Open311's single request).
    let worker_view = crate::bench_cases::viewer(0, Role::GridWorker, Scope::Grid(grid.clone()));
    let in_grid = cases::queue(
        state,
        &worker_view,
        Queue::Grid(grid.clone()),
        Default::default(),
        None,
    )
    .await
    .map_err(|e| format!("{e:?}"))?
    .first()
    .map(|c| c.id)
    .ok_or("no case in the first grid")?;
    let public = cases::board(state, Default::default(), None, 1)
        .await
        .map_err(|e| format!("{e:?}"))?
        .first()
        .map(|c| c.id)
        .ok_or("no public case")?;

    // The static file: as many bytes as the server-rendered board page.
    let (status, page) = fetch(addr, "GET", "/board", None, None).await?;
    if status != 200 {
        return Err(format!("GET /board answered {status}"));
    }
    let site = dir.join("site");
    std::fs::create_dir_all(&site).map_err(|e| e.to_string())?;
    let filler = "<p>网格通 GridLink 静态文件 static file</p>\n".repeat(page / 40 + 1);
    std::fs::write(
        site.join(side.static_file.trim_start_matches('/')),
        &filler.as_bytes()[..page],
    )
    .map_err(|e| e.to_string())?;

    let queue = |q: &str, code: &str| {
        format!(r#"{{"queue":{{"{q}":"{code}"}},"statuses":[],"after":null}}"#)
    };
    let json = "application/json";
    let form = "application/x-www-form-urlencoded";
    Ok(vec![
        Route::get("static file, board page's size", side.static_file.clone()),
        Route::get("GET /board (server-rendered page)", "/board"),
        Route::get("GET /api/v1/board.json", "/api/v1/board.json"),
        Route::post(
            "grid inbox (case_queue)",
            "/api/case_queue",
            &who.worker,
            json,
            queue("grid", grid),
        ),
        Route::post(
            "community queue (case_queue)",
            "/api/case_queue",
            &who.community,
            json,
            queue("community", community),
        ),
        Route::post(
            "street queue (case_queue)",
            "/api/case_queue",
            &who.street,
            json,
            queue("street", street),
        ),
        Route::post(
            "case page (case_detail, grid worker)",
            "/api/case_detail",
            &who.worker,
            form,
            format!("id={in_grid}"),
        ),
        // The street's layer: its 500 newest open cases at either size.
        Route::post(
            "map layer (map_cases, street)",
            "/api/map_cases",
            &who.street,
            form,
            String::new(),
        ),
        Route::get("Open311 GET requests.json", "/open311/v2/requests.json"),
        Route::get(
            "Open311 GET requests/{id}.json",
            format!("/open311/v2/requests/{public}.json"),
        ),
    ])
}

/// Submissions over HTTP on one side, then the same rows written straight
/// to its database by as many writers for as long.
async fn writes(
    s: &Sizes,
    side: &Side,
    cases_now: u64,
    figures: Vec<(&'static str, Option<Figures>)>,
    dir: &Path,
) -> Result<Round, String> {
    let (state, who, addr) = (&side.state, &side.who, side.addr);
    println!("\n== writes @{} ==", short(cases_now));
    let at = side.places[0].3;
    let report =
        crate::bench_cases::resident_report(side.categories[0], at, "楼道灯不亮，晚上看不见台阶");
    let json = "application/json";
    let body = serde_json::json!({ "case": report }).to_string();
    let before = count(state).await?;
    let submit = Route::post(
        "report submission (report_case)",
        "/api/report_case",
        &who.resident,
        json,
        body,
    );
    let submissions = drive(s, addr, dir, &submit)
        .await
        .map_err(|e| format!("submissions: {e}"))?;
    let added = count(state).await? - before;
    if added < submissions.requests {
        return Err(format!(
            "{} submissions answered, {added} cases written",
            submissions.requests
        ));
    }
    println!(
        "  {:<38} p50 {:>8.2} ms  p99 {:>8.2} ms  {:>8.0} req/s  ({added} cases written)",
        submit.name, submissions.p50_ms, submissions.p99_ms, submissions.per_sec
    );
    // One resident sends every report here, so their session stays kept;
    // the same again with nothing kept (as while the bus is lost).
    state.sessions.switch_off(true);
    let unkept = Route {
        name: "  the same, session looked up each time",
        ..submit
    };
    let unkept_submissions = drive(s, addr, dir, &unkept).await;
    state.sessions.switch_off(false);
    let unkept_submissions = unkept_submissions.map_err(|e| format!("submissions: {e}"))?;
    println!(
        "  {:<38} p50 {:>8.2} ms  p99 {:>8.2} ms  {:>8.0} req/s",
        unkept.name,
        unkept_submissions.p50_ms,
        unkept_submissions.p99_ms,
        unkept_submissions.per_sec
    );
    let inserts_per_sec = bare_inserts(state, s, who).await?;
    println!(
        "  {:<38} {inserts_per_sec:>34.0} rows/s",
        "bare inserts of the same rows"
    );

    Ok(Round {
        cases: cases_now,
        routes: figures,
        submissions,
        unkept_submissions,
        inserts_per_sec,
    })
}

/// Open311's list is the heaviest answer (1,000 cases): one caller alone,
/// its query and then the whole answer, so the figure under load can be
/// told apart into reading and writing out.
async fn open311_alone(state: &AppState) -> Result<(), String> {
    use app::backend::services::open311;
    let q = open311::RequestQuery::parse(&Default::default()).map_err(|e| format!("{e:?}"))?;
    let (since, until) = q.window(Utc::now());
    let filter = db::Filter {
        since: Some(since),
        until: Some(until),
        ..Default::default()
    };
    let median = |mut t: Vec<Duration>| {
        t.sort();
        t[t.len() / 2].as_secs_f64() * 1e3
    };
    let (mut query, mut whole) = (Vec::new(), Vec::new());
    for _ in 0..21 {
        let t = Instant::now();
        db::newest_reported(&state.db, &db::Scope::Public, &filter, 1_000)
            .await
            .map_err(|e| e.to_string())?;
        query.push(t.elapsed());
        let t = Instant::now();
        let doc = open311::requests(state, "http://bench", &q, None)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let _ = doc.render(app::backend::open311::Format::Json, "service_requests");
        whole.push(t.elapsed());
    }
    println!(
        "  {:<38} query {:.2} ms, whole JSON answer {:.2} ms (median of 21, one caller)",
        "Open311 requests.json alone",
        median(query),
        median(whole)
    );
    Ok(())
}

/// The newest submitted case written again and again straight through the
/// store (case row and first event in one transaction, as a report writes
/// them), `clients` writers for `seconds`: the database's own rate.
async fn bare_inserts(state: &AppState, s: &Sizes, who: &Callers) -> Result<f64, String> {
    let newest = db::page(
        &state.db,
        &db::Scope::Reporter(who.resident_id),
        &Default::default(),
        None,
        1,
    )
    .await
    .map_err(|e| e.to_string())?;
    let mut row = newest.into_iter().next().ok_or("no case to copy")?;
    row.id = 0;
    let event = db::NewEvent::report(row.reporter_id, "压测3".into(), Role::Resident);
    let (row, event) = (Arc::new(row), Arc::new(event));
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut writers = Vec::new();
    for _ in 0..s.clients {
        let (state, row, event, stop, done) = (
            state.clone(),
            row.clone(),
            event.clone(),
            stop.clone(),
            done.clone(),
        );
        writers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                // Each its own time, as reports have: tens of thousands of
                // rows sharing one instant made Open311's newest-first list
                // (ordered by time, then id) sort them all in the next round.
                let mut row = (*row).clone();
                row.created_at = chrono::Utc::now();
                row.updated_at = row.created_at;
                db::insert_filed(&state.db, &row, &event, row.reporter_id, None)
                    .await
                    .map_err(|e| e.to_string())?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<(), String>(())
        }));
    }
    tokio::time::sleep(Duration::from_secs(s.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.map_err(|e| e.to_string())??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64())
}

/// One route: a probe that must answer 200, then wrk for the run's time.
async fn drive(s: &Sizes, addr: SocketAddr, dir: &Path, r: &Route) -> Result<Figures, String> {
    let (status, bytes) = fetch(
        addr,
        r.method,
        &r.path,
        r.cookie.as_deref(),
        r.body.as_ref().map(|(t, b)| (*t, b.as_str())),
    )
    .await?;
    if status != 200 {
        return Err(format!("{} {}: answered {status}", r.method, r.path));
    }
    let script = dir.join("request.lua");
    std::fs::write(
        &script,
        "wrk.method = os.getenv(\"WRK_METHOD\")\n\
         wrk.body = os.getenv(\"WRK_BODY\")\n\
         local t = os.getenv(\"WRK_TYPE\")\n\
         if t ~= \"\" then wrk.headers[\"Content-Type\"] = t end\n\
         local c = os.getenv(\"WRK_COOKIE\")\n\
         if c ~= \"\" then wrk.headers[\"Cookie\"] = c end\n",
    )
    .map_err(|e| e.to_string())?;
    let url = format!("http://{addr}{}", r.path);
    let (ctype, body) = r.body.clone().unwrap_or(("", String::new()));
    let args = [
        "-t2".to_string(),
        "-c".into(),
        s.clients.to_string(),
        "-d".into(),
        format!("{}s", s.seconds),
        "--timeout".into(),
        "30s".into(),
        "--latency".into(),
        "-s".into(),
        script.display().to_string(),
        url,
    ];
    let envs = [
        ("WRK_METHOD", r.method.to_string()),
        ("WRK_BODY", body),
        ("WRK_TYPE", ctype.to_string()),
        ("WRK_COOKIE", r.cookie.clone().unwrap_or_default()),
    ];
    let before = cpu_ticks();
    let output =
        tokio::task::spawn_blocking(move || Command::new("wrk").args(args).envs(envs).output())
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("wrk: {e}"))?;
    let after = cpu_ticks();
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    if !output.status.success() {
        return Err(format!(
            "wrk failed on {}: {text}{}",
            r.path,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut f = parse_wrk(&text).ok_or_else(|| format!("wrk's output not understood:\n{text}"))?;
    f.bytes = bytes;
    let tick_us = 1e6 / clock_ticks_per_second();
    f.cpu = [0, 1, 2].map(|i| (after[i] - before[i]) as f64 * tick_us / f.requests as f64);
    Ok(f)
}

/// CPU clock ticks used so far by this process, by PostgreSQL's processes
/// on this machine, and by this process's finished children (wrk), from
/// `/proc`: where a request's time goes when a route slows down but its
/// queries do not.
fn cpu_ticks() -> [u64; 3] {
    // Fields after the command's closing parenthesis: state is the first,
    // utime/stime the 12th/13th, cutime/cstime the 14th/15th.
    let fields = |stat: &str| -> Vec<u64> {
        stat.rsplit_once(')')
            .map(|(_, rest)| {
                rest.split_whitespace()
                    .skip(11)
                    .take(4)
                    .filter_map(|x| x.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let own = fields(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default());
    let own = |i: usize| own.get(i).copied().unwrap_or(0);
    let mut postgres = 0;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if stat.contains("(postgres)") {
            postgres += fields(&stat).iter().take(2).sum::<u64>();
        }
    }
    [own(0) + own(1), postgres, own(2) + own(3)]
}

/// The kernel's clock ticks a second (`getconf CLK_TCK`; 100 on Linux).
fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// p50, p99, requests and rate from wrk's `--latency` output; `None` when a
/// request failed (a non-2xx answer or a timeout), so no figure hides one.
fn parse_wrk(text: &str) -> Option<Figures> {
    let field = |label: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(label))
            .map(str::trim)
    };
    if field("Non-2xx or 3xx responses:").is_some() {
        return None;
    }
    if let Some(errors) = field("Socket errors:") {
        let timeouts = errors
            .rsplit("timeout ")
            .next()?
            .trim()
            .parse::<u64>()
            .ok()?;
        if timeouts > 0 {
            return None;
        }
    }
    let requests: u64 = text
        .lines()
        .find(|l| l.contains(" requests in "))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    if requests == 0 {
        return None;
    }
    Some(Figures {
        p50_ms: millis(field("50%")?)?,
        p99_ms: millis(field("99%")?)?,
        per_sec: field("Requests/sec:")?.parse().ok()?,
        requests,
        bytes: 0,
        cpu: [0.0; 3],
    })
}

/// wrk's times: `635.91us`, `1.23ms`, `2.01s`, `1.50m`.
fn millis(t: &str) -> Option<f64> {
    let split = t.find(|c: char| c.is_ascii_alphabetic())?;
    let (n, unit) = t.split_at(split);
    let n: f64 = n.parse().ok()?;
    Some(match unit {
        "us" => n / 1e3,
        "ms" => n,
        "s" => n * 1e3,
        "m" => n * 60e3,
        _ => return None,
    })
}

/// One HTTP/1.0 request (the answer ends with the connection, never
/// chunked): its status and body length.
async fn fetch(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, &str)>,
) -> Result<(u16, usize), String> {
    let mut req = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n");
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: {c}\r\n"));
    }
    let (ctype, body) = body.unwrap_or(("", ""));
    if !ctype.is_empty() {
        req.push_str(&format!("Content-Type: {ctype}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    let mut conn = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    conn.write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer)
        .await
        .map_err(|e| e.to_string())?;
    let head_end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("an answer without headers")?;
    let status = std::str::from_utf8(&answer[..head_end])
        .ok()
        .and_then(|h| h.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("an answer without a status")?;
    Ok((status, answer.len() - head_end - 4))
}

/// The two sizes side by side, with the budgets' ratios.
async fn report(s: &Sizes, state: &AppState, small: &Round, big: &Round) -> Result<(), String> {
    let verdict = |ok: bool| if ok { "ok" } else { "OVER BUDGET" };
    println!(
        "\n{} grids, {} database; {} connections, {} s a route",
        state.atlas().grid_count(),
        match state.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => "PostgreSQL",
            _ => "SQLite",
        },
        s.clients,
        s.seconds
    );
    println!(
        "{:<38} {:>12} {:>12} {:>12} {:>12} {:>7}",
        "route",
        format!("p50 @{}", short(small.cases)),
        format!("p99 @{}", short(small.cases)),
        format!("p50 @{}", short(big.cases)),
        format!("p99 @{}", short(big.cases)),
        "ratio"
    );
    let mut rows: Vec<(&str, Option<Figures>, Option<Figures>)> = small
        .routes
        .iter()
        .zip(&big.routes)
        .map(|((name, a), (_, b))| (*name, *a, *b))
        .collect();
    rows.push((
        "report submission (report_case)",
        Some(small.submissions),
        Some(big.submissions),
    ));
    for (name, a, b) in &rows {
        let (Some(a), Some(b)) = (a, b) else {
            println!("{name:<38} failed (see above)");
            continue;
        };
        let ratio = b.p99_ms / a.p99_ms;
        println!(
            "{name:<38} {:>9.2} ms {:>9.2} ms {:>9.2} ms {:>9.2} ms {ratio:>6.2}x  {}",
            a.p50_ms,
            a.p99_ms,
            b.p50_ms,
            b.p99_ms,
            verdict(ratio <= 1.5)
        );
    }
    for r in [small, big] {
        if let (Some(file), Some(page)) = (r.routes[0].1, r.routes[1].1) {
            let ratio = page.p99_ms / file.p99_ms;
            println!(
                "@{}: server-rendered /board p99 {:.2} ms = {ratio:.2}x the static file's {:.2} ms (budget 3x) {}",
                short(r.cases),
                page.p99_ms,
                file.p99_ms,
                verdict(ratio <= 3.0)
            );
        }
        let rate = r.submissions.per_sec / r.inserts_per_sec;
        println!(
            "@{}: submissions {:.0}/s = {rate:.2}x bare inserts {:.0}/s (budget 0.5x) {}; \
             every session looked up: {:.0}/s = {:.2}x",
            short(r.cases),
            r.submissions.per_sec,
            r.inserts_per_sec,
            verdict(rate >= 0.5),
            r.unkept_submissions.per_sec,
            r.unkept_submissions.per_sec / r.inserts_per_sec,
        );
    }
    Ok(())
}

/// 100000 → "100k", 10000000 → "10M".
fn short(n: u64) -> String {
    match n {
        n if n >= 1_000_000 => format!("{:.1}M", n as f64 / 1e6).replace(".0M", "M"),
        n if n >= 1_000 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRK: &str = "Running 2s test @ http://127.0.0.1:3000/board
  2 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.08ms    3.21ms  41.33ms   80.12%
    Req/Sec     5.53k   412.11     6.10k    70.00%
  Latency Distribution
     50%  635.91us
     75%    9.90ms
     90%   12.04ms
     99%    1.02s
  22014 requests in 2.00s, 139.35MB read
Requests/sec:  11005.40
Transfer/sec:     69.66MB
";

    #[test]
    fn medians_are_taken_figure_by_figure() {
        let f = |p50_ms, p99_ms, per_sec| Figures {
            p50_ms,
            p99_ms,
            per_sec,
            requests: 10,
            bytes: 5,
            cpu: [0.0; 3],
        };
        // The slowest drive's p99 and the fastest's p50 are both left out.
        let m = median(&[
            f(1.0, 50.0, 300.0),
            f(3.0, 20.0, 100.0),
            f(2.0, 30.0, 200.0),
        ]);
        assert_eq!((m.p50_ms, m.p99_ms, m.per_sec), (2.0, 30.0, 200.0));
        assert_eq!((m.requests, m.bytes), (30, 5));
    }

    #[test]
    fn reads_wrks_figures_and_refuses_failed_runs() {
        let f = parse_wrk(WRK).expect("figures");
        assert!((f.p50_ms - 0.63591).abs() < 1e-9);
        assert!((f.p99_ms - 1020.0).abs() < 1e-9);
        assert_eq!(f.requests, 22014);
        assert!((f.per_sec - 11005.40).abs() < 1e-9);
        let failed = WRK.replace(
            "Requests/sec",
            "  Non-2xx or 3xx responses: 3\nRequests/sec",
        );
        assert!(parse_wrk(&failed).is_none());
        let timed_out = WRK.replace(
            "Requests/sec",
            "  Socket errors: connect 0, read 0, write 0, timeout 7\nRequests/sec",
        );
        assert!(parse_wrk(&timed_out).is_none());
        let clean = WRK.replace(
            "Requests/sec",
            "  Socket errors: connect 0, read 2, write 0, timeout 0\nRequests/sec",
        );
        assert!(parse_wrk(&clean).is_some());
    }

    #[test]
    fn sizes_read_short() {
        assert_eq!(short(100_000), "100k");
        assert_eq!(short(10_000_000), "10M");
        assert_eq!(short(1_000_000), "1M");
        assert_eq!(short(1_500_000), "1.5M");
    }
}
