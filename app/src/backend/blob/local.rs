//! Blobs in a local directory (the default).
//!
//! A file is written under a temporary name and renamed into place, so a
//! key never names half a file, even when the disk fills mid-write or the
//! process dies. The store keeps a floor of free space on its disk (the
//! database and the logs may share it): below it, and on the disk's own
//! "no space left", a write is refused as [`PutError::Full`].

use super::PutError;
use std::path::{Path, PathBuf};

/// A directory of blobs and the free space kept on its disk.
#[derive(Clone, Debug)]
pub struct Local {
    dir: PathBuf,
    min_free: u64,
}

impl Local {
    /// A store in `dir` that keeps `min_free_mb` MB free on its disk.
    pub fn new(dir: impl Into<PathBuf>, min_free_mb: u64) -> Local {
        Local {
            dir: dir.into(),
            min_free: min_free_mb.saturating_mul(1024 * 1024),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        super::valid_key(key).then(|| self.dir.join(key))
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

    /// Removes files a process left half-written when it died mid-write
    /// (a `.part…` name is never a key) and untouched for `age`: run at
    /// start-up, so a crash loop cannot slowly fill the disk. The age
    /// spares a write still under way on another server sharing the
    /// directory. How many were removed.
    pub async fn sweep_unfinished(&self, age: std::time::Duration) -> std::io::Result<usize> {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || sweep(&dir, age))
            .await
            .map_err(std::io::Error::other)?
    }

    /// Where the store is, the floor it keeps and the space free now, for
    /// the start-up banner: an operator sees at once how close the disk is.
    pub async fn describe(&self) -> String {
        let free = match free_bytes(self.dir.clone()).await {
            Ok(b) => format!("{} MB free now", b / (1024 * 1024)),
            Err(e) => format!("free space unknown: {e}"),
        };
        format!(
            "{} (keeps {} MB free; {free})",
            self.dir.display(),
            self.min_free / (1024 * 1024)
        )
    }
}

/// Whether a file name is one `put` writes before the rename: the key's
/// name with its extension replaced by `part` and eight hex digits.
fn unfinished(name: &Path) -> bool {
    name.extension()
        .and_then(|e| e.to_str())
        .and_then(|e| e.strip_prefix("part"))
        .is_some_and(|tag| tag.len() == 8 && tag.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn sweep(dir: &Path, age: std::time::Duration) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        // No photo yet, no directory yet.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    // One entry that cannot be read (renamed away by another server's
    // `put` meanwhile, a directory without permission) is passed over: the
    // rest are still swept. Links are not followed (`file_type` is the
    // entry's own), so nothing outside the directory is touched.
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            match sweep(&path, age) {
                Ok(n) => removed += n,
                Err(e) => tracing::warn!(dir = %path.display(), error = %e, "not swept"),
            }
        } else if kind.is_file() && unfinished(&path) {
            let idle = entry
                .metadata()
                .and_then(|m| m.modified())
                .map(|t| t.elapsed().unwrap_or_default());
            if idle.is_ok_and(|idle| idle >= age) && std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
    }
    Ok(removed)
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
    use std::time::Duration;

    #[test]
    fn keys_cannot_escape_the_directory() {
        let s = Local::new("/tmp/x", 0);
        assert!(s.path("ab/cd.jpg").is_some());
        assert!(s.path("../etc/passwd").is_none());
        assert!(s.path("/etc/passwd").is_none());
        assert!(s.path("a b").is_none());
        for bad in ["", "a//b", "a/./b", "a/", "./a", "a/.."] {
            assert!(s.path(bad).is_none(), "{bad}");
        }
        assert!(s.path("ab/cd_t.jpg").is_some());
    }

    #[tokio::test]
    async fn a_full_disk_keeps_nothing() {
        let dir = std::env::temp_dir().join(format!("gridlink-blob-{}", rand::random::<u64>()));
        let kept = Local::new(&dir, 0);
        kept.put("a/b.jpg", b"photo").await.unwrap();
        assert_eq!(kept.get("a/b.jpg").await.unwrap(), b"photo");
        // A floor above the disk's free space: refused, and no file left.
        let full = Local::new(&dir, u64::MAX / (1024 * 1024));
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

    #[tokio::test]
    async fn unfinished_files_are_swept_once_old() {
        let dir = std::env::temp_dir().join(format!("gridlink-sweep-{}", rand::random::<u64>()));
        let store = Local::new(&dir, 0);
        assert_eq!(store.sweep_unfinished(Duration::ZERO).await.unwrap(), 0);
        store.put("ab/cd/photo.jpg", b"photo").await.unwrap();
        let inner = dir.join("ab/cd");
        let write = |name: &str, age: Duration| {
            let f = std::fs::File::create(inner.join(name)).unwrap();
            f.set_modified(std::time::SystemTime::now() - age).unwrap();
        };
        // Left by a process that died an hour ago; one being written now;
        // and names that only look alike.
        write("dead.part0badf00d", Duration::from_secs(3600));
        write("busy.part1234abcd", Duration::ZERO);
        write("x.partial", Duration::from_secs(3600));
        write("y.part123", Duration::from_secs(3600));
        let removed = store
            .sweep_unfinished(Duration::from_secs(600))
            .await
            .unwrap();
        assert_eq!(removed, 1);
        let mut names = std::fs::read_dir(&inner)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect::<Vec<_>>();
        names.sort();
        assert_eq!(
            names,
            ["busy.part1234abcd", "photo.jpg", "x.partial", "y.part123"]
        );
        assert_eq!(store.get("ab/cd/photo.jpg").await.unwrap(), b"photo");
        assert!(store.describe().await.contains("keeps 0 MB free"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
