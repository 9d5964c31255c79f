//! Argon2id password hashes, computed off the async runtime, a few at a time.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// A hash of a password nobody has: verifying against it when the account
/// does not exist costs the same time as a real check.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$QK0Z0v6bC7QwM8Pj8i4mJ4X0jvZ1gq3yqkQ1r5y8n1c";

/// At most this many hashes at once, whatever the machine: each takes
/// 19 MiB, and more at once than cores only makes every one slower.
const MAX_SLOTS: usize = 8;

/// Argon2 is built to be slow and memory-hungry. Run unbounded, a burst of
/// sign-ins takes every core and every blocking thread and starves the rest
/// of the server; run one per core, each finishes in its ~50–100 ms and the
/// others queue on the semaphore, first come, first served.
static SLOTS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores.clamp(1, MAX_SLOTS)))
});

/// Password checks run since start (for tests and the benchmark: proof that
/// the limiter stops guesses before they reach Argon2).
static VERIFICATIONS: AtomicU64 = AtomicU64::new(0);

/// How many password verifications this process has run.
pub fn verifications() -> u64 {
    VERIFICATIONS.load(Ordering::Relaxed)
}

/// Longest wait for a hashing slot before the attempt is refused.
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// The error text of a refused wait (callers map it to `AppError::Busy`).
pub const BUSY: &str = "password hashing busy";

/// Runs `work` on a blocking thread once a slot is free. The permit moves
/// into the thread, so a caller that gives up early does not free its slot
/// while its hash is still being computed.
async fn on_a_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    // A bounded wait: a flood of sign-ins from many addresses must not
    // queue real users behind it for ever; the rest are told to retry.
    let permit = tokio::time::timeout(MAX_WAIT, SLOTS.clone().acquire_owned())
        .await
        .map_err(|_| BUSY.to_string())?
        .map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || {
        let _held = permit;
        work()
    })
    .await
    .map_err(|e| e.to_string())
}

pub async fn hash(password: String) -> Result<String, String> {
    on_a_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await?
}

/// True when `password` matches `stored`; with no stored hash, spends the
/// same effort and answers false.
/// `None` when no hashing slot came free in time (the caller answers busy
/// and does not count the attempt).
pub async fn verify(password: String, stored: Option<String>) -> Option<bool> {
    on_a_slot(move || {
        VERIFICATIONS.fetch_add(1, Ordering::Relaxed);
        let real = stored.is_some();
        let text = stored.unwrap_or_else(|| DUMMY.to_string());
        let Ok(parsed) = PasswordHash::new(&text) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && real
    })
    .await
    .ok()
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let before = super::verifications();
        let h = super::hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert_eq!(
            super::verify("correct horse".into(), Some(h.clone())).await,
            Some(true)
        );
        assert_eq!(super::verify("wrong".into(), Some(h)).await, Some(false));
        assert_eq!(super::verify("anything".into(), None).await, Some(false));
        assert!(super::verifications() >= before + 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_at_once_all_finish() {
        let h = super::hash("correct horse".into()).await.unwrap();
        let checks: Vec<_> = (0..12)
            .map(|_| tokio::spawn(super::verify("correct horse".into(), Some(h.clone()))))
            .collect();
        for c in checks {
            assert_eq!(c.await.unwrap(), Some(true));
        }
    }
}

#[cfg(test)]
mod dummy_tests {
    #[test]
    fn the_dummy_hash_parses_so_missing_accounts_cost_a_real_check() {
        assert!(argon2::PasswordHash::new(super::DUMMY).is_ok());
    }
}
