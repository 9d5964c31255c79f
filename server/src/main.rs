//! `server` — serve GridLink, or run one of its maintenance commands:
//!
//! ```text
//! server                         serve (GRIDLINK_DEMO=1 loads the demo district into an empty database)
//! server import-geo FILE         import boundaries from a GeoJSON FeatureCollection
//! server gen-city --grids N [--out FILE]
//!                                generate a city of N grids into the database (or a file)
//! server bench-locate [--grids N] [--seconds S]
//!                                measure point → grid lookups per second
//! server check-coverage [--area CODE] [--tolerance M2]
//!                                print gaps and overlaps; non-zero exit when any
//! server create-admin --phone P --name N
//!                                create a system admin (password from
//!                                GRIDLINK_ADMIN_PASSWORD or one line on stdin)
//! server open311-key --name APP  register an Open311 client application
//!                                and print its API key (shown this once)
//! ```
//! All commands use `DATABASE_URL` (default `sqlite://data/gridlink.db`).

/// mimalloc instead of glibc's malloc: under load every request allocates
/// and frees many small buffers across threads, which glibc serves slowly
/// (docs/performance.md, "City scale again").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod bench_boundaries;
mod bench_cases;
mod bench_households;
mod bench_kpi;
mod bench_live;
mod bench_scale;
mod bench_topics;
mod bench_wishes;
mod coverage;

const USAGE: &str = "\
usage: server [COMMAND]
  (none) | serve                   serve GridLink (GRIDLINK_DEMO=1: load the demo district into an empty database)
  import-geo FILE                  import boundaries from a GeoJSON FeatureCollection
  gen-city --grids N [--out FILE]  generate a city of N grids into the database (or a file)
  bench-locate [--grids N] [--seconds S]
                                   measure point -> grid lookups per second
  bench-cases [--grids N] [--cases M] [--clients C]
                                   measure queues, the map layer and submissions
  bench-households [--grids N] [--people P] [--rows R] [--clients C]
                                   measure household search and the sheet import
  bench-kpi [--grids N] [--cases M] [--points P] [--samples S]
                                   measure a street's dashboard figures
  bench-wishes [--grids N] [--wishes M] [--clients C]
                                   measure the wish wall and claims
  bench-topics [--grids N] [--topics T] [--votes V] [--clients C]
                                   measure a topic's tally and the topic list
  bench-scale [--grids N] [--small S] [--cases M] [--clients C] [--seconds T] [--repeats R]
                                   the HTTP routes under wrk at S cases and at M,
                                   R times each in turn
  bench-live [--events N]          time live updates from one server to another
                                   (GRIDLINK_BENCH_DB: a PostgreSQL server)
  check-coverage [--area CODE] [--tolerance M2]
                                   print gaps and overlaps (四至清晰、不留盲区、避免重叠);
                                   exits non-zero when it finds any
  bench-coverage [--grids N] [--samples S]
                                   time the coverage check of a generated city
  bench-boundaries [--grids N] [--samples S]
                                   time a boundary edit (split and undo) in a city
  create-admin --phone P --name N  create a system admin; the password comes from
                                   GRIDLINK_ADMIN_PASSWORD or one line on stdin
  open311-key --name APP           register an Open311 client application and print its
                                   API key (shown this once; revoke it on /admin)
Settings come from the environment: DATABASE_URL, LEPTOS_SITE_ADDR, GRIDLINK_* (see README).";

