//! Where uploaded files live. A local directory by default; an object store
//! can implement the same calls later.
//!
//! A file is written under a temporary name and renamed into place, so a
//! key never names half a file, even when the disk fills mid-write or the
//! process dies. The store keeps a floor of free space on its disk (the
//! database and the logs may share it): below it, and on the disk's own
//! "no space left", a write is refused as [`PutError::Full`].

use std::path::{Path, PathBuf};

/// Free space kept on the photo disk unless configured
/// (`GRIDLINK_PHOTO_MIN_FREE_MB`).
pub const DEFAULT_MIN_FREE_MB: u64 = 100;

/// A place to keep and fetch blobs by key.
#[derive(Clone, Debug)]
pub struct BlobStore {
    dir: PathBuf,
    min_free: u64,
}

/// Why a blob was not kept.
#[derive(Debug)]
pub enum PutError {
    /// No room: the disk is full, or would be under the floor after it.
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
    pub fn local(dir: impl Into<PathBuf>, min_free_mb: u64) -> BlobStore {
        BlobStore {
            dir: dir.into(),
            min_free: min_free_mb.saturating_mul(1024 * 1024),
        }
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        // Keys are made by us (hex and `/`); refuse anything that could escape.
        let safe = !key.is_empty()
            && !key.starts_with('/')
            && !key.contains("..")
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'.' || b == b'_');
        safe.then(|| self.dir.join(key))
    }

    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), PutError> {
        let path = self
            .path(key)
            .ok_or_else(|| PutError::Io(std::io::Error::other("bad key")))?;
        let parent = path.parent().unwrap_or(&self.dir).to_path_buf();
        tokio::fs::create_dir_all(&parent).await?;
        let free = free_bytes(parent.clone()).await?;
        if free < self.min_free.saturating_add(bytes.len() as u64) {
            return Err(PutError::Full);
        }
        let part = path.with_extension(format!("part{:08x}", rand::random::<u32>()));
        // Synced before the rename: some disks (NFS, quotas) report a full
        // disk only then, and after a power cut a key must not name an
        // empty file.
        let written = async {
            use tokio::io::AsyncWriteExt;
            let mut file = tokio::fs::File::create(&part).await?;
            file.write_all(bytes).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&part, &path).await
        }
        .await;
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(&part).await;
            return Err(e.into());
        }
        Ok(())
    }

    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        let path = self
            .path(key)
            .ok_or_else(|| std::io::Error::other("bad key"))?;
        tokio::fs::read(path).await
    }

    pub async fn delete(&self, key: &str) {
        if let Some(path) = self.path(key) {
            let _ = tokio::fs::remove_file(path).await;
        }
    }
}

/// Bytes an unprivileged writer may still use on the disk holding `dir`.
async fn free_bytes(dir: PathBuf) -> std::io::Result<u64> {
    tokio::task::spawn_blocking(move || available(&dir))
        .await
        .map_err(std::io::Error::other)?
}

fn available(dir: &Path) -> std::io::Result<u64> {
    let s = rustix::fs::statvfs(dir).map_err(std::io::Error::from)?;
    Ok(s.f_bavail.saturating_mul(s.f_frsize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_directory() {
        let s = BlobStore::local("/tmp/x", 0);
        assert!(s.path("ab/cd.jpg").is_some());
        assert!(s.path("../etc/passwd").is_none());
        assert!(s.path("/etc/passwd").is_none());
        assert!(s.path("a b").is_none());
    }

    #[tokio::test]
    async fn a_full_disk_keeps_nothing() {
        let dir = std::env::temp_dir().join(format!("gridlink-blob-{}", rand::random::<u64>()));
        let kept = BlobStore::local(&dir, 0);
        kept.put("a/b.jpg", b"photo").await.unwrap();
        assert_eq!(kept.get("a/b.jpg").await.unwrap(), b"photo");
        // A floor above the disk's free space: refused, and no file left.
        let full = BlobStore::local(&dir, u64::MAX / (1024 * 1024));
        assert!(matches!(
            full.put("a/c.jpg", b"photo").await,
            Err(PutError::Full)
        ));
        let mut names = std::fs::read_dir(dir.join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect::<Vec<_>>();
        names.sort();
        assert_eq!(names, ["b.jpg"]);
        // The disk's own "no space left" is the same refusal.
        let enospc = std::io::Error::from_raw_os_error(28);
        assert!(matches!(PutError::from(enospc), PutError::Full));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
