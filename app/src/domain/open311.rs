//! Open311 client applications (issue 13): other systems (a 12345 hotline
//! platform, a FixMyStreet) that file cases with an API key a system admin
//! issued. The key is shown once; only its hash is kept, with its last
//! characters so an admin can tell keys apart.

use super::error::{text_problem, Field, InputProblem, Problems};
use serde::{Deserialize, Serialize};

/// Longest application name, in characters.
pub const MAX_APP_NAME: usize = 40;
/// Longest `media_url` kept, in bytes.
pub const MAX_MEDIA_URL: usize = 500;
/// Reports one application may file a minute, and a day (a runaway client
/// must not flood the grid workers' queues).
pub const POSTS_A_MINUTE: usize = 120;
pub const POSTS_A_DAY: usize = 5_000;
/// A report a client sends again with every field the same (but its key) within this
/// many hours is the same report (its answer was lost on the way: a
/// dropped connection, a restarted server) and gets the first one's id.
/// GeoReport v2 has no idempotency key; FixMyStreet and others resend
/// a report unchanged until it is answered.
pub const RESEND_WINDOW_HOURS: i64 = 24;

/// The start of the resend window at `now`: reports filed since then are
/// found by their fingerprint; older fingerprints are forgotten.
pub fn resend_window_start(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    now - chrono::Duration::hours(RESEND_WINDOW_HOURS)
}
/// How many of a key's last characters an admin sees.
pub const KEY_TAIL: usize = 4;

/// A client application as the admin page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientView {
    pub id: i64,
    pub name: String,
    /// The key's last characters (`…a1b2`): the key itself is never shown again.
    pub key_tail: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Cases it has filed.
    pub filed: i64,
}

/// A client registered just now, with its key (shown this once).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Registered {
    pub client: ClientView,
    pub key: String,
}

/// Never the key, should this ever reach a log.
impl std::fmt::Debug for Registered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registered")
            .field("client", &self.client)
            .field("key", &"…")
            .finish()
    }
}

/// What is wrong with an application name.
pub fn name_problems(name: &str) -> Problems {
    let mut out = Problems::new();
    if let Some(p) = text_problem(name, MAX_APP_NAME, true) {
        out.push((Field::AppName, p));
    } else if name.trim().chars().any(char::is_control) {
        out.push((Field::AppName, InputProblem::Unknown));
    }
    out
}

/// Whether a key has our keys' shape (64 hex digits): anything else is
/// refused before the database is asked.
pub fn key_shape(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A `media_url` as kept: an absolute http(s) address without spaces or
/// control characters, not too long. It is stored and handed back, never
/// fetched by the server (no request to wherever a client points).
pub fn media_url(raw: &str) -> Result<Option<String>, InputProblem> {
    let u = raw.trim();
    if u.is_empty() {
        return Ok(None);
    }
    if u.len() > MAX_MEDIA_URL {
        return Err(InputProblem::TooLong);
    }
    let lower = u.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => {}
        _ => return Err(InputProblem::Unknown),
    }
    if u.chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(InputProblem::Unknown);
    }
    Ok(Some(u.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(name_problems("FixMyStreet 北京").is_empty());
        assert_eq!(
            name_problems("  "),
            vec![(Field::AppName, InputProblem::Required)]
        );
        assert_eq!(
            name_problems(&"长".repeat(MAX_APP_NAME + 1)),
            vec![(Field::AppName, InputProblem::TooLong)]
        );
        assert_eq!(
            name_problems("a\u{7}b"),
            vec![(Field::AppName, InputProblem::Unknown)]
        );
    }

    #[test]
    fn keys() {
        assert!(key_shape(&"ab12".repeat(16)));
        assert!(!key_shape(&"ab12".repeat(15)));
        assert!(!key_shape(&"zz12".repeat(16)));
    }

    #[test]
    fn media_urls() {
        assert_eq!(media_url(" "), Ok(None));
        assert_eq!(
            media_url("https://example.org/p/1.jpg"),
            Ok(Some("https://example.org/p/1.jpg".into()))
        );
        assert_eq!(media_url("javascript:alert(1)"), Err(InputProblem::Unknown));
        assert_eq!(media_url("https:///etc"), Err(InputProblem::Unknown));
        assert_eq!(media_url("http://a b"), Err(InputProblem::Unknown));
        assert_eq!(
            media_url(&format!("https://e.org/{}", "x".repeat(MAX_MEDIA_URL))),
            Err(InputProblem::TooLong)
        );
    }
}
