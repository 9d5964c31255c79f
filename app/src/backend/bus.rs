//! Live updates across the servers of one cluster. Each server tells its
//! own listeners (server-sent events) through `AppState::case_events` and
//! `AppState::notices`; on PostgreSQL it also sends each change on the
//! database's LISTEN/NOTIFY channel (`store::live`), and every other server
//! hears it there and passes it to its listeners, forgetting the cached map
//! layers it touches. So a report made through server A reaches a phone
//! connected to server B, and B's cache does not show the old layer.
//! Changes to sessions, roles and accounts travel the same way, so no
//! server keeps serving a session another ended (`backend::sessions`).

use super::services::cases;
use super::state::{AppState, CaseChanged, Noticed};
use super::store::live;
use crate::domain::auth::Place;
use crate::domain::case::{CaseStatus, DispatchLevel};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Changes waiting to be sent; past this many (the database is down or
/// slow) the newest are dropped rather than held in memory without end.
const QUEUE: usize = 4096;
/// Messages sent in one statement at most (at most ~500 KB of them).
const BATCH: usize = 64;
/// Users named per message: a notice to many is sent in parts, each well
/// under PostgreSQL's payload limit even for the longest ids.
const USERS_A_MESSAGE: usize = 300;
/// How long to wait before connecting again after the database went away.
const RETRY: std::time::Duration = std::time::Duration::from_secs(1);

/// One message on the channel: which server sent it, and what changed.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    from: String,
    what: What,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum What {
    Case(CaseWire),
    Notice {
        users: Vec<i64>,
    },
    /// These people's sessions, roles or accounts changed.
    Accounts {
        users: Vec<i64>,
    },
}

/// `CaseChanged` with every field: the event a page receives leaves out
/// who and where, but the other server needs them to decide who may hear.
#[derive(Debug, Serialize, Deserialize)]
struct CaseWire {
    case_id: i64,
    status: CaseStatus,
    place: Place,
    reporter: Option<i64>,
    company: Option<i64>,
    department: Option<String>,
    assisting: Vec<String>,
    level: Option<DispatchLevel>,
    public: bool,
}

impl From<&CaseChanged> for CaseWire {
    fn from(e: &CaseChanged) -> Self {
        CaseWire {
            case_id: e.case_id,
            status: e.status,
            place: e.place.clone(),
            reporter: e.reporter,
            company: e.company,
            department: e.department.clone(),
            assisting: e.assisting.clone(),
            level: e.level,
            public: e.public,
        }
    }
}

impl From<CaseWire> for CaseChanged {
    fn from(w: CaseWire) -> Self {
        CaseChanged {
            case_id: w.case_id,
            status: w.status,
            place: w.place,
            reporter: w.reporter,
            company: w.company,
            department: w.department,
            assisting: w.assisting,
            level: w.level,
            public: w.public,
        }
    }
}

/// The sending end: messages go out in the order they were made, one at a
/// time, without making the request that caused them wait.
#[derive(Clone)]
pub struct Outbox {
    from: Arc<str>,
    tx: Option<tokio::sync::mpsc::Sender<String>>,
}

impl Outbox {
    /// Starts the sender when the database is shared (PostgreSQL); on
    /// SQLite the outbox drops everything (one server hears it all).
    pub fn new(db: &super::store::Db, from: Arc<str>) -> Outbox {
        if !live::shared(db) {
            return Outbox { from, tx: None };
        }
        let (tx, mut rx) = tokio::sync::mpsc::channel::<String>(QUEUE);
        let db = db.clone();
        // Ends when every sender is gone (the listener task holds one
        // for good in a serving process; a bench's or test's state drops it).
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            // Whatever queued while the last batch was on its way goes
            // out together, in order.
            while rx.recv_many(&mut batch, BATCH).await > 0 {
                // Once more after a failure (a connection lost mid-way):
                // a lost batch leaves other servers' pages behind.
                if live::notify(&db, &batch).await.is_err() {
                    if let Err(e) = live::notify(&db, &batch).await {
                        tracing::warn!(error = %e, "live updates not sent to the other servers");
                    }
                }
                batch.clear();
            }
        });
        Outbox { from, tx: Some(tx) }
    }

    fn send(&self, what: What) {
        let Some(tx) = &self.tx else { return };
        let envelope = Envelope {
            from: self.from.to_string(),
            what,
        };
        let payload = match serde_json::to_string(&envelope) {
            Ok(p) if p.len() <= live::MAX_PAYLOAD => p,
            // A case with an absurd number of assisting departments: the
            // other servers' pages catch up on their next event.
            Ok(_) | Err(_) => {
                tracing::warn!("live update too large for the channel; not sent");
                return;
            }
        };
        if tx.try_send(payload).is_err() {
            tracing::warn!("live update queue full; an update was not sent to the other servers");
        }
    }
}

