//! Hardening against hostile and careless clients: redirects that stay on the site, pages that
//! refuse framing, slow and half-sent requests cut off, and a shutdown that open live streams
//! cannot hold up.

use crate::helpers::{Browser, TestApp, post_slowly, read_to_close};
use plaza_test_support::{assert_error, assert_status, header};
use reqwest::StatusCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_back_link_that_could_leave_the_site_or_break_a_header_goes_home() {
    let app = TestApp::start().await;
    let browser = Browser::signed_up(&app, "walker").await;
    let (_, _, post) = app.sign_up_and_post("author", "Yeah me").await;
    let csrf = browser.csrf("/").await;
    for back in [
        "/\r\nSet-Cookie: evil=1",
        "/\n/evil.example",
        "/\t/evil.example",
        "/ok\0",
        "/ok\u{7f}",
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
    ] {
        let r = browser
            .submit(
                "/language",
                &[("csrf", &csrf), ("lang", "en"), ("back", back)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{back:?}");
        assert_eq!(r.headers()["location"], "/", "{back:?}");
        assert!(
            r.headers()
                .get("set-cookie")
                .is_none_or(|v| { !v.to_str().unwrap_or_default().contains("evil") })
        );
    }
    // A page Yeah with a tab-smuggled target saves the Yeah and goes to the post, not off-site.
    let r = browser
        .submit(
            &format!("/posts/{post}/yeah"),
            &[("csrf", &csrf), ("back", "/\t/evil.example")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/posts/{post}").as_str());
    let (_, body) = app.read_post(&post).await;
    assert_eq!(body["post"]["yeah_count"], 1, "{body}");
    // A path on the site is kept, query and all.
    let r = browser
        .submit(
            "/language",
            &[
                ("csrf", &csrf),
                ("lang", "en"),
                ("back", "/communities?x=1"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/communities?x=1");
}

#[tokio::test]
async fn every_page_refuses_framing_and_sniffing_and_signed_in_pages_stay_private() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    let check = |path: &str, r: &reqwest::Response| {
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
    };
    let fetch = |path: &str| browser.client.get(format!("{}{path}", app.url)).send();
    for path in ["/", "/communities", "/signin", "/no/such/page"] {
        check(path, &fetch(path).await.unwrap());
    }
    browser.sign_up("framed").await;
    for path in ["/", "/settings", "/notifications", "/users/framed"] {
        let r = fetch(path).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        check(path, &r);
        let cache = header(&r, "cache-control");
        assert!(cache.contains("private"), "{path}: {cache}");
    }
}

#[tokio::test]
async fn half_sent_requests_are_cut_off_while_others_are_served() {
    let app = TestApp::start_configured(None, |c| c.http.header_read_timeout_secs = 1).await;
    // A bounded slowloris: 100 connections that each send half a header and then nothing.
    let mut slow = Vec::new();
    for _ in 0..100 {
        let mut s = app.raw_connection().await;
        s.write_all(b"GET / HTTP/1.1\r\nHost: plaza\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(s);
    }
    // Meanwhile a normal visitor is served.
    assert_status(app.get("/api/v1/communities", None).await, 200);
    // Every slow connection is closed by the server (before it would have been 70 s later).
    for mut s in slow {
        let said = read_to_close(&mut s, Duration::from_secs(20)).await;
        assert!(said.is_some(), "a half-sent request was left open");
    }
}

#[tokio::test]
async fn connections_over_the_cap_wait_until_one_closes() {
    let app = TestApp::start_configured(None, |c| {
        c.http.max_connections = 2;
        c.http.header_read_timeout_secs = 60;
    })
    .await;
    let mut held = vec![app.raw_connection().await, app.raw_connection().await];
    for s in &mut held {
        s.write_all(b"GET / HTTP/1.1\r\nHost: plaza\r\n")
            .await
            .unwrap();
    }
    // Give the server time to take both connections into its two slots.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let client = reqwest::Client::new();
    let url = format!("{}/healthz", app.url);
    let waiting = tokio::spawn(async move { client.get(url).send().await.map(|r| r.status()) });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "a third connection was served while two held the only slots"
    );
    drop(held.pop());
    let status = tokio::time::timeout(Duration::from_secs(20), waiting)
        .await
        .expect("served once a slot is free")
        .unwrap()
        .unwrap();
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_slow_steady_upload_finishes_and_a_stalled_one_is_cut() {
    let app = TestApp::start_configured(None, |c| {
        c.http.request_timeout_secs = 2;
        c.http.body_idle_timeout_secs = 1;
    })
    .await;
    let (token, c) = app.sign_up_with_community("slowpoke").await;
    let path = format!("/api/v1/communities/{c}/posts");
    let body = serde_json::to_vec(&serde_json::json!({"body": "x".repeat(900)})).unwrap();
    // Twelve pieces 400 ms apart: 4.8 s in all, more than twice the request time limit, but
    // never silent for the idle limit.
    let steady = post_slowly(
        app.raw_connection().await,
        &path,
        &token,
        &body,
        12,
        Duration::from_millis(400),
        None,
    )
    .await
    .expect("an answer");
    assert!(steady.starts_with("HTTP/1.1 201 "), "{steady}");
    // Half a body, then silence: cut off, and nothing is posted.
    let stalled = post_slowly(
        app.raw_connection().await,
        &path,
        &token,
        &body,
        2,
        Duration::ZERO,
        Some(1),
    )
    .await;
    if let Some(answer) = &stalled {
        assert!(!answer.starts_with("HTTP/1.1 201 "), "{answer}");
    }
    assert_eq!(app.community_post_count(&c).await, 1);
}

#[tokio::test]
async fn shutdown_ends_open_live_streams_with_a_reconnect_hint() {
    let mut app = TestApp::start_in_process().await;
    let token = app.sign_up("listener").await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        let mut s = app.raw_connection().await;
        s.write_all(
            format!(
                "GET /api/v1/notifications/stream HTTP/1.1\r\nHost: plaza\r\n\
                 Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        // The first event (the unread count) says the stream is open.
        let mut first = vec![0u8; 4096];
        let n = s.read(&mut first).await.unwrap();
        assert!(
            String::from_utf8_lossy(&first[..n]).contains("200 OK"),
            "the stream opened"
        );
        streams.push(s);
    }
    // Before this fix a process waited up to 60 s for each open stream.
    tokio::time::timeout(Duration::from_secs(10), app.shut_down())
        .await
        .expect("the services stop within seconds with streams open");
    for mut s in streams {
        let rest = read_to_close(&mut s, Duration::from_secs(5))
            .await
            .expect("the stream ended");
        assert!(rest.contains("event: restart"), "{rest}");
        assert!(rest.contains("retry:"), "{rest}");
    }
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_a_json_503() {
    use axum::extract::Request;
    use axum::middleware::Next;
    use plaza::stack::Service;
    use plaza_test_support::middleware_on;
    // The timeline takes 3 s to answer anything; the web service's limit is 1 s.
    let hook = middleware_on([Service::Timeline], |req: Request, next: Next| async move {
        if !req.uri().path().ends_with("z") {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        next.run(req).await
    });
    let app = TestApp::start_configured(Some(hook), |c| c.http.request_timeout_secs = 1).await;
    let c = app.community().await;
    assert_error(
        app.get(&format!("/api/v1/communities/{c}/posts"), None)
            .await,
        503,
        "timeout",
    );
}

#[tokio::test]
async fn internal_services_refuse_callers_without_the_regions_secret() {
    use plaza::stack::Service;
    let secret = "a-test-secret-that-is-long-enough-0123456789";
    let app = TestApp::start_configured(None, |c| c.internal_secret.0 = secret.into()).await;
    let (_, _, post) = app
        .sign_up_and_post("insider", "Through the front door")
        .await;
    let client = reqwest::Client::new();
    let calls = [
        (Service::Timeline, format!("/v1/posts/{post}")),
        (Service::Empathy, "/v1/users/1/yeahs".to_owned()),
        (Service::Notification, "/v1/users/1/unread".to_owned()),
        (Service::Worker, "/v1/queue".to_owned()),
    ];
    for (service, path) in &calls {
        let url = format!("http://{}{path}", app.service_addr(*service));
        for proof in [None, Some("wrong"), Some(&secret[1..])] {
            let mut request = client.get(&url);
            if let Some(proof) = proof {
                request = request.header("x-plaza-internal-secret", proof);
            }
            let r = request.send().await.unwrap();
            assert_eq!(
                r.status(),
                StatusCode::UNAUTHORIZED,
                "{service:?} {path} {proof:?}"
            );
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(body["error"], "internal_auth_required", "{body}");
        }
        // Load balancers' health checks need no secret.
        let health = format!("http://{}/readyz", app.service_addr(*service));
        assert_eq!(
            client.get(&health).send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    // With the secret, the timeline answers its caller.
    let r = client
        .get(format!(
            "http://{}/v1/posts/{post}",
            app.service_addr(Service::Timeline)
        ))
        .header("x-plaza-internal-secret", secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // And the site works, its services calling each other with the secret.
    assert_status(app.read_post(&post).await, 200);
}

#[tokio::test]
async fn a_service_started_alone_needs_a_configured_secret() {
    use plaza::stack::Service;
    let dir = tempfile::tempdir().unwrap();
    let url = plaza_storage::testing::fresh_database_url(dir.path()).await;
    let config = plaza::Config::for_tests(dir.path(), Some(url));
    let err = plaza::start(&config, &[Service::Timeline], None)
        .await
        .expect_err("a lone service without a secret does not start");
    assert!(err.to_string().contains("`internal_secret`"), "{err}");
    let mut short = config.clone();
    short.internal_secret.0 = "too-short".into();
    let err = short.check().expect_err("a short secret is refused");
    assert!(err.to_string().contains("`internal_secret`"), "{err}");
}
