//! The application state shared by axum handlers and Leptos server functions.

use super::atlas::Atlas;
use super::ratelimit::RateLimiter;
use super::store::{self, Db, StoreError};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Settings read once at start-up.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// A tile URL template such as `https://tile.openstreetmap.org/{z}/{x}/{y}.png`;
    /// none by default so the map works offline.
    pub tile_url: Option<String>,
    pub tile_attribution: Option<String>,
    /// Add `Secure` to cookies (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Where uploaded photos are kept (`data/photos` by default).
    pub photo_dir: Option<std::path::PathBuf>,
    /// Megabytes kept free on the photo disk (`GRIDLINK_PHOTO_MIN_FREE_MB`;
    /// none: `blob::DEFAULT_MIN_FREE_MB`): below it photos are refused.
    pub photo_min_free_mb: Option<u64>,
    /// An S3-compatible object store for photos instead of `photo_dir`
    /// (`GRIDLINK_S3_*`, see `blob::s3::S3Config::from_vars`): what several
    /// app servers share.
    pub s3: Option<super::blob::s3::S3Config>,
    /// Reverse proxies whose `X-Forwarded-For` names the client
    /// (`GRIDLINK_TRUSTED_PROXIES`); none by default.
    pub trusted_proxies: super::request::TrustedProxies,
    /// Limits on wish claims (they reveal contacts).
    pub claims: ClaimLimits,
    /// Which gateway sends text messages (`GRIDLINK_SMS`, see `backend::sms`).
    pub sms: super::sms::SmsConfig,
    /// How the deadline scheduler runs (`GRIDLINK_ESCALATE_AFTER_HOURS`,
    /// `GRIDLINK_SWEEP_SECONDS`).
    pub sweep: SweepConfig,
    /// How often a phone on patrol records a point (`GRIDLINK_PATROL_SECONDS`;
    /// none: `domain::patrol::DEFAULT_INTERVAL_SECONDS`).
    pub patrol_interval_seconds: Option<u32>,
    /// The address residents reach the app at (`GRIDLINK_PUBLIC_URL`, e.g.
    /// `https://wgt.example.gov.cn`): printed posters' QR codes point there.
    /// None: the address the request came in on.
    pub public_url: Option<String>,
    /// The key of sealed fields (`GRIDLINK_DATA_KEY`, 64 hex digits); none:
    /// the key file ([`Config::data_key_file`]), made on first start.
    pub data_key: Option<super::sealed::DataKey>,
    /// Where the key file is (`GRIDLINK_DATA_KEY_FILE`; `data/gridlink.key`).
    pub data_key_file: Option<std::path::PathBuf>,
    /// Sign-ins a minute from one client address (`GRIDLINK_LOGINS_PER_MINUTE`;
    /// none: [`LOGINS_PER_MINUTE`]). Raise it where many people share one
    /// address (a carrier's NAT, a service hall's Wi-Fi) — and for the
    /// end-to-end suite, which signs in ~40 times a minute from 127.0.0.1.
    pub logins_per_minute: Option<usize>,
}

/// Sign-ins a minute from one client address by default.
pub const LOGINS_PER_MINUTE: usize = 30;

/// The deadline scheduler's settings (`services::deadlines`).
#[derive(Clone, Debug)]
pub struct SweepConfig {
    /// How long past its deadline a case waits before it climbs a level.
    pub grace: chrono::Duration,
    /// How often each server tries to sweep (one of them does).
    pub every: Duration,
}

impl Default for SweepConfig {
    fn default() -> SweepConfig {
        SweepConfig {
            grace: crate::domain::alarm::DEFAULT_GRACE,
            every: Duration::from_secs(60),
        }
    }
}

/// How many wishes a member or unit may hold and claim (see
/// `services::wishes::within_claim_limits`).
#[derive(Clone, Debug)]
pub struct ClaimLimits {
    /// Open claims held at once.
    pub open_max: u64,
    /// New claims in any 24 hours.
    pub daily_max: u64,
}

impl Default for ClaimLimits {
    fn default() -> ClaimLimits {
        ClaimLimits {
            open_max: 3,
            daily_max: 5,
        }
    }
}

