//! Live sessions remembered for a few seconds, so a signed-in request does
//! not start with a database round trip (issue 13: the session query was
//! the largest part of a report's cost left over a bare insert).
//!
//! What may go stale is who someone is and what they may do, so forgetting
//! is strict: every change to sessions, roles or accounts forgets the
//! people it touched at once on this server and, over the bus, on every
//! other (`services::auth::accounts_changed`). Three bounds cover a message
//! that never arrives: an entry is kept [`TTL`] at most; while the bus is
//! not listening (lost, reconnecting, not started) nothing is kept or
//! served; and a lookup that began before a forget is not kept (the epoch).
//! Only live sessions are kept: an unknown or ended token asks the
//! database every time, as before.

use super::services::auth::Viewer;
use chrono::{DateTime, Duration as Span, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a looked-up session is used without asking the database again.
pub const TTL: Duration = Duration::from_secs(5);
/// Sessions kept at most; past it the cache starts again empty (a flood of
/// distinct tokens must not grow memory).
const MAX: usize = 50_000;

/// A live session as the database answered it.
#[derive(Clone, Debug)]
pub struct Session {
    pub viewer: Viewer,
    pub expires_at: DateTime<Utc>,
    /// When the session was last recorded as used.
    pub last_seen: DateTime<Utc>,
}

/// A lookup under way: kept only if its person was not forgotten meanwhile.
#[must_use]
pub struct Fill {
    epoch: u64,
    at: Instant,
}

struct Entry {
    /// When the lookup that answered it began: an entry is as old as the
    /// database's answer, however long the query waited for a connection.
    at: Instant,
    session: Session,
}

struct Inner {
    /// Counts forgets; a lookup remembers the count it began at.
    epoch: u64,
    /// Lookups begun before this count are not kept (everything was
    /// forgotten at it).
    all_before: u64,
    /// The count at which each person was last forgotten, and when: a
    /// lookup of theirs begun before it is not kept. Marks older than the
    /// TTL go, since lookups that old are not kept anyway.
    forgotten: HashMap<i64, (u64, Instant)>,
    /// Whether forgets from the other servers reach us (see the module).
    trusted: bool,
    /// Switched off by hand (a bench measuring requests without it).
    off: bool,
    entries: HashMap<String, Entry>,
}

pub struct SessionCache {
    ttl: Duration,
    inner: Mutex<Inner>,
    /// The people forgotten, as they are: open live-update streams of
    /// theirs look at their session again at once instead of at their
    /// next regular check.
    forgotten: tokio::sync::broadcast::Sender<Arc<[i64]>>,
}

/// What a lookup asks of a kept session besides being fresh.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub now: DateTime<Utc>,
    /// The idle limit.
    pub idle: Span,
    /// With `Some(every)`, a session last recorded as used `every` ago or
    /// longer is not served from here: the database lookup records the use.
    pub touch_every: Option<Span>,
}

impl SessionCache {
    /// `trusted`: whether forgets reach this server from the start (one
    /// server on a SQLite file); on PostgreSQL the bus trusts it once it
    /// listens.
    pub fn new(trusted: bool) -> SessionCache {
        SessionCache::with_ttl(trusted, TTL)
    }

