//! Argon2id password hashes, computed off the async runtime.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// A hash of a password nobody has: verifying against it when the account
/// does not exist costs the same time as a real check.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$QK0Z0v6bC7QwM8Pj8i4mJ4X0jvZ1gq3yqkQ1r5y8n1c";

pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// True when `password` matches `stored`; with no stored hash, spends the
/// same effort and answers false.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
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
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let h = super::hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse".into(), Some(h.clone())).await);
        assert!(!super::verify("wrong".into(), Some(h)).await);
        assert!(!super::verify("anything".into(), None).await);
    }
}

#[cfg(test)]
mod dummy_tests {
    #[test]
    fn the_dummy_hash_parses_so_missing_accounts_cost_a_real_check() {
        assert!(argon2::PasswordHash::new(super::DUMMY).is_ok());
    }
}
