//! Sealed fields: personal data that is stored encrypted (AES-256-GCM) and
//! read back only through the store, so a copy of the database (a backup, a
//! dump, a stolen disk) does not carry it. Today: household members' ID
//! numbers (issue 12: "always stored and shown masked unless revealed").
//!
//! The key is the server's, not the database's: `GRIDLINK_DATA_KEY` (64 hex
//! digits; every server of a cluster needs the same one), else a key file
//! (`GRIDLINK_DATA_KEY_FILE`, default `data/gridlink.key`) made on first
//! start, readable by its owner only. Losing the key loses the sealed values;
//! back it up apart from the database.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;
use std::sync::OnceLock;

/// What a sealed value starts with; a value without it was stored before
/// sealing began and is read as it is (and sealed by [`backfill`]).
pub const PREFIX: &str = "s1:";

static KEY: OnceLock<LessSafeKey> = OnceLock::new();

/// A data key. Its `Debug` shows nothing of it (the settings are logged).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DataKey(pub [u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// Makes `key` the process's data key. The first one stays: a process has
/// one key (tests that start several apps in one process share the first).
pub fn install(key: DataKey) {
    let _ = KEY.get_or_init(|| {
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &key.0).expect("a 32-byte AES key"))
    });
}

/// Parses `GRIDLINK_DATA_KEY`: 64 hex digits.
pub fn parse_key(hex: &str) -> Result<DataKey, String> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("the data key must be 64 hex digits (32 bytes)".into());
    }
    let mut key = [0u8; 32];
    for (i, k) in key.iter_mut().enumerate() {
        *k = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(DataKey(key))
}

/// Reads the key file, or makes one (32 random bytes as hex, mode 0600).
pub fn key_file(path: &Path) -> Result<DataKey, String> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return parse_key(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let mut key = [0u8; 32];
    SystemRandom::new()
        .fill(&mut key)
        .map_err(|_| "no randomness for a data key".to_string())?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = super::hex::hex(&key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    use std::io::Write;
    let mut file = options
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "made a new data key for sealed fields; back it up apart from the database"
    );
    Ok(DataKey(key))
}

fn key() -> Result<&'static LessSafeKey, String> {
    KEY.get()
        .ok_or_else(|| "no data key installed (AppState::new installs it)".to_string())
}

/// Seals a value: `s1:` + hex(nonce ‖ ciphertext ‖ tag).
pub fn seal(plain: &str) -> Result<String, String> {
    let key = key()?;
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| "no randomness for a nonce".to_string())?;
    let mut data = plain.as_bytes().to_vec();
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
        .map_err(|_| "sealing failed".to_string())?;
    let mut out = String::with_capacity(PREFIX.len() + 2 * (NONCE_LEN + data.len()));
    out.push_str(PREFIX);
    out.push_str(&super::hex::hex(&nonce));
    out.push_str(&super::hex::hex(&data));
    Ok(out)
}

/// Opens a stored value; one stored before sealing began comes back as it is.
pub fn open(stored: &str) -> Result<String, String> {
    let Some(hex) = stored.strip_prefix(PREFIX) else {
        return Ok(stored.to_string());
    };
    let bytes = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| "a sealed value is damaged".to_string())?;
    if bytes.len() < NONCE_LEN || hex.len() % 2 != 0 {
        return Err("a sealed value is damaged".into());
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let mut data = sealed.to_vec();
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| "bad nonce".to_string())?;
    let plain = key()?
        .open_in_place(nonce, Aad::empty(), &mut data)
        .map_err(|_| "a sealed value does not open with this key".to_string())?;
    String::from_utf8(plain.to_vec()).map_err(|_| "a sealed value is not text".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_seal_open_and_refuse_tampering() {
        install(DataKey([7u8; 32]));
        let id = "11010519491231002X";
        let a = seal(id).unwrap();
        let b = seal(id).unwrap();
        assert!(a.starts_with(PREFIX) && !a.contains(id));
        assert_ne!(a, b, "a fresh nonce each time: equal IDs do not look equal");
        assert_eq!(open(&a).unwrap(), id);
        // One character changed: the tag does not match.
        let mut t = a.clone().into_bytes();
        let last = t.len() - 1;
        t[last] = if t[last] == b'0' { b'1' } else { b'0' };
        assert!(open(&String::from_utf8(t).unwrap()).is_err());
        // A value from before sealing reads as it is.
        assert_eq!(open(id).unwrap(), id);
    }

    #[test]
    fn keys_are_64_hex_digits() {
        assert!(parse_key(&"ab".repeat(32)).is_ok());
        assert!(parse_key("abc").is_err());
        assert!(parse_key(&"zz".repeat(32)).is_err());
    }
}
