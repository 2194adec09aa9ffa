//! `plaza seed` and `plaza bench` at the tiny scale: every scenario runs without errors and the
//! Yeah storm's count is exact. Speed is not asserted here (see docs/BENCHMARKS.md).

use crate::helpers::TestApp;
use plaza_tools::seed::{Scale, seed};
use std::time::Duration;

#[tokio::test]
async fn seeded_data_has_the_promised_shape_and_every_bench_scenario_runs() {
    // The benchmark runs against services in this process, without rate limits: it measures
    // them (and their memory) rather than the region's edge.
    let app = TestApp::start_in_process().await;
    let out = tempfile::tempdir().unwrap();
    let plan = Scale::Tiny.plan();
    let data = seed(app.db(), 1, Scale::Tiny, out.path(), true)
        .await
        .unwrap();
    assert!(out.path().join("bench.json").exists());

    let (_, follower) = app.get("/api/v1/users/bench_follower", None).await;
    assert_eq!(
        follower["user"]["following_count"],
        plan.followed_by_follower as i64
    );
    let (_, star) = app.get("/api/v1/users/bench_star", None).await;
    assert_eq!(star["user"]["follower_count"], plan.star_followers as i64);
    let (_, unread) = app
        .get(
            "/api/v1/notifications/unread_count",
            Some(&data.notified_token),
        )
        .await;
    assert_eq!(unread["unread"], (plan.notifications / 2) as i64);
    let (_, feed) = app
        .get("/api/v1/feeds/activity", Some(&data.follower_token))
        .await;
    assert_eq!(feed["posts"].as_array().unwrap().len(), 20);
    // Long tail: the first community holds far more posts than the last.
    let (first, _) = (&data.communities[0], &data.communities[4]);
    let (_, page) = app
        .get(&format!("/api/v1/communities/{}/posts", first.0), None)
        .await;
    assert!(page["next_cursor"].is_string());

    let options = plaza_tools::bench::Options {
        url: app.url.clone(),
        duration: Duration::from_millis(300),
        concurrency: 4,
        server_pid: Some(std::process::id()),
        only: Vec::new(),
        upload_burst: 2,
        settle: Duration::from_millis(100),
        ca_cert: None,
        fresh_storm_post: false,
    };
    let report = plaza_tools::bench::run(&data, &options, |_| {})
        .await
        .unwrap();
    assert_eq!(report.outcomes.len(), 12);
    for o in &report.outcomes {
        assert!(o.requests > 0, "{} ran no request", o.name);
        assert_eq!(o.errors, 0, "{} had errors", o.name);
        assert!(o.p50_ms <= o.p99_ms && o.p99_ms <= o.max_ms);
    }
    let (given, shown) = report.yeah_storm.expect("the Yeah storm ran");
    assert!(given > 0);
    assert_eq!(
        i64::try_from(given).unwrap(),
        shown,
        "the Yeah count is exact"
    );
    assert!(report.server_rss_kib_after.unwrap() > 0);
    assert!(report.server_rss_kib_peak >= report.server_rss_kib_before);
    assert!(report.server_rss_kib_settled.unwrap() > 0);
    let burst = report.upload_burst.as_ref().expect("the upload burst ran");
    assert_eq!(burst.created + burst.busy, 2, "{burst:?}");
    assert!(burst.created >= 1 && burst.failed == 0, "{burst:?}");
    assert!(plaza_tools::bench::markdown(&report).contains("| yeah_storm_one_post |"));

    // A second run against the same data storms a post of its own: its count is exact again.
    let again = plaza_tools::bench::Options {
        only: vec!["yeah_storm".into()],
        upload_burst: 0,
        settle: Duration::ZERO,
        fresh_storm_post: true,
        ..options
    };
    let report = plaza_tools::bench::run(&data, &again, |_| {})
        .await
        .unwrap();
    let (given, shown) = report.yeah_storm.expect("the second Yeah storm ran");
    assert!(given > 0);
    assert_eq!(i64::try_from(given).unwrap(), shown, "the count is exact");
    let storm = report
        .outcomes
        .iter()
        .find(|o| o.name == "yeah_storm_one_post");
    assert_eq!(storm.map(|o| o.errors), Some(0));
}

#[tokio::test]
async fn a_plan_drives_the_server_counts_failures_and_reads_its_check() {
    let app = TestApp::start_in_process().await;
    let out = tempfile::tempdir().unwrap();
    let data = seed(app.db(), 1, Scale::Tiny, out.path(), true)
        .await
        .unwrap();
    let tokens: Vec<String> = data.tokens.iter().take(30).cloned().collect();
    let plan: plaza_tools::plan::Plan = serde_json::from_value(serde_json::json!({
        "product": "Plaza",
        "url": app.url,
        "scenarios": [
            {"name": "two_reads", "requests": [
                {"method": "GET", "path": format!("/api/v1/posts/{}", data.busy_post)},
                {"method": "GET", "path": format!("/api/v1/posts/{}/comments", data.busy_post)},
            ]},
            {"name": "missing", "requests": [{"method": "GET", "path": "/api/v1/posts/1"}]},
            {"name": "storm", "tokens": tokens, "each_token_once": true,
             "requests": [{"method": "PUT", "path": format!("/api/v1/posts/{}/yeah", data.hot_post), "bearer": true}],
             "check": {"path": format!("/api/v1/posts/{}", data.hot_post), "pointer": "/post/yeah_count"}},
        ],
    }))
    .unwrap();

    // Long enough for 30 Yeahs on a busy debug build; the storm ends as soon as they are given.
    let report = plaza_tools::plan::run(&plan, Duration::from_secs(2), 4, |_| {})
        .await
        .unwrap();

    let [reads, missing, storm] = &report.outcomes[..] else {
        panic!("three outcomes expected: {:?}", report.outcomes)
    };
    assert!(reads.iterations > 0 && reads.errors == 0, "{reads:?}");
    assert_eq!(missing.errors, missing.iterations, "{missing:?}");
    assert!(missing.iterations > 0);
    // Every token gave one Yeah, once: the storm ends when they are used up.
    assert_eq!((storm.iterations, storm.errors), (30, 0), "{storm:?}");
    assert_eq!(storm.checked, Some(serde_json::json!(30)));
    assert!(plaza_tools::plan::markdown(&report).contains("| storm | 30 | 0 |"));
}

#[tokio::test]
async fn a_plan_with_a_bad_method_is_refused_before_any_request() {
    let plan: plaza_tools::plan::Plan = serde_json::from_value(serde_json::json!({
        "product": "X", "url": "http://127.0.0.1:9",
        "scenarios": [{"name": "s", "requests": [{"method": "GE T", "path": "/"}]}],
    }))
    .unwrap();
    let err = plaza_tools::plan::run(&plan, Duration::from_millis(50), 1, |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("bad method"), "{err}");
}