use app::backend::{demo, services};
use app::domain::lang::Lang;
use server::Settings;
use std::process::ExitCode;

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn number(args: &[String], name: &str, default: usize) -> Result<usize, String> {
    match flag(args, name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name} expects a number, got {v}")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn,tower_http=warn".into()),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => serve().await,
        Some("import-geo") => import_geo(&args).await,
        Some("gen-city") => gen_city(&args).await,
        Some("create-admin") => create_admin(&args).await,
        Some("open311-key") => open311_key(&args).await,
        Some("check-coverage") => coverage::check(&args).await,
        Some("bench-coverage") => coverage::bench(
            number(&args, "--grids", 15_000).unwrap_or(15_000),
            number(&args, "--samples", 100).unwrap_or(100),
        ),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some("bench-cases") => {
            bench_cases::run(
                number(&args, "--grids", 15_000).unwrap_or(15_000),
                number(&args, "--cases", 1_000_000).unwrap_or(1_000_000),
                number(&args, "--clients", 50).unwrap_or(50),
            )
            .await
        }
        Some("bench-scale") => {
            bench_scale::run(bench_scale::Sizes {
                grids: number(&args, "--grids", 15_000).unwrap_or(15_000),
                small: number(&args, "--small", 100_000).unwrap_or(100_000),
                cases: number(&args, "--cases", 1_000_000).unwrap_or(1_000_000),
                clients: number(&args, "--clients", 100).unwrap_or(100),
                seconds: number(&args, "--seconds", 10).unwrap_or(10) as u64,
                repeats: number(&args, "--repeats", 3).unwrap_or(3),
            })
            .await
        }
        Some("bench-boundaries") => {
            bench_boundaries::run(
                number(&args, "--grids", 15_000).unwrap_or(15_000),
                number(&args, "--samples", 20).unwrap_or(20),
            )
            .await
        }
        Some("bench-households") => {
            bench_households::run(
                number(&args, "--grids", 2_000).unwrap_or(2_000),
                number(&args, "--people", 300_000).unwrap_or(300_000),
                number(&args, "--rows", 50_000).unwrap_or(50_000),
                number(&args, "--clients", 20).unwrap_or(20),
            )
            .await
        }
        Some("bench-kpi") => {
            bench_kpi::run(
                number(&args, "--grids", 15_000).unwrap_or(15_000),
                number(&args, "--cases", 1_000_000).unwrap_or(1_000_000),
                number(&args, "--points", 5_000_000).unwrap_or(5_000_000),
                number(&args, "--samples", 50).unwrap_or(50),
            )
            .await
        }
        Some("bench-wishes") => {
            bench_wishes::run(
                number(&args, "--grids", 2_000).unwrap_or(2_000),
                number(&args, "--wishes", 100_000).unwrap_or(100_000),
                number(&args, "--clients", 50).unwrap_or(50),
            )
            .await
        }
        Some("bench-topics") => {
            bench_topics::run(
                number(&args, "--grids", 2_000).unwrap_or(2_000),
                number(&args, "--topics", 100_000).unwrap_or(100_000),
                number(&args, "--votes", 50_000).unwrap_or(50_000),
                number(&args, "--clients", 50).unwrap_or(50),
            )
            .await
        }
        Some("bench-live") => bench_live::run(number(&args, "--events", 1_000).unwrap_or(1_000)).await,
        Some("bench-locate") => bench::run(
            number(&args, "--grids", 15_000).unwrap_or(15_000),
            number(&args, "--seconds", 3).unwrap_or(3) as u64,
        ),
        Some(other) => Err(format!(
            "unknown command {other}; try serve, import-geo, gen-city, check-coverage, create-admin, open311-key or help"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `GRIDLINK_SESSION_IDLE_DAYS`: how long an unused session stays valid
/// (default 7; sessions end after 30 days whatever).
fn session_idle_from_env() -> Result<(), String> {
    let Some(v) = std::env::var("GRIDLINK_SESSION_IDLE_DAYS")
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        return Ok(());
    };
    let days: f64 = v
        .trim()
        .parse()
        .ok()
        .filter(|d: &f64| d.is_finite() && *d > 0.0)
        .ok_or_else(|| format!("GRIDLINK_SESSION_IDLE_DAYS={v}: expected a number of days"))?;
    services::auth::set_session_idle(std::time::Duration::from_secs_f64(days * 86_400.0));
    Ok(())
}

async fn serve() -> Result<(), String> {
    let settings = Settings::from_env()?;
    session_idle_from_env()?;
    let state = server::state(&settings).await?;
    // Off unless asked for (`make run` asks): a real deployment must never
    // get demo accounts with a published password.
    let demo_wanted = std::env::var("GRIDLINK_DEMO").is_ok_and(|v| v == "1" || v == "true");
    if demo_wanted
        && demo::seed_if_empty(&state.db, demo::DEMO_CASES)
            .await
            .map_err(|e| e.to_string())?
    {
        state.refresh_atlas().await.map_err(|e| e.to_string())?;
        println!("Loaded the demo district (市中区, Jinan) into the empty database.");
    }
    let (demo_phone, demo_name, _) = demo::DEMO_ACCOUNTS[0];
    let demo_present = app::backend::store::accounts::user_by_phone(&state.db, demo_phone)
        .await
        .map_err(|e| e.to_string())?
        .is_some_and(|u| u.name == demo_name);
    server::watch_geography(state.clone());
    server::watch_overdue_claims(state.clone());
    server::watch_sessions(state.clone());
    server::watch_patrols(state.clone());
    server::watch_deadlines(state.clone());
    server::watch_live(state.clone()).await;
    let listener = tokio::net::TcpListener::bind(settings.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.site_addr))?;
    println!();
    println!("GridLink 网格通 is running: http://{}", settings.site_addr);
    println!(
        "Database: {}  ({} grids)",
        server::redact(&settings.database_url),
        state.atlas().grid_count()
    );
    println!("Photos: {}", state.blobs.describe().await);
    // Files a killed process left half-written (never named by a key),
    // swept beside serving: a directory of millions of cases takes a while.
    // Ten minutes' age spares a write under way on another server.
    let blobs = state.blobs.clone();
    tokio::spawn(async move {
        match blobs
            .sweep_unfinished(std::time::Duration::from_secs(600))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, "unfinished photo files removed"),
            Err(e) => tracing::warn!(error = %e, "photo directory not swept"),
        }
    });
    if demo_present {
        println!("Demo logins (password {}):", demo::DEMO_PASSWORD);
        for (phone, name, role) in demo::DEMO_ACCOUNTS {
            println!("  {phone}  {:<10} {name}", role.label(Lang::Zh));
        }
    }
    println!();
    server::serve(listener, server::router(state))
        .await
        .map_err(|e| e.to_string())
}

