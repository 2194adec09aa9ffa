//! Media: hand-drawn pictures (320×120, black on white) from the browser canvas or from games,
//! validated and stored as 1-bit PNGs, and the content-addressed object store that keeps them.
//! Decoding is bounded in memory (image size and allocation limits, capped decompression) and
//! runs off the async runtime's threads on a fixed number of [`ImageWorkers`].

pub mod drawing;
pub mod error;
pub mod s3;
pub mod screenshot;
pub mod store;
pub mod workers;

pub use drawing::Drawing;
pub use error::MediaError;
pub use s3::{S3Settings, S3Store};
pub use store::{DiskStore, ObjectStore};
pub use workers::{Busy, ImageWorkers};
