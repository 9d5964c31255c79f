//! The GridLink server: configuration, router, layers and REST endpoints.
//! The binary in `main.rs` adds the command line.

mod caching;
mod caller;
mod extract;
mod page_cache;
mod rest;
mod rest_audit;
mod rest_export;
mod rest_households;
mod rest_open311;
mod rest_service;
mod security;

use app::backend::{store, AppState, Config};
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Largest request body for the boundary import: room for a city-scale file.
pub const MAX_IMPORT_BYTES: usize = 34 * 1024 * 1024;
/// Largest request body anywhere else.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Keeps the atlas in step with the database when another process (the
/// `import-geo` command, a second instance) changes boundaries or rosters.
pub fn watch_geography(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(app::backend::atlas::SYNC_EVERY);
        loop {
            tick.tick().await;
            match state.sync_atlas().await {
                Ok(true) => tracing::info!(
                    grids = state.atlas().grid_count(),
                    "geography changed elsewhere; atlas rebuilt"
                ),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "geography version check failed"),
            }
        }
    });
}

/// Every few minutes, tells communities about claims past their date,
/// communities and owners about joint-meeting resolutions past theirs, and
/// borrowers and communities about 共享小屋 loans past theirs (each once:
/// the stores mark rows on their own terms); and forgets Open311 resend
/// fingerprints past their window.
pub fn watch_overdue_claims(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            use app::backend::services::{meetings, open311, sharing, wishes};
            match wishes::flag_overdue_claims(&state, wishes::today()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(claims = n, "overdue wish claims flagged"),
                Err(e) => tracing::warn!(error = ?e, "overdue claim check failed"),
            }
            match meetings::flag_overdue(&state, wishes::today()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(resolutions = n, "overdue resolutions flagged"),
                Err(e) => tracing::warn!(error = ?e, "overdue resolution check failed"),
            }
            match sharing::flag_overdue(&state, wishes::today()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(loans = n, "overdue shed loans reminded"),
                Err(e) => tracing::warn!(error = ?e, "overdue loan check failed"),
            }
            match open311::forget_old_fingerprints(&state, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reports = n, "Open311 resend fingerprints forgotten"),
                Err(e) => tracing::warn!(error = ?e, "Open311 fingerprint sweep failed"),
            }
        }
    });
}

/// Every minute (`GRIDLINK_SWEEP_SECONDS`), sweeps case deadlines if no other
/// server of the cluster holds the sweep's lease: warnings, overdue flags and
/// escalations (`services::deadlines`).
pub fn watch_deadlines(state: AppState) {
    use app::backend::services::deadlines;
    tokio::spawn(async move {
        let holder = state.instance.clone();
        let mut tick = tokio::time::interval(state.config.sweep.every);
        // A slow sweep is not followed by a burst of the ticks it missed.
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match deadlines::run(&state, &holder, chrono::Utc::now()).await {
                Ok(Some(r)) if !r.is_empty() => tracing::info!(
                    warned = r.warned,
                    flagged = r.flagged,
                    escalated = r.escalated,
                    rescheduled = r.rescheduled,
                    "deadline sweep"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "deadline sweep failed"),
            }
        }
    });
}

/// Hears live updates from the cluster's other servers (PostgreSQL's
/// LISTEN/NOTIFY, `backend::bus`); returns once listening. A database that
/// cannot listen now is retried in the background: live updates from the
/// other servers are late, not lost for good.
pub async fn watch_live(state: AppState) {
    use app::backend::bus;
    if let Err(e) = bus::start(&state).await {
        tracing::warn!(error = %e, "not yet hearing the other servers; retrying");
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                match bus::start(&state).await {
                    Ok(()) => return,
                    Err(e) => tracing::warn!(error = %e, "still not hearing the other servers"),
                }
            }
        });
    }
}

/// How often patrols left running past their time are ended.
const PATROL_SWEEP: std::time::Duration = std::time::Duration::from_secs(600);

/// Every ten minutes, ends patrols left running past `patrol::MAX_HOURS`
/// (`services::patrols::end_left_running`).
pub fn watch_patrols(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PATROL_SWEEP);
        loop {
            tick.tick().await;
            use app::backend::services::patrols;
            match patrols::end_left_running(&state, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(patrols = n, "patrols left running ended"),
                Err(e) => tracing::warn!(error = ?e, "patrol sweep failed"),
            }
        }
    });
}