/// Everything the handlers share, behind one pointer: a request clones the
/// state several times (router, server function context, extractors), and
/// cloning two dozen fields one by one showed as 3 % of a report's CPU.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    pub blobs: super::blob::BlobStore,
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    atlas: Arc<RwLock<Arc<Atlas>>>,
    /// Login attempts per client address.
    pub login_by_ip: Arc<RateLimiter>,
    /// Failed logins per mobile number.
    pub login_by_phone: Arc<RateLimiter>,
    /// Failed logins per mobile number from one client address: the tight
    /// limit. The per-number one above is looser, so a guesser at one
    /// address cannot keep the owner (elsewhere) waiting.
    pub login_by_phone_client: Arc<RateLimiter>,
    /// Registrations per client address.
    pub register_by_ip: Arc<RateLimiter>,
    /// Reports per Open311 client application, a minute and a day.
    pub open311_posts: Arc<RateLimiter>,
    pub open311_posts_daily: Arc<RateLimiter>,
    /// One rebuild at a time, so an older snapshot never replaces a newer one.
    rebuild: Arc<tokio::sync::Mutex<()>>,
    /// Live sessions kept for a few seconds (`backend::sessions`).
    pub sessions: super::sessions::SessionCache,
    /// Case settings cached for a few seconds (see `services::cases`).
    pub(crate) case_settings: SettingsCache,
    /// Case changes, for live updates (server-sent events).
    pub case_events: tokio::sync::broadcast::Sender<CaseChanged>,
    /// New in-app notifications: whose they are (the stream tells only them).
    pub notices: tokio::sync::broadcast::Sender<Noticed>,
    /// This server among the cluster's (unique across hosts and restarts):
    /// it holds leases by this name and signs what it tells the others.
    pub instance: Arc<str>,
    /// Case changes and notices on their way to the other servers (`backend::bus`).
    pub(crate) outbox: super::bus::Outbox,
    /// First pages of the public wish wall (see `services::wishes`).
    pub(crate) wall_cache: Arc<super::services::wishes::WallCache>,
    pub(crate) topic_cache: Arc<super::services::topics::ListCache>,
    /// Case map layers by place (see `services::cases::map_points`).
    pub(crate) case_layers: Arc<super::services::cases::LayerCache>,
    /// Text messages to staff phones (`backend::sms`).
    pub sms: Arc<dyn super::sms::SmsGateway>,
    /// Exports being written or ready to download (`services::exports`).
    pub exports: Arc<super::services::exports::Jobs>,
    /// Household sheets being imported (`services::household_import`).
    pub household_imports: Arc<super::services::household_import::Jobs>,
}

/// Some users got a notification.
#[derive(Clone, Debug)]
pub struct Noticed {
    pub users: Arc<[i64]>,
}

type SettingsCache = Arc<
    RwLock<
        Option<(
            std::time::Instant,
            Arc<super::services::cases::CaseSettings>,
        )>,
    >,
>;

/// A case changed: who may hear of it is decided per listener.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CaseChanged {
    pub case_id: i64,
    pub status: crate::domain::case::CaseStatus,
    #[serde(skip)]
    pub place: crate::domain::auth::Place,
    #[serde(skip)]
    pub reporter: Option<i64>,
    #[serde(skip)]
    pub company: Option<i64>,
    #[serde(skip)]
    pub department: Option<String>,
    #[serde(skip)]
    pub assisting: Vec<String>,
    #[serde(skip)]
    pub level: Option<crate::domain::case::DispatchLevel>,
    #[serde(skip)]
    pub public: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> LeptosOptions {
        s.leptos_options.clone()
    }
}

