//! `server` — serve GridLink, or run one of its maintenance commands:
//!
//! ```text
//! server                         serve (GRIDLINK_DEMO=1 loads the demo district into an empty database)
//! server import-geo FILE         import boundaries from a GeoJSON FeatureCollection
//! server gen-city --grids N [--out FILE]
//!                                generate a city of N grids into the database (or a file)
//! server bench-locate [--grids N] [--seconds S]
//!                                measure point → grid lookups per second
//! ```
//! All commands use `DATABASE_URL` (default `sqlite://data/gridlink.db`).

mod bench;
mod bench_cases;
mod bench_wishes;

const USAGE: &str = "\
usage: server [COMMAND]
  (none) | serve                   serve GridLink (GRIDLINK_DEMO=1: load the demo district into an empty database)
  import-geo FILE                  import boundaries from a GeoJSON FeatureCollection
  gen-city --grids N [--out FILE]  generate a city of N grids into the database (or a file)
  bench-locate [--grids N] [--seconds S]
                                   measure point -> grid lookups per second
  bench-cases [--grids N] [--cases M] [--clients C]
                                   measure queues, the map layer and submissions
  bench-wishes [--grids N] [--wishes M] [--clients C]
                                   measure the wish wall and claims
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
        Some("bench-wishes") => {
            bench_wishes::run(
                number(&args, "--grids", 2_000).unwrap_or(2_000),
                number(&args, "--wishes", 100_000).unwrap_or(100_000),
                number(&args, "--clients", 50).unwrap_or(50),
            )
            .await
        }
        Some("bench-locate") => bench::run(
            number(&args, "--grids", 15_000).unwrap_or(15_000),
            number(&args, "--seconds", 3).unwrap_or(3) as u64,
        ),
        Some(other) => Err(format!(
            "unknown command {other}; try serve, import-geo, gen-city or bench-locate"
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

async fn serve() -> Result<(), String> {
    let settings = Settings::from_env()?;
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
        .map_err(|e| format!("{}\n{}", e.message(Lang::Zh), e.message(Lang::En)))?;
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
        .map_err(|e| e.message(Lang::En))?;
    println!(
        "Generated {} communities and {} grids into {}.",
        summary.communities,
        summary.grids,
        server::redact(&settings.database_url)
    );
    Ok(())
}
