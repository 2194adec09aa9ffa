//! `/metrics` as an operator's Prometheus reads it: every process answers in Prometheus' text
//! format on its own port without the internal secret, requests are counted by route template
//! (never by the ids in their paths), and the series the alert rules and the dashboard use are
//! there: inter-service calls, the pool, caches, Redis fallbacks, rate-limit refusals, the job
//! queue and live streams.
//!
//! All services of a test run in one process and share its recorder, and tests run side by
//! side, so the assertions are lower bounds and label checks, never exact totals.

use crate::helpers::{JobRow, TestApp};
use futures_util::StreamExt;
use plaza::stack::Service;
use plaza_test_support::assert_status;
use reqwest::StatusCode;
use std::collections::BTreeMap;
use std::time::Duration;

/// One sample of a scrape: name, labels, value.
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A scrape of `/metrics`.
struct Scrape {
    text: String,
    samples: Vec<Sample>,
}

impl Scrape {
    /// The sum of `name`'s samples whose labels include every pair of `with`.
    fn sum(&self, name: &str, with: &[(&str, &str)]) -> f64 {
        self.matching(name, with).map(|s| s.value).sum()
    }

    /// Whether any sample of `name` carries every pair of `with`.
    fn has(&self, name: &str, with: &[(&str, &str)]) -> bool {
        self.matching(name, with).next().is_some()
    }

    fn matching<'a>(
        &'a self,
        name: &'a str,
        with: &'a [(&str, &str)],
    ) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| {
            s.name == name
                && with
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).is_some_and(|l| l == v))
        })
    }

    /// Every value the label `label` takes on `name`'s samples.
    fn label_values(&self, name: &str, label: &str) -> Vec<String> {
        let mut values: Vec<String> = self
            .matching(name, &[])
            .filter_map(|s| s.labels.get(label).cloned())
            .collect();
        values.sort();
        values.dedup();
        values
    }
}

/// Parses Prometheus' text format (the subset the exporter writes: no escaped quotes in labels).
fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("a sample line");
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').expect("label=value");
                    (k.to_owned(), v.trim_matches('"').to_owned())
                })
                .collect();
            Sample {
                name: name.to_owned(),
                labels,
                value: value.parse().expect("a number"),
            }
        })
        .collect()
}

/// Scrapes `/metrics` at `addr` as Prometheus does: no internal secret, no session.
async fn scrape(addr: std::net::SocketAddr) -> Scrape {
    let response = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .expect("metrics answer");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.expect("body");
    Scrape {
        samples: parse(&text),
        text,
    }
}