/// Tells the other servers that a case changed.
pub fn publish_case(state: &AppState, e: &CaseChanged) {
    state.outbox.send(What::Case(e.into()));
}

/// Tells the other servers that these users have a new notice.
pub fn publish_notice(state: &AppState, n: &Noticed) {
    for part in n.users.chunks(USERS_A_MESSAGE) {
        state.outbox.send(What::Notice {
            users: part.to_vec(),
        });
    }
}

/// Tells the other servers to forget the sessions they keep of these people.
pub fn publish_accounts(state: &AppState, users: &[i64]) {
    for part in users.chunks(USERS_A_MESSAGE) {
        state.outbox.send(What::Accounts {
            users: part.to_vec(),
        });
    }
}

/// Starts hearing the other servers: returns once this server listens (so
/// nothing sent after it is missed), leaving a task that passes what it
/// hears to this server's listeners. Nothing to do on SQLite.
pub async fn start(state: &AppState) -> Result<(), super::store::StoreError> {
    let Some(mut listener) = live::listen(&state.db).await? else {
        return Ok(());
    };
    // From here on nothing another server changes goes unheard.
    state.sessions.trust();
    let state = state.clone();
    tokio::spawn(async move {
        // However this task ends (a panic included), kept sessions are no
        // longer trusted: nobody hears the other servers' forgets.
        let _deaf = Deaf(state.clone());
        loop {
            let lost = match listener.next().await {
                Ok(Some(payload)) => {
                    heard(&state, &payload);
                    continue;
                }
                Ok(None) => "the connection was lost".to_string(),
                Err(e) => e.to_string(),
            };
            tracing::warn!(error = %lost, "lost the live-update channel; listening again");
            // Changes made meanwhile are missed: kept sessions may have
            // ended and cached layers may be old, so both go, and no
            // session is kept until we listen again (the pages' lists
            // reload on their next event or visit).
            state.sessions.distrust();
            state.forget_case_layers();
            listener = loop {
                match live::listen(&state.db).await {
                    Ok(Some(l)) => break l,
                    Ok(None) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot listen to the other servers yet; retrying");
                        tokio::time::sleep(RETRY).await;
                    }
                }
            };
            // Layers filled while we were deaf may be old too.
            state.forget_case_layers();
            state.sessions.trust();
        }
    });
    Ok(())
}

struct Deaf(AppState);

impl Drop for Deaf {
    fn drop(&mut self) {
        self.0.sessions.distrust();
    }
}

/// Passes on what another server sent; our own messages come back too
/// and are skipped (our listeners heard them already).
fn heard(state: &AppState, payload: &str) {
    let envelope: Envelope = match serde_json::from_str(payload) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable live update on the channel");
            return;
        }
    };
    if *envelope.from == *state.outbox.from {
        return;
    }
    match envelope.what {
        What::Case(w) => cases::changed_elsewhere(state, w.into()),
        What::Notice { users } => {
            let _ = state.notices.send(Noticed {
                users: users.into(),
            });
        }
        What::Accounts { users } => state.sessions.forget_users(&users),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_change_travels_whole() {
        let e = CaseChanged {
            case_id: 7,
            status: CaseStatus::Dispatched,
            place: Place {
                grid: Some("G1".into()),
                community: Some("C1".into()),
                street: Some("S1".into()),
            },
            reporter: Some(3),
            company: None,
            department: Some("城管".into()),
            assisting: vec!["水务".into()],
            level: Some(DispatchLevel::Department),
            public: true,
        };
        let text = serde_json::to_string(&Envelope {
            from: "a".into(),
            what: What::Case((&e).into()),
        })
        .unwrap();
        let back: Envelope = serde_json::from_str(&text).unwrap();
        let What::Case(w) = back.what else {
            panic!("not a case: {text}")
        };
        let back: CaseChanged = w.into();
        assert_eq!(format!("{back:?}"), format!("{e:?}"));
    }

    #[test]
    fn the_largest_notice_part_fits_the_channel() {
        let users = vec![i64::MAX; USERS_A_MESSAGE];
        let text = serde_json::to_string(&Envelope {
            from: "host-4194304-1798761600000000000".into(),
            what: What::Notice { users },
        })
        .unwrap();
        assert!(text.len() <= live::MAX_PAYLOAD, "{}", text.len());
    }
}
