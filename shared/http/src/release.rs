//! The release a process runs (blue/green, ARCHITECTURE §7): its track and build, from its
//! configuration, sent back on every answer so that a person (or a test) can tell which release
//! served them, and read back by the web service from the services it calls.

use crate::context::{TRACK_HEADER, Track};
use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};

/// The answer header naming the build of the process that answered.
pub const BUILD_HEADER: &str = "x-plaza-build";

/// What one process runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The track this process serves (its configuration's `release.track`).
    pub track: Track,
    /// Its build (`release.build`, a digest of the binary set by the provisioner); empty when
    /// not known (the embedded mode).
    pub build: String,
}

impl Default for Release {
    fn default() -> Self {
        Release {
            track: Track::Stable,
            build: String::new(),
        }
    }
}

/// Adds `x-plaza-track` (this process's track) and, when known, `x-plaza-build` to every answer
/// of `router`.
pub fn release_headers(router: Router, release: &Release) -> Router {
    let track = HeaderValue::from_static(release.track.as_str());
    let build = HeaderValue::from_str(&release.build)
        .ok()
        .filter(|b| !b.is_empty());
    router.layer(middleware::from_fn(move |req: Request, next: Next| {
        let (track, build) = (track.clone(), build.clone());
        async move {
            let mut response = next.run(req).await;
            let headers = response.headers_mut();
            headers.insert(TRACK_HEADER, track);
            if let Some(build) = build {
                headers.insert(BUILD_HEADER, build);
            }
            response
        }
    }))
}

impl Track {
    /// The track named `name` (`stable` or `preview`).
    pub fn parse(name: &str) -> Option<Track> {
        match name {
            "stable" => Some(Track::Stable),
            "preview" => Some(Track::Preview),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    #[tokio::test]
    async fn every_answer_names_the_release_that_made_it() {
        let release = Release {
            track: Track::Preview,
            build: "abc123".into(),
        };
        let app = release_headers(Router::new().route("/x", get(|| async { "hi" })), &release);
        for path in ["/x", "/missing"] {
            let response = app
                .clone()
                .oneshot(Request::get(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(response.headers()[TRACK_HEADER], "preview", "{path}");
            assert_eq!(response.headers()[BUILD_HEADER], "abc123", "{path}");
        }
    }

    #[tokio::test]
    async fn an_unknown_build_is_left_out() {
        let app = release_headers(
            Router::new().route("/x", get(|| async { "hi" })),
            &Release::default(),
        );
        let response = app
            .oneshot(Request::get("/x").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.headers()[TRACK_HEADER], "stable");
        assert!(response.headers().get(BUILD_HEADER).is_none());
    }
}