#[tokio::test]
async fn requests_are_counted_by_route_template_and_two_posts_share_one_label() {
    let app = TestApp::start_in_process().await;
    let (token, community) = app.sign_up_with_community("metrics_ann").await;
    let first = app.post_text(&token, &community, "first").await;
    let second = app.post_text(&token, &community, "second").await;
    for post in [&first, &second] {
        assert_status(app.read_post(post).await, 200);
    }
    assert_status(app.get("/api/v1/posts/9999999999", None).await, 404);
    let missing = app.get_raw("/no/such/page/424242").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let web = scrape(app.service_addr(Service::Web)).await;
    let show = [
        ("service", "web"),
        ("route", "/api/v1/posts/{id}"),
        ("method", "GET"),
    ];
    let ok = [show.as_slice(), &[("status", "200")]].concat();
    let not_found = [show.as_slice(), &[("status", "404")]].concat();
    assert!(
        web.sum("plaza_http_requests_total", &ok) >= 2.0,
        "{}",
        web.text
    );
    assert!(
        web.sum("plaza_http_requests_total", &not_found) >= 1.0,
        "{}",
        web.text
    );
    assert!(
        web.sum(
            "plaza_http_request_duration_seconds_count",
            &[("service", "web"), ("route", "/api/v1/posts/{id}")]
        ) >= 3.0
    );
    assert!(web.has(
        "plaza_http_request_duration_seconds_bucket",
        &[("route", "/api/v1/posts/{id}"), ("le", "0.1")]
    ));
    // No path's ids ever become labels: the posts, the missing one, the unknown page.
    for id in [first.as_str(), second.as_str(), "9999999999", "424242"] {
        let labelled = web
            .samples
            .iter()
            .flat_map(|s| s.labels.values())
            .any(|value| value.contains(id));
        assert!(!labelled, "{id} in a label:\n{}", web.text);
    }
    for route in web.label_values("plaza_http_requests_total", "route") {
        assert!(
            route == "unmatched" || route.starts_with('/'),
            "route label {route}"
        );
    }
    // The post was read from the timeline service (in this process, through its router): the
    // call is counted by target and outcome, and timeline counts the request by its own
    // template.
    assert!(web.sum("plaza_client_calls_total", &[("outcome", "client_error")]) >= 1.0);
    let timeline = scrape(app.service_addr(Service::Timeline)).await;
    assert_timeline_calls_counted(&web, &timeline, 2.0);
    // The pool and the cache (in-process, or the region's memcached when the suite runs on a
    // region's parts).
    assert!(timeline.has("plaza_db_connections", &[("state", "idle")]));
    assert!(timeline.has("plaza_db_connections", &[("state", "in_use")]));
    for cache in timeline.label_values("plaza_cache_requests_total", "cache") {
        assert!(
            cache == "memory" || cache == "memcached",
            "cache label {cache}"
        );
    }
    assert!(timeline.sum("plaza_cache_requests_total", &[]) >= 1.0);
}

/// The calls web makes to timeline, counted on both sides (in `web`'s and `timeline`'s
/// scrapes): web's by target and outcome, timeline's by its own route template.
fn assert_timeline_calls_counted(web: &Scrape, timeline: &Scrape, at_least: f64) {
    let calls = web.sum(
        "plaza_client_calls_total",
        &[("target", "timeline"), ("outcome", "ok")],
    );
    assert!(calls >= at_least, "{}", web.text);
    let served = timeline.sum(
        "plaza_http_requests_total",
        &[("service", "timeline"), ("route", "/v1/posts/{id}")],
    );
    assert!(served >= 1.0, "{}", timeline.text);
}

#[tokio::test]
async fn with_local_calls_off_the_services_of_one_process_are_called_over_their_sockets() {
    let app = TestApp::start_configured(None, |c| c.http.local_calls = false).await;
    let (token, community) = app.sign_up_with_community("sockets_ann").await;
    let post = app.post_text(&token, &community, "over loopback").await;
    let fan = app.sign_up("sockets_bo").await;
    let body = assert_status(app.yeah(&fan, &post).await, 200);
    assert_eq!(body["yeah_count"], 1, "{body}");
    let body = assert_status(app.read_post(&post).await, 200);
    assert_eq!(body["post"]["yeah_count"], 1, "{body}");
    let web = scrape(app.service_addr(Service::Web)).await;
    let timeline = scrape(app.service_addr(Service::Timeline)).await;
    assert_timeline_calls_counted(&web, &timeline, 2.0);
}