/// How often sessions past their end or idle too long are deleted. Such a
/// session is refused when used anyway; this keeps the table small.
const SESSION_PURGE: std::time::Duration = std::time::Duration::from_secs(600);

/// Every ten minutes, deletes sessions past their end or idle too long.
pub fn watch_sessions(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SESSION_PURGE);
        loop {
            tick.tick().await;
            use app::backend::services::auth;
            match auth::purge_sessions(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "expired sessions removed"),
                Err(e) => tracing::warn!(error = ?e, "session purge failed"),
            }
        }
    });
}

/// Settings from the environment, with the zero-config defaults.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub output_name: String,
    pub config: Config,
}

impl Settings {
    pub fn from_env() -> Result<Settings, String> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        Ok(Settings {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/gridlink.db".into()),
            site_addr: addr
                .parse()
                .map_err(|e| format!("LEPTOS_SITE_ADDR={addr}: {e}"))?,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            output_name: var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "gridlink".into()),
            config: Config {
                tile_url: var("GRIDLINK_TILE_URL"),
                tile_attribution: var("GRIDLINK_TILE_ATTRIBUTION"),
                data_key: var("GRIDLINK_DATA_KEY")
                    .map(|k| app::backend::sealed::parse_key(&k))
                    .transpose()
                    .map_err(|e| format!("GRIDLINK_DATA_KEY: {e}"))?,
                data_key_file: var("GRIDLINK_DATA_KEY_FILE").map(Into::into),
                public_url: var("GRIDLINK_PUBLIC_URL")
                    .map(|u| u.trim().trim_end_matches('/').to_string()),
                secure_cookies: var("GRIDLINK_SECURE_COOKIES")
                    .is_some_and(|v| v == "1" || v == "true"),
                photo_dir: var("GRIDLINK_PHOTO_DIR").map(Into::into),
                s3: app::backend::blob::s3::S3Config::from_vars(var)?,
                photo_min_free_mb: match var("GRIDLINK_PHOTO_MIN_FREE_MB") {
                    None => None,
                    Some(v) => Some(v.trim().parse::<u64>().map_err(|_| {
                        format!("GRIDLINK_PHOTO_MIN_FREE_MB={v}: a whole number of megabytes")
                    })?),
                },
                trusted_proxies: app::backend::request::TrustedProxies::parse(
                    &var("GRIDLINK_TRUSTED_PROXIES").unwrap_or_default(),
                )
                .map_err(|e| format!("GRIDLINK_TRUSTED_PROXIES: {e}"))?,
                sms: app::backend::sms::SmsConfig::parse(&var("GRIDLINK_SMS").unwrap_or_default())
                    .map_err(|e| format!("GRIDLINK_SMS: {e}"))?,
                sweep: {
                    let d = app::backend::state::SweepConfig::default();
                    let max = app::domain::alarm::MAX_GRACE_HOURS;
                    let hours = var("GRIDLINK_ESCALATE_AFTER_HOURS")
                        .map(|v| match v.parse::<u32>() {
                            Ok(h) if (1..=max).contains(&h) => Ok(h),
                            _ => Err(format!(
                                "GRIDLINK_ESCALATE_AFTER_HOURS={v}: a whole number of hours from 1 to {max}"
                            )),
                        })
                        .transpose()?;
                    let secs = var("GRIDLINK_SWEEP_SECONDS")
                        .map(|v| match v.parse::<u64>() {
                            Ok(n) if n > 0 => Ok(n),
                            _ => Err(format!(
                                "GRIDLINK_SWEEP_SECONDS={v}: a whole number of seconds above 0"
                            )),
                        })
                        .transpose()?;
                    app::backend::state::SweepConfig {
                        grace: hours.map_or(d.grace, |h| chrono::Duration::hours(h.into())),
                        every: secs.map_or(d.every, std::time::Duration::from_secs),
                    }
                },
                logins_per_minute: var("GRIDLINK_LOGINS_PER_MINUTE")
                    .map(|v| match v.trim().parse::<usize>() {
                        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
                        _ => Err(format!(
                            "GRIDLINK_LOGINS_PER_MINUTE={v}: a whole number from 1 to 100000"
                        )),
                    })
                    .transpose()?,
                patrol_interval_seconds: var("GRIDLINK_PATROL_SECONDS")
                    .map(|v| match v.parse::<u32>() {
                        Ok(n) if (5..=600).contains(&n) => Ok(n),
                        _ => Err(format!(
                            "GRIDLINK_PATROL_SECONDS={v}: a whole number of seconds from 5 to 600"
                        )),
                    })
                    .transpose()?,
                claims: {
                    let d = app::backend::state::ClaimLimits::default();
                    let num = |k: &str, default: u64| {
                        var(k).and_then(|v| v.parse().ok()).unwrap_or(default)
                    };
                    app::backend::state::ClaimLimits {
                        open_max: num("GRIDLINK_CLAIMS_OPEN_MAX", d.open_max),
                        daily_max: num("GRIDLINK_CLAIMS_DAILY_MAX", d.daily_max),
                    }
                },
            },
        })
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(self.output_name.clone())
            .site_root(self.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(self.site_addr)
            .build()
    }
}

