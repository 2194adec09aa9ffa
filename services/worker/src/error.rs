//! Why a job failed.

use plaza_clients::ClientError;

/// Everything a job can fail with. Every failure is retried until the job is dead-lettered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown job kind {0}")]
    UnknownKind(String),
    #[error("bad payload: {0}")]
    Payload(#[from] serde_json::Error),
    #[error(transparent)]
    Service(#[from] ClientError),
}

/// The worker's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