impl AppState {
    pub async fn new(
        db: Db,
        leptos_options: LeptosOptions,
        config: Config,
    ) -> Result<AppState, StoreError> {
        super::services::cases::seed_categories(&db)
            .await
            .map_err(|e| StoreError::Custom(e.to_string()))?;
        let key = match config.data_key {
            Some(k) => k,
            None => super::sealed::key_file(
                config
                    .data_key_file
                    .as_deref()
                    .unwrap_or(std::path::Path::new("data/gridlink.key")),
            )
            .map_err(StoreError::Custom)?,
        };
        super::sealed::install(key);
        // Values stored before sealing began are sealed once; a start after
        // that reads one meta row instead of scanning every member.
        if super::store::meta::version(&db, super::store::meta::IDS_SEALED).await? == 0 {
            let sealed = super::store::households::seal_clear_ids(&db).await?;
            super::store::meta::set(&db, super::store::meta::IDS_SEALED, 1).await?;
            tracing::info!(sealed, "household ID numbers sealed");
        }
        let atlas = Atlas::load(&db).await?;
        let config_sms = config.sms;
        let logins_per_minute = config.logins_per_minute.unwrap_or(LOGINS_PER_MINUTE);
        // Readable in the logs (host, process), unique by its random part:
        // HOSTNAME is often unset and a container's process is often 1.
        let instance: Arc<str> = format!(
            "{}-{}-{:016x}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into()),
            std::process::id(),
            rand::random::<u64>()
        )
        .into();
        let local = super::blob::Local::new(
            config
                .photo_dir
                .clone()
                .unwrap_or_else(|| "data/photos".into()),
            config
                .photo_min_free_mb
                .unwrap_or(super::blob::DEFAULT_MIN_FREE_MB),
        );
        let blobs = match &config.s3 {
            // Checked now: a wrong key or a missing bucket is said at
            // start-up, not at the first resident's photo.
            Some(s3) => {
                let store =
                    super::blob::s3::S3Store::new(s3.clone()).map_err(StoreError::Custom)?;
                store.check().await.map_err(StoreError::Custom)?;
                // Photos kept on disk before the switch are still read.
                let before = local.dir().is_dir().then_some(local);
                super::blob::BlobStore::S3(Arc::new(store), before)
            }
            None => super::blob::BlobStore::Local(local),
        };
        Ok(AppState(Arc::new(Shared {
            outbox: super::bus::Outbox::new(&db, instance.clone()),
            // One server on a SQLite file hears every change itself; on
            // PostgreSQL the bus trusts the cache once it listens.
            sessions: super::sessions::SessionCache::new(!store::live::shared(&db)),
            instance,
            db,
            blobs,
            leptos_options,
            config: Arc::new(config),
            atlas: Arc::new(RwLock::new(Arc::new(atlas))),
            login_by_ip: Arc::new(RateLimiter::new(logins_per_minute, Duration::from_secs(60))),
            login_by_phone: Arc::new(RateLimiter::new(20, Duration::from_secs(15 * 60))),
            login_by_phone_client: Arc::new(RateLimiter::new(5, Duration::from_secs(15 * 60))),
            register_by_ip: Arc::new(RateLimiter::new(10, Duration::from_secs(60 * 60))),
            open311_posts: Arc::new(RateLimiter::new(
                crate::domain::open311::POSTS_A_MINUTE,
                Duration::from_secs(60),
            )),
            open311_posts_daily: Arc::new(RateLimiter::new(
                crate::domain::open311::POSTS_A_DAY,
                Duration::from_secs(24 * 60 * 60),
            )),
            rebuild: Arc::new(tokio::sync::Mutex::new(())),
            case_events: tokio::sync::broadcast::channel(1024).0,
            notices: tokio::sync::broadcast::channel(1024).0,
            wall_cache: Arc::new(super::services::wishes::wall_cache()),
            topic_cache: Arc::new(super::services::topics::list_cache()),
            case_layers: Arc::new(super::services::cases::layer_cache()),
            case_settings: Arc::new(RwLock::new(None)),
            sms: super::sms::gateway(config_sms),
            exports: Arc::default(),
            household_imports: Arc::default(),
        })))
    }

    /// The current geography snapshot.
    pub fn atlas(&self) -> Arc<Atlas> {
        self.atlas.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Forgets every cached case layer (live updates from the other
    /// servers were missed, `backend::bus`).
    pub fn forget_case_layers(&self) {
        self.case_layers.clear();
    }

    /// Forgets the cached topic list pages (a bench simulating changes).
    pub fn forget_topic_pages(&self) {
        self.topic_cache.clear();
    }

    /// Rebuilds the snapshot after boundaries or rosters changed.
    pub async fn refresh_atlas(&self) -> Result<(), StoreError> {
        let _one_at_a_time = self.rebuild.lock().await;
        let fresh = Arc::new(Atlas::load(&self.db).await?);
        let mut slot = self.atlas.write().unwrap_or_else(|p| p.into_inner());
        if fresh.version() >= slot.version() {
            *slot = fresh;
        }
        Ok(())
    }

    /// Rebuilds when the geography changed elsewhere (the `import-geo`
    /// command, another instance). Cheap when nothing changed: one query.
    pub async fn sync_atlas(&self) -> Result<bool, StoreError> {
        let stored = store::meta::version(&self.db, store::meta::GEOGRAPHY).await?;
        if stored == self.atlas().version() {
            return Ok(false);
        }
        self.refresh_atlas().await?;
        Ok(true)
    }

    pub async fn health(&self) -> Result<&'static str, StoreError> {
        store::ping(&self.db).await
    }
}
