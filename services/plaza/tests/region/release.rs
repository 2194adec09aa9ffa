//! Blue/green releases (`chef-like-provision/bin/release`): staff with the signed preview cookie
//! are served by the preview build through every service, everyone else by stable, and promote
//! and roll back replace stable under load without a failed request.
//!
//! A "build" here is a binary file: the preview is the stable binary with a unique trailer
//! appended (the loader ignores it), so its digest, which each process names in
//! `x-plaza-build`, differs from stable's without compiling Plaza twice.

use crate::helpers::{Region, Restore, provision, unique};
use crate::load::under_load;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SERVICES: [&str; 4] = ["web", "timeline", "empathy", "notification"];

/// Runs `chef-like-provision/bin/release` with `args`; panics with its output if it fails.
fn release(args: &[&str]) -> String {
    provision("release", args)
}

/// The digest bin/release and the provisioner name a binary by (the first 16 hex digits of its
/// SHA-256).
fn digest(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).expect("the binary");
    hex::encode(sha2::Sha256::digest(bytes))[..16].to_owned()
}

/// A new build: the region's stable binary with a unique trailer; returns its path and digest.
fn new_build(region: &Region) -> (PathBuf, String) {
    let stable = region.root.join("bin/plaza");
    let path = region.root.join(format!("bin/test-build-{}", unique("")));
    let mut bytes = std::fs::read(&stable).expect("the stable binary");
    bytes.extend_from_slice(format!("\nplaza test build {}\n", unique("b")).as_bytes());
    std::fs::write(&path, bytes).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let build = digest(&path);
    (path, build)
}

/// A staff member (an admin): their API token.
async fn staff(region: &Region) -> String {
    staff_named(region).await.1
}

/// A staff member (an admin): (name, API token).
async fn staff_named(region: &Region) -> (String, String) {
    let (name, token) = region.sign_up("staff").await;
    let db = region.db().await;
    let user = plaza_web::db::users::by_username(&db, &name)
        .await
        .unwrap()
        .unwrap();
    plaza_web::db::users::make_admin(&db, user.id, None)
        .await
        .unwrap();
    (name, token)
}

/// `GET /api/v1/admin/release` as `token`'s owner with `extra` headers: (status, report).
async fn report(region: &Region, token: &str, extra: &[(&str, String)]) -> (StatusCode, Value) {
    let mut req = region
        .client
        .get(format!("{}/api/v1/admin/release", crate::helpers::EDGE))
        .bearer_auth(token);
    for (name, value) in extra {
        req = req.header(*name, value);
    }
    let response = req.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Each service's (track, build) in a release report.
fn served_by(report: &Value) -> Vec<(String, String, String)> {
    report["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|s| {
            (
                s["service"].as_str().unwrap_or_default().to_owned(),
                s["track"].as_str().unwrap_or("(none)").to_owned(),
                s["build"].as_str().unwrap_or("(none)").to_owned(),
            )
        })
        .collect()
}

fn all_on(track: &str, build: &str) -> Vec<(String, String, String)> {
    SERVICES
        .iter()
        .map(|s| ((*s).to_owned(), track.to_owned(), build.to_owned()))
        .collect()
}