#[tokio::test]
async fn every_service_answers_metrics_without_the_internal_secret() {
    let app = TestApp::start_in_process().await;
    for (service, name) in [
        (Service::Web, "web"),
        (Service::Timeline, "timeline"),
        (Service::Empathy, "empathy"),
        (Service::Notification, "notification"),
        (Service::Worker, "worker"),
    ] {
        // The first scrape is itself a request the second one shows.
        scrape(app.service_addr(service)).await;
        let second = scrape(app.service_addr(service)).await;
        let scrapes = [("service", name), ("route", "/metrics"), ("status", "200")];
        assert!(
            second.sum("plaza_http_requests_total", &scrapes) >= 1.0,
            "{name}: {}",
            second.text
        );
    }
    // Everything else on an internal service still needs the secret.
    let timeline = app.service_addr(Service::Timeline);
    let refused = reqwest::get(format!("http://{timeline}/v1/posts/1"))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn rate_limit_refusals_are_counted_by_action() {
    let app = TestApp::start_configured(None, |c| c.rate_limits.post_per_minute = 1).await;
    let (token, community) = app.sign_up_with_community("metrics_rl").await;
    let before = scrape(app.service_addr(Service::Web))
        .await
        .sum("plaza_rate_limited_total", &[("action", "post")]);
    app.post_text(&token, &community, "one").await;
    let (status, body) = app
        .post_in(
            &token,
            &community,
            serde_json::json!({"body": "two", "feeling": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let after = scrape(app.service_addr(Service::Web))
        .await
        .sum("plaza_rate_limited_total", &[("action", "post")]);
    assert!(after > before, "{before} -> {after}");
}

#[tokio::test]
async fn with_redis_unreachable_errors_and_fallbacks_are_counted() {
    // Nothing listens on port 1: every connection to this "Redis" is refused at once.
    // Posting is rate-limited, and rate limits are kept in Redis: the limit falls back to
    // this process's own.
    let app = TestApp::start_configured(None, |c| {
        c.redis_url = "redis://127.0.0.1:1/".into();
        c.rate_limits.post_per_minute = 10;
    })
    .await;
    let (token, community) = app.sign_up_with_community("metrics_redis").await;
    app.post_text(&token, &community, "still posted").await;
    let web = scrape(app.service_addr(Service::Web)).await;
    assert!(
        web.sum("plaza_redis_errors_total", &[]) >= 1.0,
        "{}",
        web.text
    );
    assert!(web.sum("plaza_redis_fallbacks_total", &[]) >= 1.0);
}

#[tokio::test]
async fn the_worker_shows_the_queue_by_state_and_the_age_of_the_oldest_due_job() {
    // The worker looks for jobs once at start and then only every hour: the rows below stay.
    let app = TestApp::start_configured(None, |c| c.worker.poll_interval_ms = 3_600_000).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let now = plaza_types::now_millis();
    for (id, state, run_at) in [
        (7_001_i64, plaza_storage::queue::QUEUED, now - 90_000),
        (7_002, plaza_storage::queue::QUEUED, now - 5_000),
        (7_003, plaza_storage::queue::DEAD, now),
    ] {
        app.insert_job_row(JobRow {
            id,
            kind: "notify",
            payload: "{}",
            state,
            max_attempts: 8,
            run_at,
        })
        .await;
    }
    // Another test's worker scraped at the same moment may set the shared gauges from its own
    // queue between this scrape's sampling and rendering: a few tries.
    let mut worker = scrape(app.service_addr(Service::Worker)).await;
    for _ in 0..4 {
        if worker.sum("plaza_jobs", &[("state", "queued")]) == 2.0 {
            break;
        }
        worker = scrape(app.service_addr(Service::Worker)).await;
    }
    assert_eq!(
        worker.sum("plaza_jobs", &[("state", "queued")]),
        2.0,
        "{}",
        worker.text
    );
    assert_eq!(worker.sum("plaza_jobs", &[("state", "dead")]), 1.0);
    let age = worker.sum("plaza_jobs_oldest_queued_age_seconds", &[]);
    assert!((90.0..120.0).contains(&age), "oldest job waited {age} s");
}

#[tokio::test]
async fn an_open_live_stream_is_counted() {
    let app = TestApp::start_in_process().await;
    let token = app.sign_up("metrics_live").await;
    let response = app.notification_stream_at(&app.url, &token).await;
    let mut stream = response.bytes_stream();
    // The first event (the count) arrives: the stream is open.
    let first = tokio::time::timeout(Duration::from_secs(10), stream.next()).await;
    assert!(matches!(first, Ok(Some(Ok(_)))));
    let open = scrape(app.service_addr(Service::Web))
        .await
        .sum("plaza_sse_connections", &[]);
    assert!(open >= 1.0, "{open}");
}
