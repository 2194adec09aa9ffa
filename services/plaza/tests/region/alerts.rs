//! Prometheus in the region (role `monitoring`): it scrapes every Plaza process on its own port,
//! and an outage makes an alert fire. The local node evaluates every 2 s and fires
//! `PlazaServiceDown` after 6 s, so a broken service shows within seconds.

use crate::helpers::{Region, Restore, WEB1};
use serde_json::Value;
use std::time::Duration;

/// The region's Prometheus (role `monitoring`).
const PROMETHEUS: &str = "http://127.0.0.1:9195";

/// Every Plaza process of the region: its service and port (roles `app` and `worker`).
const PROCESSES: [(&str, u16); 8] = [
    ("web", 9101),
    ("web", 9102),
    ("timeline", 9111),
    ("timeline", 9112),
    ("empathy", 9121),
    ("notification", 9131),
    ("worker", 9141),
    ("worker", 9142),
];

/// `path` of Prometheus' HTTP API: its `data`.
async fn api(path: &str) -> Value {
    let body: Value = reqwest::get(format!("{PROMETHEUS}{path}"))
        .await
        .expect("Prometheus answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(body["status"], "success", "{body}");
    body["data"].clone()
}

/// The `PlazaServiceDown` alerts for `service`, in the state Prometheus has them.
async fn service_down_alerts(service: &str) -> Vec<Value> {
    let data = api("/api/v1/alerts").await;
    data["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .filter(|a| {
            a["labels"]["alertname"] == "PlazaServiceDown" && a["labels"]["service"] == service
        })
        .cloned()
        .collect()
}

/// Waits (bounded) until `check` holds; panics with `what` otherwise.
async fn eventually<F: Future<Output = bool>>(what: &str, within: Duration, check: impl Fn() -> F) {
    let deadline = tokio::time::Instant::now() + within;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Whether Prometheus' last scrape of every Plaza process succeeded, each labelled with its
/// service.
async fn every_process_up() -> bool {
    let data = api("/api/v1/targets?state=active").await;
    let targets = data["activeTargets"].as_array().expect("targets");
    PROCESSES.iter().all(|(service, port)| {
        targets.iter().any(|t| {
            t["labels"]["job"] == "plaza"
                && t["labels"]["service"] == *service
                && t["labels"]["instance"] == format!("127.0.0.1:{port}")
                && t["health"] == "up"
        })
    })
}

/// The region, once Prometheus has scraped every Plaza process of it.
async fn scraped_region() -> Region {
    let region = Region::open();
    let within = Duration::from_secs(30);
    eventually("every Plaza process scraped", within, every_process_up).await;
    region
}

#[tokio::test]
async fn prometheus_scrapes_every_plaza_process_of_the_region() {
    let region = scraped_region().await;
    // Metrics are read on the processes' own ports; the public edge does not show them.
    let status = region.get_raw("/metrics").await.status();
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
    let direct = reqwest::get(format!("{WEB1}/metrics"))
        .await
        .expect("web1 answers");
    assert_eq!(direct.status(), reqwest::StatusCode::OK);
    // What it scraped is Plaza's own: requests counted by service and route template.
    region.get("/api/v1/communities", None).await;
    eventually(
        "web requests counted by route",
        Duration::from_secs(30),
        || async {
            let data = api(
                "/api/v1/query?query=plaza_http_requests_total%7Bservice%3D%22web%22%2Croute%3D%22%2Fapi%2Fv1%2Fcommunities%22%7D",
            )
            .await;
            !data["result"].as_array().expect("result").is_empty()
        },
    )
    .await;
}

#[tokio::test]
async fn stopping_the_only_notification_process_fires_the_no_healthy_process_alert() {
    let region = scraped_region().await;
    assert!(service_down_alerts("notification").await.is_empty());

    let out = region.ctl(&["stop", "notification1"]);
    assert!(out.contains("stopped"), "{out}");
    {
        let _restart = Restore(&region, &["start", "notification1"]);
        eventually(
            "PlazaServiceDown firing for notification",
            Duration::from_secs(45),
            || async {
                service_down_alerts("notification")
                    .await
                    .iter()
                    .any(|a| a["state"] == "firing" && a["labels"]["severity"] == "critical")
            },
        )
        .await;
        // Only the service that has no process left.
        assert!(service_down_alerts("web").await.is_empty());
    }
    // Started again: scraped again, and the alert resolves.
    eventually("the alert resolved", Duration::from_secs(45), || async {
        service_down_alerts("notification").await.is_empty()
    })
    .await;
    region.wait_ready().await;
}
