//! PostgreSQL's LISTEN/NOTIFY: the channel the servers of one cluster tell
//! each other about live updates on (`backend::bus`). A SQLite file has one
//! server, so there nothing is sent and nobody listens.

use super::{Db, StoreError};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// The channel's name.
const CHANNEL: &str = "gridlink_live";
/// PostgreSQL refuses a payload of 8,000 bytes or more.
pub const MAX_PAYLOAD: usize = 7_900;

/// Whether this database can carry messages between servers.
pub fn shared(db: &Db) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// Sends each payload, in order, to every server listening (this one too),
/// in one statement: under load a server makes thousands of changes a
/// second and one round trip each would fall behind. One text whatever the
/// count (the payloads travel as one JSON array), so it is one prepared
/// statement. PostgreSQL delivers one copy of identical payloads sent
/// together, which is harmless: a message says what changed, and the
/// pages hearing it read the case again.
pub async fn notify(db: &Db, payloads: &[String]) -> Result<(), StoreError> {
    if !shared(db) || payloads.is_empty() {
        return Ok(());
    }
    let list = serde_json::to_string(payloads).map_err(|e| StoreError::Custom(e.to_string()))?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, p) FROM jsonb_array_elements_text($2::jsonb) \
         WITH ORDINALITY AS t(p, n) ORDER BY n",
        [CHANNEL.into(), list.into()],
    ))
    .await?;
    Ok(())
}

/// A connection of its own that hears the channel; `None` on SQLite.
pub async fn listen(db: &Db) -> Result<Option<Listener>, StoreError> {
    if !shared(db) {
        return Ok(None);
    }
    let mut inner = PgListener::connect_with(db.get_postgres_connection_pool())
        .await
        .map_err(|e| StoreError::Custom(e.to_string()))?;
    inner
        .listen(CHANNEL)
        .await
        .map_err(|e| StoreError::Custom(e.to_string()))?;
    Ok(Some(Listener { inner }))
}

/// The listening end of the channel.
pub struct Listener {
    inner: PgListener,
}

impl Listener {
    /// The next message's payload; `None` when the connection was lost
    /// (the next call connects again, and what was sent in between is
    /// missed); an error when connecting again failed.
    pub async fn next(&mut self) -> Result<Option<String>, StoreError> {
        self.inner
            .try_recv()
            .await
            .map(|n| n.map(|n| n.payload().to_string()))
            .map_err(|e| StoreError::Custom(e.to_string()))
    }
}
