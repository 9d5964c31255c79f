//! Where uploaded files live: a local directory by default ([`local`]), or
//! an S3-compatible object store when configured ([`s3`], `GRIDLINK_S3_*`),
//! which several app servers share without a shared disk. Callers see one
//! store with the same calls and the same refusals either way.

mod local;
pub mod s3;
pub mod sigv4;

use std::sync::Arc;

pub use local::Local;

/// Free space kept on the photo disk unless configured
/// (`GRIDLINK_PHOTO_MIN_FREE_MB`).
pub const DEFAULT_MIN_FREE_MB: u64 = 100;

/// A place to keep and fetch blobs by key.
#[derive(Clone, Debug)]
pub enum BlobStore {
    Local(Local),
    /// The bucket, and the directory photos were kept in before it (read
    /// when the bucket has no such key, so switching loses no photo; copy
    /// the directory into the bucket at leisure: keys are its paths).
    S3(Arc<s3::S3Store>, Option<Local>),
}

/// Keys are made by us (hex, `/`, `_`, `.`): anything else, or anything that
/// could climb out of a directory or a bucket, is refused: every
/// `/`-separated part is a plain name (no empty, `.` or `..` part), so a key
/// names the same thing on disk and in a bucket.
fn valid_key(key: &str) -> bool {
    key.split('/')
        .all(|part| !part.is_empty() && part != "." && part != "..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'.' || b == b'_')
}

/// Why a blob was not kept.
#[derive(Debug)]
pub enum PutError {
    /// No room: the disk is full, or would be under the floor after it;
    /// or the object store says it is full or over its quota.
    Full,
    Io(std::io::Error),
}

impl std::fmt::Display for PutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PutError::Full => f.write_str("the blob store is out of space"),
            PutError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<std::io::Error> for PutError {
    fn from(e: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::StorageFull | K::QuotaExceeded | K::FileTooLarge => PutError::Full,
            _ => PutError::Io(e),
        }
    }
}

impl BlobStore {
    /// A store in `dir` that keeps `min_free_mb` MB free on its disk.
    pub fn local(dir: impl Into<std::path::PathBuf>, min_free_mb: u64) -> BlobStore {
        BlobStore::Local(Local::new(dir, min_free_mb))
    }

    /// Keeps `bytes` under `key`, whole or not at all.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), PutError> {
        match self {
            BlobStore::Local(l) => l.put(key, bytes).await,
            BlobStore::S3(s, _) => s.put(key, bytes).await,
        }
    }

    /// The blob under `key` (`NotFound` when there is none).
    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        match self {
            BlobStore::Local(l) => l.get(key).await,
            BlobStore::S3(s, before) => match (s.get(key).await, before) {
                (Err(e), Some(before)) if e.kind() == std::io::ErrorKind::NotFound => {
                    before.get(key).await
                }
                (got, _) => got,
            },
        }
    }

    /// Removes `key` if it is there (best effort: a blob left behind is
    /// waste, never a dangling reference).
    pub async fn delete(&self, key: &str) {
        match self {
            BlobStore::Local(l) => l.delete(key).await,
            BlobStore::S3(s, _) => s.delete(key).await,
        }
    }

    /// Removes what a killed process left half-written, untouched for
    /// `age`; how many. An object store never shows half an object.
    pub async fn sweep_unfinished(&self, age: std::time::Duration) -> std::io::Result<usize> {
        match self {
            BlobStore::Local(l) => l.sweep_unfinished(age).await,
            BlobStore::S3(..) => Ok(0),
        }
    }

    /// Where the store is, for the start-up banner.
    pub async fn describe(&self) -> String {
        match self {
            BlobStore::Local(l) => l.describe().await,
            BlobStore::S3(s, before) => match before {
                Some(l) => format!(
                    "{}; photos kept before it read from {}",
                    s.describe(),
                    l.dir().display()
                ),
                None => s.describe(),
            },
        }
    }
}
