//! The object store: immutable, content-addressed objects (the same bytes always get the same
//! key, so an image uploaded twice is stored once). The embedded mode keeps them on the local disk;
//! a region uses S3 behind the same trait.

use sha2::{Digest, Sha256};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// A boxed future, so the trait can be used as `Arc<dyn ObjectStore>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What every store operation returns: a boxed future that may fail with an I/O error.
pub type IoFuture<'a, T> = BoxFuture<'a, std::io::Result<T>>;

/// Where media objects live.
pub trait ObjectStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` under `key` (a no-op when it is there already).
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> IoFuture<'a, ()>;
    /// The object under `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> IoFuture<'a, Option<Vec<u8>>>;
    /// Keys under `prefix` (such as `drawings/`) of objects stored at least `age` ago.
    fn list_older_than<'a>(&'a self, prefix: &'a str, age: Duration) -> IoFuture<'a, Vec<String>>;
    /// Removes an object (a no-op when it is not there).
    fn delete<'a>(&'a self, key: &'a str) -> IoFuture<'a, ()>;
}

/// The content address of `bytes`: lowercase hex SHA-256.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `key` is one this store makes: lowercase letters, digits, `/`, `@`, `.` and `-`, no
/// `..`, not absolute, and every `/`-separated part a name (not empty, not `.`), so a key can
/// never name a folder such as `drawings/` or `./drawings`. Anything else is refused before it
/// touches the disk or the bucket.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && !key.contains("..")
        && key.split('/').all(|part| !part.is_empty() && part != ".")
        && key.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'/' | b'@' | b'.' | b'-')
        })
}

/// The key of the object a rendition belongs to: `x@2x.png` and `x-thumb.jpg` belong to `x.png`
/// and `x.jpg`. Rows refer to the original only.
pub fn original_key(key: &str) -> String {
    if let Some(stem) = key.strip_suffix("@2x.png") {
        return format!("{stem}.png");
    }
    if let Some((stem, ext)) = key.rsplit_once('.')
        && let Some(base) = stem.strip_suffix("-thumb")
    {
        return format!("{base}.{ext}");
    }
    key.to_owned()
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

/// Writes `bytes` to `path` unless an object is there already. The bytes go to a temporary file
/// with a unique name beside it, renamed over `path` at once: a reader never sees half an object,
/// and writers of the same new object at the same moment each rename a complete file of the same
/// bytes (a name derived from the content would have them write and rename one shared file).
fn write_once(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if path.is_file() {
        return Ok(());
    }
    let parent = path
        .parent()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no folder"))?;
    std::fs::create_dir_all(parent)?;
    // Upper-case letters in the random part keep temporary names out of `valid_key`, so a
    // listing never offers one for clean-up or serving.
    let mut tmp = tempfile::Builder::new()
        .prefix(".Tmp-")
        .tempfile_in(parent)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map(drop).map_err(|e| e.error)
}

impl ObjectStore for DiskStore {
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> IoFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(key)?;
            let bytes = bytes.to_vec();
            tokio::task::spawn_blocking(move || write_once(&path, &bytes))
                .await
                .map_err(std::io::Error::other)?
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> IoFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let path = self.path(key)?;
            match tokio::fs::read(&path).await {
                Ok(bytes) => Ok(Some(bytes)),
                // A folder (`drawings`) or a path through an object is no object either.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound
                            | std::io::ErrorKind::IsADirectory
                            | std::io::ErrorKind::NotADirectory
                    ) =>
                {
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        })
    }

    fn list_older_than<'a>(&'a self, prefix: &'a str, age: Duration) -> IoFuture<'a, Vec<String>> {
        Box::pin(async move {
            let dir = self.path(prefix.trim_end_matches('/'))?;
            let mut entries = match tokio::fs::read_dir(&dir).await {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(e),
            };
            let cutoff = SystemTime::now()
                .checked_sub(age)
                .unwrap_or(SystemTime::UNIX_EPOCH);
            let mut keys = Vec::new();
            while let Some(entry) = entries.next_entry().await? {
                let meta = entry.metadata().await?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let key = format!("{}/{name}", prefix.trim_end_matches('/'));
                if meta.is_file() && valid_key(&key) && meta.modified()? <= cutoff {
                    keys.push(key);
                }
            }
            keys.sort();
            Ok(keys)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> IoFuture<'a, ()> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(key)?).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renditions_belong_to_their_original() {
        assert_eq!(original_key("drawings/ab@2x.png"), "drawings/ab.png");
        assert_eq!(
            original_key("screenshots/cd-thumb.jpg"),
            "screenshots/cd.jpg"
        );
        assert_eq!(original_key("drawings/ab.png"), "drawings/ab.png");
    }

    #[tokio::test]
    async fn objects_are_stored_once_listed_by_age_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = DiskStore::new(dir.path()).unwrap();
        store.put("drawings/a.png", b"one").await.unwrap();
        store.put("drawings/a.png", b"one").await.unwrap();
        assert_eq!(store.get("drawings/a.png").await.unwrap().unwrap(), b"one");
        assert_eq!(
            store
                .list_older_than("drawings/", Duration::ZERO)
                .await
                .unwrap(),
            vec!["drawings/a.png"]
        );
        assert!(
            store
                .list_older_than("drawings/", Duration::from_secs(3600))
                .await
                .unwrap()
                .is_empty()
        );
        store.delete("drawings/a.png").await.unwrap();
        store.delete("drawings/a.png").await.unwrap();
        assert!(store.get("drawings/a.png").await.unwrap().is_none());
        assert!(store.put("../escape.png", b"x").await.is_err());
        assert!(
            store
                .list_older_than("nothing/", Duration::ZERO)
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn sixteen_writers_of_the_same_new_object_all_succeed_and_one_complete_object_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(DiskStore::new(dir.path()).unwrap());
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut writers = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let (store, bytes) = (store.clone(), bytes.clone());
            writers.spawn(async move { store.put("drawings/same.png", &bytes).await });
        }
        while let Some(result) = writers.join_next().await {
            result.unwrap().unwrap();
        }
        assert_eq!(
            store.get("drawings/same.png").await.unwrap().unwrap(),
            bytes
        );
        let names: Vec<_> = std::fs::read_dir(dir.path().join("drawings"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["same.png"], "no temporary file is left behind");
    }

    #[tokio::test]
    async fn folders_and_dot_paths_are_no_objects() {
        let dir = tempfile::tempdir().unwrap();
        let store = DiskStore::new(dir.path()).unwrap();
        store.put("drawings/a.png", b"one").await.unwrap();
        for key in [
            "drawings/",
            ".",
            "./drawings",
            "drawings/./a.png",
            "a//b.png",
            "/a.png",
        ] {
            assert!(!valid_key(key), "{key}");
        }
        // Valid keys that name a folder, or go through an object, are simply not there.
        assert!(store.get("drawings").await.unwrap().is_none());
        assert!(store.get("drawings/a.png/x").await.unwrap().is_none());
        assert!(valid_key("drawings/ab@2x.png") && valid_key("screenshots/cd-thumb.jpg"));
    }
}