/// The preview cookie's value from a `POST /api/v1/admin/preview` answer.
async fn preview_cookie(region: &Region, token: &str) -> String {
    let response = region
        .client
        .post(format!("{}/api/v1/admin/preview", crate::helpers::EDGE))
        .bearer_auth(token)
        .json(&json!({"track": "preview"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let set = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("plaza_preview="))
        .expect("the preview cookie is set")
        .to_owned();
    assert!(set.contains("HttpOnly") && set.contains("Secure"), "{set}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["track"], "preview");
    assert!(body["expires_at"].is_string(), "{body}");
    set.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn staff_with_the_preview_cookie_are_served_by_the_preview_build_through_every_service() {
    let region = Region::open();
    let stable = digest(&region.root.join("bin/plaza"));
    let (binary, preview) = new_build(&region);
    release(&["deploy-preview", "--binary", binary.to_str().unwrap()]);
    let _end = EndPreview;

    let token = staff(&region).await;
    let cookie = preview_cookie(&region, &token).await;
    // Staff with the cookie: the preview build answers in every service, pages included.
    let (status, body) = report(&region, &token, &[("cookie", cookie.clone())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["request_track"], "preview");
    assert_eq!(served_by(&body), all_on("preview", &preview), "{body}");
    let page = region
        .client
        .get(format!("{}/communities", crate::helpers::EDGE))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["x-plaza-track"], "preview");
    assert_eq!(page.headers()["x-plaza-build"], preview.as_str());

    // Without it, with the header sent by hand, or with a cookie that is forged, tampered
    // with or signed for a moment long past: stable, all the way.
    // Signed with the region's own secret, but expired long ago.
    let secret = std::fs::read_to_string(region.root.join("etc/plaza.preview_secret")).unwrap();
    let key = plaza_web::preview::PreviewKey::new(secret.trim(), Duration::from_secs(60)).unwrap();
    let (old, _) = key.sign(std::time::UNIX_EPOCH + Duration::from_secs(1_000_000_000));
    let expired = format!("plaza_preview={old}");
    let (payload, mac) = cookie.rsplit_once('.').unwrap();
    let tampered = format!("{payload}.{}", mac.replace(['a', 'b', 'c'], "d"));
    let later = payload.replace("preview.", "preview.9");
    let extended = format!("{later}.{mac}");
    for extra in [
        vec![],
        vec![("x-plaza-track", "preview".to_owned())],
        vec![("cookie", expired.clone())],
        vec![("cookie", tampered.clone())],
        vec![("cookie", extended.clone())],
        vec![
            ("cookie", "plaza_preview=preview".to_owned()),
            ("x-plaza-track", "preview".to_owned()),
        ],
    ] {
        let (status, body) = report(&region, &token, &extra).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["request_track"], "stable", "{extra:?}");
        assert_eq!(served_by(&body), all_on("stable", &stable), "{extra:?}");
    }
    // The public: a page asked for with the header stays on stable, and only staff may read
    // the report or take the cookie.
    let (_, visitor) = region.sign_up("vis").await;
    let page = region
        .client
        .get(format!("{}/communities", crate::helpers::EDGE))
        .header("x-plaza-track", "preview")
        .header("cookie", tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["x-plaza-track"], "stable");
    assert_eq!(page.headers()["x-plaza-build"], stable.as_str());
    let (status, body) = report(&region, &visitor, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = region
        .post(
            "/api/v1/admin/preview",
            Some(&visitor),
            json!({"track": "preview"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Both tracks share the region's data: a post written on preview is read on stable.
    let c = region.community().await;
    let response = region
        .client
        .post(format!(
            "{}/api/v1/communities/{c}/posts",
            crate::helpers::EDGE
        ))
        .bearer_auth(&token)
        .header("cookie", &cookie)
        .json(&json!({"body": "written on preview"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["x-plaza-track"], "preview");
    let post: Value = response.json().await.unwrap();
    let (status, read) = region.read_post(post["post"]["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["post"]["body"], "written on preview");

    // Jobs: both tracks' workers take jobs from the one queue, whichever track queued them
    // (docs/OPERATIONS.md, "Which worker runs a job"). A Yeah made on preview while the
    // preview worker is stopped notifies (a stable worker ran its job); a Yeah made on stable
    // while the stable workers are stopped notifies too (the preview worker ran it).
    let (_, author) = region.sign_up("jobs").await;
    let first = region.post_text(&author, &c, "yeahed on preview").await;
    {
        let out = region.ctl(&["stop", "worker-preview1"]);
        assert!(out.contains("stopped"), "{out}");
        let _back = Restore(&region, &["start", "worker-preview1"]);
        let response = region
            .client
            .put(format!(
                "{}/api/v1/posts/{first}/yeah",
                crate::helpers::EDGE
            ))
            .bearer_auth(&token)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(response.headers()["x-plaza-track"], "preview");
        let unread = region
            .wait_unread(&author, 1, Duration::from_secs(30))
            .await;
        assert_eq!(unread, 1, "a stable worker ran the job preview queued");
    }
    let second = region.post_text(&author, &c, "yeahed on stable").await;
    {
        let out = region.ctl(&["stop", "worker1", "worker2"]);
        assert_eq!(out.matches("stopped").count(), 2, "{out}");
        let _back = Restore(&region, &["start", "worker1", "worker2"]);
        let (_, fan) = region.sign_up("fan").await;
        let (status, body) = region.yeah(&fan, &second).await;
        assert!(status.is_success(), "{body}");
        let unread = region
            .wait_unread(&author, 2, Duration::from_secs(30))
            .await;
        assert_eq!(unread, 2, "the preview worker ran the job stable queued");
    }

    // Leaving preview clears the cookie.
    let response = region
        .client
        .post(format!("{}/api/v1/admin/preview", crate::helpers::EDGE))
        .bearer_auth(&token)
        .json(&json!({"track": "stable"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cleared = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cleared.starts_with("plaza_preview=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );

    // Without preview processes, the cookie falls back to stable rather than failing.
    drop(_end);
    let (status, body) = report(&region, &token, &[("cookie", cookie)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["request_track"], "preview");
    assert_eq!(served_by(&body), all_on("stable", &stable), "{body}");
    let _ = std::fs::remove_file(binary);
}

/// A browser at the edge that keeps its cookies, signed in through the pages as `name`
/// (password "password1"): the client and the session's CSRF token.
async fn signed_in_browser(region: &Region, name: &str) -> (reqwest::Client, String) {
    let cert = std::fs::read(region.root.join("etc/edge.crt")).unwrap();
    let browser = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&cert).unwrap()])
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = |path: &str| {
        browser
            .get(format!("{}{path}", crate::helpers::EDGE))
            .send()
    };
    let csrf = csrf_in(&page("/signin").await.unwrap().text().await.unwrap());
    let fields = [
        ("csrf", csrf.as_str()),
        ("username", name),
        ("password", "password1"),
    ];
    let answer = browser
        .post(format!("{}/signin", crate::helpers::EDGE))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        answer.text().await.unwrap()
    );
    let csrf = csrf_in(&page("/").await.unwrap().text().await.unwrap());
    (browser, csrf)
}

/// The CSRF token of a page's forms.
fn csrf_in(html: &str) -> String {
    let needle = "name=\"csrf\" value=\"";
    let start = html.find(needle).expect("a form with a CSRF token") + needle.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// `GET /admin/release` in `browser`: (the track HAProxy routed it on, the build that answered,
/// the track the page shows).
async fn release_page(browser: &reqwest::Client) -> (String, String, String) {
    let answer = browser
        .get(format!("{}/admin/release", crate::helpers::EDGE))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let header = |name: &str| answer.headers()[name].to_str().unwrap().to_owned();
    let (track, build) = (header("x-plaza-track"), header("x-plaza-build"));
    let html = answer.text().await.unwrap();
    let needle = "data-track=\"";
    let start = html.find(needle).expect("the page shows its track") + needle.len();
    let shown = html[start..].split('"').next().unwrap().to_owned();
    (track, build, shown)
}

#[tokio::test]
async fn staff_who_opt_in_on_the_release_page_get_the_preview_build_through_the_edge() {
    let region = Region::open();
    let stable = digest(&region.root.join("bin/plaza"));
    let (binary, preview) = new_build(&region);
    release(&["deploy-preview", "--binary", binary.to_str().unwrap()]);
    let _end = EndPreview;
    let (name, _) = staff_named(&region).await;
    let (browser, csrf) = signed_in_browser(&region, &name).await;
    let stable_page = ("stable".to_owned(), stable.clone(), "stable".to_owned());
    assert_eq!(release_page(&browser).await, stable_page);

    for (track, expected) in [
        (
            "preview",
            ("preview".to_owned(), preview.clone(), "preview".to_owned()),
        ),
        ("stable", stable_page.clone()),
    ] {
        let answer = browser
            .post(format!("{}/admin/release", crate::helpers::EDGE))
            .form(&[("csrf", csrf.as_str()), ("track", track)])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{track}");
        assert_eq!(
            release_page(&browser).await,
            expected,
            "after choosing {track}"
        );
    }
    drop(_end);
    let _ = std::fs::remove_file(binary);
}

/// Ends the preview when dropped, so a failed test leaves no preview running.
struct EndPreview;

impl Drop for EndPreview {
    fn drop(&mut self) {
        release(&["end-preview"]);
    }
}

#[tokio::test]
async fn promote_and_roll_back_under_load_fail_no_request() {
    let region = Region::open();
    let stable_binary = region.root.join("bin/plaza");
    let before = digest(&stable_binary);
    let (binary, preview) = new_build(&region);
    release(&["deploy-preview", "--binary", binary.to_str().unwrap()]);
    let token = staff(&region).await;

    // Promote (stable becomes the preview build), then roll back (stable returns to the build
    // before): nothing fails on the way.
    for (step, build) in [(&["promote"], &preview), (&["rollback"], &before)] {
        let (done, failures) = under_load(&region, move || {
            release(step);
        })
        .await;
        assert!(done > 50, "the load ran ({done} requests)");
        assert_eq!(failures, Vec::<String>::new(), "failed requests: {step:?}");
        assert_eq!(&digest(&stable_binary), build, "{step:?}");
        let (_, body) = report(&region, &token, &[]).await;
        assert_eq!(served_by(&body), all_on("stable", build), "{body}");
        let status = region.ctl(&["status"]);
        assert!(!status.contains("preview"), "{status}");
    }
    let _ = std::fs::remove_file(binary);
}