/// Connects, migrates and loads the atlas.
pub async fn state(settings: &Settings) -> Result<AppState, String> {
    let db = store::connect(&settings.database_url)
        .await
        .map_err(|e| format!("database {}: {e}", redact(&settings.database_url)))?;
    AppState::new(db, settings.leptos_options(), settings.config.clone())
        .await
        .map_err(|e| e.to_string())
}

/// Hides a password in a database URL before it is printed.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

/// The whole application: pages, server functions, REST, static files.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let ctx = state.clone();
    let headers = std::sync::Arc::new(security::HeaderPolicy::new(&state.config));
    Router::new()
        .route("/healthz", get(rest::healthz))
        .route("/api/v1/grids.geojson", get(rest::grids_geojson))
        .route("/api/v1/areas.geojson", get(rest::areas_geojson))
        .route("/api/v1/locate", get(rest::locate))
        .route("/api/v1/stream", get(rest::case_stream))
        .route("/api/v1/board.json", get(rest::board_json))
        .route(
            "/open311/v2/{file}",
            get(rest_open311::top).post(rest_open311::post_top),
        )
        .route(
            "/open311/v2/services/{file}",
            get(rest_open311::service_definition),
        )
        .route("/open311/v2/requests/{file}", get(rest_open311::request))
        .route(
            "/api/v1/cases/{id}/photos",
            axum::routing::post(rest::upload_photo),
        )
        .route("/api/v1/photos/{id}", get(rest::photo))
        .route(
            "/api/v1/visits/{id}/photos",
            axum::routing::post(rest::upload_visit_photo),
        )
        .route("/api/v1/visit-photos/{id}", get(rest::visit_photo))
        .route("/api/v1/wishes.json", get(rest_service::wishes_json))
        .route(
            "/api/v1/wishes/{id}/photos",
            axum::routing::post(rest_service::upload_wish_photo),
        )
        .route("/api/v1/wish-photos/{id}", get(rest_service::wish_photo))
        .route("/api/v1/units/{id}/{file}", get(rest_service::unit_ledger))
        .route("/api/v1/audit.csv", get(rest_audit::audit_csv))
        .route(
            "/api/v1/households/template.xlsx",
            get(rest_households::template),
        )
        .route(
            "/api/v1/households/import",
            axum::routing::post(rest_households::import),
        )
        .route(
            "/api/v1/export-jobs/{id}/file",
            get(rest_export::export_file),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(ctx.clone());
                security::provide_request_nonce();
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(security::provide_request_nonce, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::attach_user,
        ))
        // Inside the security headers: a kept page gets this request's nonce.
        .layer(axum::middleware::from_fn_with_state(
            page_cache::PageCache::new(&state),
            page_cache::public_pages,
        ))
        .layer(axum::middleware::from_fn(security::same_origin_writes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::body_limit,
        ))
        // Outside the body limit, so draining an oversized body is timed
        // too; inside the headers, so a timed-out answer carries them.
        .layer(axum::middleware::from_fn(security::request_timeout))
        .layer(axum::middleware::from_fn(caching::static_caching))
        .layer(axum::middleware::from_fn_with_state(
            headers,
            security::security_headers,
        ))
        .layer(CompressionLayer::new())
        // Spans name the path only: queries carry API keys (Open311's
        // `api_key`) and what people searched for, neither for the logs.
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::extract::Request| {
                tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
        .with_state(state)
}

/// Serves until the process is stopped, with client addresses for rate limits.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // TCP_NODELAY: without it every answer after the first on a kept-alive
    // connection waited ~40 ms for the client's delayed ACK (Nagle), and a
    // phone fetching its assets over one connection paid that on each.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set on a connection");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
