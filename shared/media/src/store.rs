//! The object store: immutable, content-addressed objects (the same bytes always get the same
//! key, so an image uploaded twice is stored once). The embedded mode keeps them on the local disk;
//! a region uses S3 behind the same trait.

use sha2::{Digest, Sha256};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

/// A boxed future, so the trait can be used as `Arc<dyn ObjectStore>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where media objects live.
pub trait ObjectStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` under `key` (a no-op when it is there already).
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, std::io::Result<()>>;
    /// The object under `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, std::io::Result<Option<Vec<u8>>>>;
}

/// The content address of `bytes`: lowercase hex SHA-256.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `key` is one this store makes: lowercase letters, digits, `/`, `@`, `.` and `-`, no
/// `..`, not absolute. Anything else is refused before it touches the disk.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && !key.starts_with('/')
        && !key.contains("..")
        && key.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'/' | b'@' | b'.' | b'-')
        })
}

/// Objects as files under a folder.
#[derive(Debug, Clone)]
pub struct DiskStore {
    root: PathBuf,
}

impl DiskStore {
    /// A store rooted at `root` (made when missing).
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(DiskStore { root })
    }

    fn path(&self, key: &str) -> std::io::Result<PathBuf> {
        if valid_key(key) {
            Ok(self.root.join(key))
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "invalid object key",
            ))
        }
    }
}

impl ObjectStore for DiskStore {
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, std::io::Result<()>> {
        Box::pin(async move {
            let path = self.path(key)?;
            if tokio::fs::try_exists(&path).await? {
                return Ok(());
            }
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            // Write beside, then rename: a reader never sees half an object.
            let tmp = path.with_extension(format!(
                "tmp-{}",
                content_hash(bytes).get(..12).unwrap_or("x")
            ));
            tokio::fs::write(&tmp, bytes).await?;
            tokio::fs::rename(&tmp, &path).await
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, std::io::Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            let path = self.path(key)?;
            match tokio::fs::read(&path).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        })
    }
}
