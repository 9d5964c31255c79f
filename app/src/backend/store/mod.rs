//! The store: the only place that speaks SeaORM. Everything it hands out is
//! plain data.

pub mod accounts;
pub mod activities;
pub mod alliance;
pub mod assessment;
pub mod audit;
pub mod boundaries;
pub mod cases;
mod entities;
pub mod exchange;
pub mod exports;
mod frozen_schema;
pub mod geography;
pub mod households;
pub mod leases;
pub mod lists;
pub mod live;
pub mod meetings;
pub mod meta;
mod migration;
pub mod notices;
pub mod open311;
pub mod patrols;
pub mod photos;
pub mod rosters;
pub mod schema_check;
pub mod sharing;
pub mod topics;
pub mod units;
pub mod whistles;
pub mod wishes;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

pub use sea_orm::DatabaseConnection as Db;
pub use sea_orm::DatabaseTransaction as Txn;

/// A write refused by a unique index: the thing already exists (a race the
/// index settles, not a fault).
fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Rows of the streets and communities a staff scope covers
/// (`policy::topic_staff_scope` as a filter), by the table's two columns;
/// empty when the scope names none (the caller adds its own ways in).
pub(crate) fn in_area<C: sea_orm::ColumnTrait>(
    scope: &crate::domain::policy::TopicStaffScope,
    street: C,
    community: C,
) -> sea_orm::Condition {
    let mut any = sea_orm::Condition::any();
    if !scope.streets.is_empty() {
        any = any.add(street.is_in(scope.streets.clone()));
    }
    if !scope.communities.is_empty() {
        any = any.add(community.is_in(scope.communities.clone()));
    }
    any
}
/// Opens a person's own writes one after another: a transaction's first
/// statement, a no-op write on the person's account row (on PostgreSQL it
/// locks that row; on SQLite the whole database), so counting their open
/// things and adding one cannot race another of their requests.
pub(crate) async fn lock_person(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    use entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::update_many()
        .col_expr(
            user::Column::Id,
            sea_orm::sea_query::Expr::col(user::Column::Id),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub use sea_orm::DbErr as StoreError;

/// A database failure becomes `AppError::Internal`, so `?` works on store
/// calls. The cause is logged with where it happened (the `?` that passed
/// it on); the user only reads "something went wrong". A database that
/// cannot be reached (restarting, down, every connection busy) is
/// `AppError::Busy` instead: a 503 that says to try again shortly, and the
/// pool connects again by itself once the database is back.
impl From<DbErr> for crate::domain::error::AppError {
    #[track_caller]
    fn from(e: DbErr) -> Self {
        let at = std::panic::Location::caller();
        if unreachable(&e) {
            tracing::warn!(error = %e, %at, "database unreachable");
            return crate::domain::error::AppError::Busy {
                retry_after_secs: RETRY_AFTER_SECS,
            };
        }
        tracing::error!(error = %e, cause = ?e, %at, "database error");
        crate::domain::error::AppError::Internal
    }
}

/// What a client is told to wait when the database cannot be reached.
const RETRY_AFTER_SECS: u64 = 5;

/// Whether the database could not be reached, as opposed to refusing a
/// statement: no connection in time, a connection that broke, or the
/// server shutting down or starting (SQLSTATE classes 08 and 57P).
pub fn unreachable(e: &DbErr) -> bool {
    use sea_orm::sqlx::Error as X;
    use sea_orm::RuntimeErr;
    match e {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(x))
        | DbErr::Exec(RuntimeErr::SqlxError(x))
        | DbErr::Query(RuntimeErr::SqlxError(x)) => match &**x {
            X::Io(_) | X::PoolTimedOut | X::PoolClosed | X::WorkerCrashed | X::Tls(_) => true,
            X::Database(d) => d
                .code()
                .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
            _ => false,
        },
        _ => false,
    }
}

/// Starts a transaction for a multi-step write; [`commit`] ends it, dropping rolls back.
pub async fn begin(db: &DatabaseConnection) -> Result<Txn, DbErr> {
    use sea_orm::TransactionTrait;
    db.begin().await
}

pub async fn commit(txn: Txn) -> Result<(), DbErr> {
    txn.commit().await
}

/// Opens `url` (a `sqlite:` file or `postgres://`), creating a SQLite file
/// and its directory when missing, and brings the schema up to date.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut url = url.to_string();
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or_default().to_string();
        if !path.is_empty() && path != ":memory:" {
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        DbErr::Custom(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
    }
    let mut opts = ConnectOptions::new(url);
    opts.sqlx_logging(false)
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings a connection when it goes back to the pool and, by
        // default, again when it is taken out: two extra round trips per
        // statement, which under load cost a report more than its inserts.
        // A connection used within the last seconds is alive; one idle
        // longer (a firewall or proxy may have cut it) is still pinged.
        .test_before_acquire_if_idle_for(Duration::from_secs(5))
        .map_sqlx_sqlite_opts(|o| {
            // sqlx 0.9 no longer turns WAL on; readers must not wait for writers.
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    let db = Database::connect(opts).await?;
    migration::Migrator::up(&db, None).await?;
    Ok(db)
}

/// Answers whether the database responds, for `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> Result<&'static str, DbErr> {
    db.execute_unprepared("SELECT 1").await?;
    Ok(match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    })
}
