//! Objects in an S3 bucket (Garage in a local region, AWS S3 or any S3-compatible store in
//! production) through `aws-sdk-s3`. Objects are written once with immutable cache headers; the
//! CDN edge (nginx) serves them to people, so the bucket itself need not be public.

use crate::store::{IoFuture, ObjectStore, valid_key};
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::primitives::ByteStream;
use std::time::{Duration, SystemTime};

/// Where and how to reach the bucket: the `[s3]` section of the configuration.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    /// The S3 API's base URL, such as `http://127.0.0.1:3900` for a local Garage; empty means
    /// AWS's own endpoint.
    #[serde(default)]
    pub endpoint: String,
    /// The signing region (`garage` for Garage, the bucket's region such as `eu-west-1` for AWS).
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Path-style URLs (`endpoint/bucket/key`), which Garage and most self-hosted stores need
    /// (the default); false for AWS's virtual hosts.
    #[serde(default = "path_style_default")]
    pub path_style: bool,
}

fn path_style_default() -> bool {
    true
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .finish_non_exhaustive()
    }
}

/// A bucket behind the [`ObjectStore`] trait.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: aws_sdk_s3::Client,
    bucket: String,
}

fn io_err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

fn content_type(key: &str) -> &'static str {
    if key.ends_with(".jpg") {
        "image/jpeg"
    } else {
        "image/png"
    }
}

impl S3Store {
    /// A store for `settings.bucket` (no request is made until first use).
    pub fn new(settings: &S3Settings) -> Self {
        let mut config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(settings.region.clone()))
            .credentials_provider(Credentials::new(
                settings.access_key_id.clone(),
                settings.secret_access_key.clone(),
                None,
                None,
                "plaza-config",
            ))
            .force_path_style(settings.path_style)
            // A stopped store must fail fast and clearly (503 media_unavailable), not after the
            // SDK's default retries with back-off: connecting is bounded at 1 s, an attempt at
            // 5 s, one quick retry, and the whole operation at 10 s.
            .timeout_config(
                aws_sdk_s3::config::timeout::TimeoutConfig::builder()
                    .connect_timeout(std::time::Duration::from_secs(1))
                    .operation_attempt_timeout(std::time::Duration::from_secs(5))
                    .operation_timeout(std::time::Duration::from_secs(10))
                    .build(),
            )
            .retry_config(
                aws_sdk_s3::config::retry::RetryConfig::standard()
                    .with_max_attempts(2)
                    .with_initial_backoff(std::time::Duration::from_millis(50)),
            )
            // Checksums only where S3 requires them: self-hosted stores differ in which
            // optional checksum headers they accept.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if !settings.endpoint.is_empty() {
            config = config.endpoint_url(settings.endpoint.clone());
        }
        S3Store {
            client: aws_sdk_s3::Client::from_conf(config.build()),
            bucket: settings.bucket.clone(),
        }
    }

    fn check(key: &str) -> std::io::Result<()> {
        if valid_key(key) {
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "invalid object key",
            ))
        }
    }

    /// Creates the bucket (tests make one each; a region's is made by provisioning).
    pub async fn create_bucket(&self) -> std::io::Result<()> {
        self.client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| io_err(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }

    /// Whether the bucket answers (for `/readyz`).
    pub async fn reachable(&self) -> bool {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .is_ok()
    }
}

impl ObjectStore for S3Store {
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> IoFuture<'a, ()> {
        Box::pin(async move {
            Self::check(key)?;
            // Content-addressed: an object already there has these very bytes.
            if self
                .client
                .head_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await
                .is_ok()
            {
                return Ok(());
            }
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(key)
                .content_type(content_type(key))
                .cache_control("public, max-age=31536000, immutable")
                .body(ByteStream::from(bytes.to_vec()))
                .send()
                .await
                .map_err(|e| io_err(aws_sdk_s3::error::DisplayErrorContext(e)))?;
            Ok(())
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> IoFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            Self::check(key)?;
            let output = match self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await
            {
                Ok(o) => o,
                Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => {
                    return Ok(None);
                }
                Err(e) => return Err(io_err(aws_sdk_s3::error::DisplayErrorContext(e))),
            };
            let bytes = output.body.collect().await.map_err(io_err)?;
            Ok(Some(bytes.into_bytes().to_vec()))
        })
    }

    fn list_older_than<'a>(&'a self, prefix: &'a str, age: Duration) -> IoFuture<'a, Vec<String>> {
        Box::pin(async move {
            let cutoff = SystemTime::now()
                .checked_sub(age)
                .unwrap_or(SystemTime::UNIX_EPOCH)
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            let mut keys = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let page = self
                    .client
                    .list_objects_v2()
                    .bucket(&self.bucket)
                    .prefix(prefix)
                    .set_continuation_token(token.take())
                    .send()
                    .await
                    .map_err(|e| io_err(aws_sdk_s3::error::DisplayErrorContext(e)))?;
                for object in page.contents() {
                    let old = object.last_modified().is_some_and(|t| t.secs() <= cutoff);
                    if let Some(key) = object.key()
                        && old
                        && valid_key(key)
                    {
                        keys.push(key.to_owned());
                    }
                }
                match page.next_continuation_token() {
                    Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_owned()),
                    _ => break,
                }
            }
            keys.sort();
            Ok(keys)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> IoFuture<'a, ()> {
        Box::pin(async move {
            Self::check(key)?;
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| io_err(aws_sdk_s3::error::DisplayErrorContext(e)))?;
            Ok(())
        })
    }
}
