//! Where uploaded files live. A local directory by default; an object store
//! can implement the same two calls later.

use std::path::PathBuf;

/// A place to keep and fetch blobs by key.
#[derive(Clone, Debug)]
pub struct BlobStore {
    dir: PathBuf,
}

impl BlobStore {
    pub fn local(dir: impl Into<PathBuf>) -> BlobStore {
        BlobStore { dir: dir.into() }
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

    pub async fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self
            .path(key)
            .ok_or_else(|| std::io::Error::other("bad key"))?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::write(path, bytes).await
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

#[cfg(test)]
mod tests {
    #[test]
    fn keys_cannot_escape_the_directory() {
        let s = super::BlobStore::local("/tmp/x");
        assert!(s.path("ab/cd.jpg").is_some());
        assert!(s.path("../etc/passwd").is_none());
        assert!(s.path("/etc/passwd").is_none());
        assert!(s.path("a b").is_none());
    }
}