    fn with_ttl(trusted: bool, ttl: Duration) -> SessionCache {
        SessionCache {
            ttl,
            forgotten: tokio::sync::broadcast::channel(64).0,
            inner: Mutex::new(Inner {
                epoch: 0,
                all_before: 0,
                forgotten: HashMap::new(),
                trusted,
                off: false,
                entries: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The viewer behind a session token's hash, if kept, fresh and still
    /// within its limits.
    pub fn get(&self, hash: &str, limits: Limits) -> Option<Viewer> {
        let inner = self.lock();
        if !inner.trusted || inner.off {
            return None;
        }
        let e = inner.entries.get(hash)?;
        let s = &e.session;
        let fresh = e.at.elapsed() < self.ttl
            && limits.now < s.expires_at
            && limits.now < s.last_seen + limits.idle
            && limits
                .touch_every
                .is_none_or(|every| limits.now - s.last_seen < every);
        fresh.then(|| s.viewer.clone())
    }

    /// Call before asking the database; pass the answer to [`Self::put`].
    pub fn begin(&self) -> Fill {
        Fill {
            epoch: self.lock().epoch,
            at: Instant::now(),
        }
    }

    /// Keeps a session the database just answered, unless its person (or
    /// everyone) was forgotten since [`Self::begin`], or forgets cannot
    /// reach us.
    pub fn put(&self, fill: Fill, hash: String, session: Session) {
        let mut inner = self.lock();
        let overtaken = fill.epoch < inner.all_before
            || inner
                .forgotten
                .get(&session.viewer.id)
                .is_some_and(|(epoch, _)| *epoch > fill.epoch);
        if !inner.trusted || inner.off || overtaken || fill.at.elapsed() >= self.ttl {
            return;
        }
        if inner.entries.len() >= MAX {
            let ttl = self.ttl;
            inner.entries.retain(|_, e| e.at.elapsed() < ttl);
            if inner.entries.len() >= MAX {
                inner.entries.clear();
            }
        }
        inner.entries.insert(
            hash,
            Entry {
                at: fill.at,
                session,
            },
        );
    }

    /// Forgets every session of these people.
    pub fn forget_users(&self, users: &[i64]) {
        let ttl = self.ttl;
        let mut inner = self.lock();
        inner.epoch += 1;
        let (epoch, now) = (inner.epoch, Instant::now());
        inner.forgotten.retain(|_, (_, at)| at.elapsed() < ttl);
        for u in users {
            inner.forgotten.insert(*u, (epoch, now));
        }
        inner
            .entries
            .retain(|_, e| !users.contains(&e.session.viewer.id));
        drop(inner);
        // Nobody listening is fine.
        let _ = self.forgotten.send(users.into());
    }

    /// Hears the people forgotten from now on (see [`Self::forget_users`];
    /// forgetting everyone is not told: streams see it at their next check).
    pub fn forgotten(&self) -> tokio::sync::broadcast::Receiver<Arc<[i64]>> {
        self.forgotten.subscribe()
    }

    /// Forgets one session (signed out) whoever's it was.
    pub fn forget_token(&self, hash: &str) {
        self.lock().entries.remove(hash);
    }

    fn forget_everything(inner: &mut Inner) {
        inner.epoch += 1;
        inner.all_before = inner.epoch;
        inner.forgotten.clear();
        inner.entries.clear();
    }

    /// Forgets everything.
    pub fn forget_all(&self) {
        Self::forget_everything(&mut self.lock());
    }

    /// Forgets everything and keeps nothing until [`Self::trust`]: forgets
    /// from the other servers may be missed meanwhile.
    pub fn distrust(&self) {
        let mut inner = self.lock();
        Self::forget_everything(&mut inner);
        inner.trusted = false;
    }

    /// Forgets from the other servers reach us again.
    pub fn trust(&self) {
        let mut inner = self.lock();
        Self::forget_everything(&mut inner);
        inner.trusted = true;
    }

    /// Switches keeping sessions off (and forgets them) or on again,
    /// whatever the bus does meanwhile: a bench's figure without it.
    pub fn switch_off(&self, off: bool) {
        let mut inner = self.lock();
        Self::forget_everything(&mut inner);
        inner.off = off;
    }

    /// Whether forgets from the other servers reach us (tests).
    pub fn trusted(&self) -> bool {
        self.lock().trusted
    }

    /// How many sessions are kept (tests, benches).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: i64, now: DateTime<Utc>) -> Session {
        Session {
            viewer: Viewer {
                id,
                name: format!("居民{id}"),
                phone: "13800000000".into(),
                grants: Vec::new(),
                client: String::new(),
            },
            expires_at: now + Span::days(30),
            last_seen: now,
        }
    }

    fn limits(now: DateTime<Utc>) -> Limits {
        Limits {
            now,
            idle: Span::days(7),
            touch_every: Some(Span::seconds(60)),
        }
    }

    #[test]
    fn a_kept_session_is_served_until_forgotten() {
        let now = Utc::now();
        let cache = SessionCache::new(true);
        assert!(cache.get("a", limits(now)).is_none());
        let fill = cache.begin();
        cache.put(fill, "a".into(), session(1, now));
        let fill = cache.begin();
        cache.put(fill, "b".into(), session(2, now));
        assert_eq!(cache.get("a", limits(now)).map(|v| v.id), Some(1));
        cache.forget_users(&[1]);
        assert!(cache.get("a", limits(now)).is_none());
        assert_eq!(cache.get("b", limits(now)).map(|v| v.id), Some(2));
        cache.forget_all();
        assert!(cache.get("b", limits(now)).is_none());
    }

    #[test]
    fn a_lookup_overtaken_by_a_forget_is_not_kept() {
        let now = Utc::now();
        let cache = SessionCache::new(true);
        let (of_1, of_2) = (cache.begin(), cache.begin());
        // Signed out on another server while these lookups were on their way.
        cache.forget_users(&[1]);
        cache.put(of_1, "a".into(), session(1, now));
        assert!(cache.get("a", limits(now)).is_none());
        // Someone else's lookup is kept.
        cache.put(of_2, "b".into(), session(2, now));
        assert!(cache.get("b", limits(now)).is_some());
        // After a forget of everyone, nobody's.
        let fill = cache.begin();
        cache.forget_all();
        cache.put(fill, "b".into(), session(2, now));
        assert!(cache.is_empty());
        // A lookup begun after the forget is kept.
        let fill = cache.begin();
        cache.put(fill, "a".into(), session(1, now));
        assert!(cache.get("a", limits(now)).is_some());
        cache.forget_token("a");
        assert!(cache.is_empty());
    }

    #[test]
    fn nothing_is_kept_or_served_while_forgets_may_be_missed() {
        let now = Utc::now();
        let cache = SessionCache::new(false);
        let fill = cache.begin();
        cache.put(fill, "a".into(), session(1, now));
        assert!(cache.is_empty(), "kept before the bus listened");
        cache.trust();
        let fill = cache.begin();
        cache.put(fill, "a".into(), session(1, now));
        assert!(cache.get("a", limits(now)).is_some());
        cache.distrust();
        assert!(cache.get("a", limits(now)).is_none());
        let fill = cache.begin();
        cache.put(fill, "a".into(), session(1, now));
        assert!(cache.is_empty(), "kept while the bus was lost");
    }

    #[test]
    fn a_session_past_its_limits_is_asked_for_again() {
        let now = Utc::now();
        let cache = SessionCache::new(true);
        let mut s = session(1, now);
        s.expires_at = now + Span::seconds(1);
        let fill = cache.begin();
        cache.put(fill, "a".into(), s);
        assert!(cache.get("a", limits(now)).is_some());
        assert!(
            cache.get("a", limits(now + Span::seconds(2))).is_none(),
            "served past its end"
        );
        // Idle: last used 7 days ago.
        let mut s = session(2, now - Span::days(7));
        s.expires_at = now + Span::days(1);
        let fill = cache.begin();
        cache.put(fill, "b".into(), s);
        assert!(cache.get("b", limits(now)).is_none(), "served past idle");
        // Due to be recorded as used: only a look that records nothing.
        let fill = cache.begin();
        cache.put(fill, "c".into(), session(3, now - Span::seconds(61)));
        assert!(cache.get("c", limits(now)).is_none());
        let look = Limits {
            touch_every: None,
            ..limits(now)
        };
        assert!(cache.get("c", look).is_some());
    }

    #[test]
    fn a_kept_session_is_asked_for_again_after_the_ttl() {
        let now = Utc::now();
        let cache = SessionCache::with_ttl(true, Duration::from_millis(50));
        let fill = cache.begin();
        cache.put(fill, "a".into(), session(1, now));
        assert!(cache.get("a", limits(now)).is_some());
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get("a", limits(now)).is_none());
        // A lookup that took the whole TTL is not kept at all.
        let fill = cache.begin();
        std::thread::sleep(Duration::from_millis(60));
        cache.put(fill, "b".into(), session(2, now));
        assert!(cache.get("b", limits(now)).is_none());
        assert_eq!(cache.len(), 1, "only the expired entry");
    }
}