async fn import_geo(args: &[String]) -> Result<(), String> {
    let file = args.get(1).ok_or("usage: server import-geo FILE.geojson")?;
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let settings = Settings::from_env()?;
    let state = server::state(&settings).await?;
    let summary = services::geography::import_geojson(&state, None, &text)
        .await
        .map_err(|e| format!("{}\n{}", e.detail(Lang::Zh), e.detail(Lang::En)))?;
    println!(
        "Imported {} districts, {} streets, {} communities, {} grids into {}.",
        summary.districts,
        summary.streets,
        summary.communities,
        summary.grids,
        server::redact(&settings.database_url)
    );
    Ok(())
}

async fn gen_city(args: &[String]) -> Result<(), String> {
    let grids = number(args, "--grids", 15_000)?;
    let regions = demo::city(grids);
    let text = demo::to_feature_collection(&regions);
    if let Some(out) = flag(args, "--out") {
        std::fs::write(&out, &text).map_err(|e| format!("cannot write {out}: {e}"))?;
        println!("Wrote {} regions ({grids} grids) to {out}.", regions.len());
        return Ok(());
    }
    let settings = Settings::from_env()?;
    let state = server::state(&settings).await?;
    let summary = services::geography::import_geojson(&state, None, &text)
        .await
        .map_err(|e| e.detail(Lang::En))?;
    println!(
        "Generated {} communities and {} grids into {}.",
        summary.communities,
        summary.grids,
        server::redact(&settings.database_url)
    );
    Ok(())
}

/// The password for `create-admin`: `GRIDLINK_ADMIN_PASSWORD`, or the first
/// line on stdin (so it stays out of the shell history and `ps`).
async fn admin_password() -> Result<String, String> {
    if let Some(p) = std::env::var("GRIDLINK_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(p);
    }
    tokio::task::spawn_blocking(|| -> Result<String, String> {
        use std::io::{BufRead, IsTerminal, Write};
        if std::io::stdin().is_terminal() {
            eprint!("Password for the new system admin (one line): ");
            let _ = std::io::stderr().flush();
        }
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Registers an Open311 client and prints its key: the only time the key
/// is shown (the database keeps its hash).
async fn open311_key(args: &[String]) -> Result<(), String> {
    const USE: &str = "usage: server open311-key --name APP";
    let name = flag(args, "--name").ok_or(USE)?;
    let settings = Settings::from_env()?;
    let state = server::state(&settings).await?;
    let made = services::open311_clients::register_cli(&state, &name)
        .await
        .map_err(|e| format!("{}\n{}", e.detail(Lang::Zh), e.detail(Lang::En)))?;
    eprintln!(
        "Registered Open311 client #{} {} in {}. Its API key (shown this once):",
        made.client.id,
        made.client.name,
        server::redact(&settings.database_url)
    );
    println!("{}", made.key);
    Ok(())
}

/// `create-admin --phone P --name N`: the first account of a real
/// deployment, on an empty database (no demo needed). The password follows
/// the registration rule; the creation is in the audit log.
async fn create_admin(args: &[String]) -> Result<(), String> {
    const USE: &str = "usage: server create-admin --phone 13900000000 --name 张三  (password from GRIDLINK_ADMIN_PASSWORD or one line on stdin)";
    let phone = flag(args, "--phone").ok_or(USE)?;
    let name = flag(args, "--name").ok_or(USE)?;
    let password = admin_password().await?;
    let settings = Settings::from_env()?;
    let state = server::state(&settings).await?;
    let id = services::auth::create_admin(&state, &phone, &name, &password)
        .await
        .map_err(|e| format!("{}\n{}", e.detail(Lang::Zh), e.detail(Lang::En)))?;
    println!(
        "Created system admin #{id} {} ({}) in {}. Sign in with that number and password.",
        name.trim(),
        phone.trim(),
        server::redact(&settings.database_url)
    );
    Ok(())
}
