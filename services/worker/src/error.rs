//! Why a job failed.

use plaza_clients::ClientError;

/// Everything a job can fail with. Every failure is retried until the job is dead-lettered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The stored job could not be read ([`plaza_types::jobs::DecodeError`]'s message).
    #[error("unreadable job: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Service(#[from] ClientError),
    /// The region's database failed (writing an outbox row).
    #[error("the database failed: {0}")]
    Database(#[from] plaza_storage::sqlx::Error),
    /// The object store did not delete an object.
    #[error("the media store failed: {0}")]
    Media(#[from] std::io::Error),
}

/// The worker's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
