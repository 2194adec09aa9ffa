//! A bound on image work. Decoding a screenshot may hold a full frame (up to
//! [`crate::screenshot::MAX_DECODE_BYTES`]), so the number of decodes running at once bounds the
//! memory uploads can take: a request waits a short while for a free worker and is otherwise
//! told to come back, instead of every upload decoding at once.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The most workers the default (one per CPU) gives: each may hold about 80 MB at its peak, so
/// four keep a burst of maximum-size uploads near 300 MB on any machine.
pub const DEFAULT_MAX_WORKERS: usize = 4;

/// No image worker became free within the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("every image worker is busy")]
pub struct Busy;

/// A fixed number of image workers, shared by every request of a process. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ImageWorkers {
    permits: Arc<Semaphore>,
    size: usize,
    wait: Duration,
}

impl ImageWorkers {
    /// `size` workers (0 means one per CPU, at most [`DEFAULT_MAX_WORKERS`]); a request waits at
    /// most `wait` for one.
    pub fn new(size: usize, wait: Duration) -> Self {
        let size = if size == 0 {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(DEFAULT_MAX_WORKERS)
        } else {
            size
        };
        ImageWorkers {
            permits: Arc::new(Semaphore::new(size)),
            size,
            wait,
        }
    }

    /// How many decodes may run at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Starts `work` on the blocking pool once a worker is free, or answers [`Busy`] when none
    /// frees up within the wait. The worker stays taken until `work` has ended, even if the
    /// caller stops waiting for it.
    pub async fn spawn<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<tokio::task::JoinHandle<T>, Busy> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        Ok(tokio::task::spawn_blocking(move || {
            let _taken = permit;
            work()
        }))
    }

    /// Takes every worker until the returned guard is dropped (for tests and drills that need
    /// the workers busy).
    pub fn occupy_all(&self) -> Option<OwnedSemaphorePermit> {
        let n = u32::try_from(self.size).ok()?;
        self.permits.clone().try_acquire_many_owned(n).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_waits_for_a_free_worker_and_is_refused_when_none_frees_up() {
        let workers = ImageWorkers::new(2, Duration::from_millis(50));
        assert_eq!(workers.size(), 2);
        let all = workers.occupy_all().unwrap();
        assert_eq!(workers.spawn(|| 1).await.unwrap_err(), Busy);
        drop(all);
        assert_eq!(workers.spawn(|| 2).await.unwrap().await.unwrap(), 2);
        assert!(ImageWorkers::new(0, Duration::ZERO).size() >= 1);
    }
}
